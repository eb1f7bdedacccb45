/**
 * A snapshot-first launch, in Chromium against the sandbox: the services run once with every
 * cluster reachable (the release snapshot is saved), stop; the clusters go down; the services start
 * again on the same data folder. The board, the workloads list and the overview show each cluster's
 * last known state at once, marked "stale, as of HH:MM", with nothing actionable; when the clusters
 * come back, live data replaces it. kubectl says which version the stale board must show.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/app/server';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { screenshot } from './browser';
import { IMAGE, kubectlJsonpath } from './kubectl';
import { openReleases } from './releases-page';
import { openDatacenterPage, type DatacenterPage } from './sandbox-app';

const until = async (pred: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('snapshot-first launch', () => {
  let env: DatacenterPage;
  let server: RunningServer | undefined;
  let page: Page;
  let dc: Datacenter;
  let kubeconfig: string;
  const start = () =>
    startServer({
      port: 0,
      kubeconfigPaths: [kubeconfig],
      userDataDir: join(env.dir, 'data'),
      homeDir: env.dir,
      env: { PATH: process.env.PATH },
    });

  beforeAll(async () => {
    env = await openDatacenterPage('launch');
    ({ page, datacenter: dc, kubeconfig } = env);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await env?.close();
  });

  it('shows the last known board marked stale with its age, nothing actionable, then live', async () => {
    // A first run with every cluster up: the snapshot of all four is saved.
    const first = await start();
    const stop = first.services.workloads.subscribe(undefined, () => undefined);
    const ids = first.services.clusters.ids();
    await until(
      () =>
        ids.length === 4 &&
        ids.every((id) => first.services.releases.snapshots.get().clusters.some((c) => c.clusterId === id && c.deployments.length > 0)),
      90_000,
      'snapshot of every cluster',
    );
    await first.services.releases.snapshots.refresh();
    stop();
    await first.close();
    const image = await kubectlJsonpath(kubeconfig, 'pro-west', 'shop', 'deployment/payments-pro', IMAGE);
    const tag = image.split(':').pop()!;

    // Every cluster down, then the app starts again on the same data folder.
    for (const c of dc.clusters) await dc.stopCluster(c.name);
    server = await start();
    await page.goto(server.url);
    await openReleases(page);
    const line = page.locator('[data-testid=board-line][data-key="pro-west/shop/payments-pro"]');
    await expect.poll(() => line.getAttribute('data-stale'), { timeout: 30_000 }).toBe('true');
    expect(await line.getByTestId('board-line-stale').getAttribute('aria-label')).toMatch(/^stale, as of \d\d:\d\d$/);
    expect(await page.getByTestId('board-stale').innerText()).toMatch(/pro-west \(stale, as of \d\d:\d\d\)/);
    expect(await line.getByTestId('board-line-versions').innerText()).toContain(tag);
    expect(await line.getByTestId('board-line-actions').isDisabled()).toBe(true);
    expect(await page.getByTestId('board-stale').getAttribute('data-clusters')).toBe('fat pro-east pro-west uat');
    // The services refuse a row action on a cluster known only from the snapshot, too.
    const refused = await server.services.releases.previewRow({
      kind: 'restart',
      clusterId: 'pro-west',
      namespace: 'shop',
      name: 'payments-pro',
    });
    expect(!refused.ok && refused.error.message).toMatch(/not synced since launch/);
    await screenshot(page, 'launch-board-stale');

    // The workloads list and the overview say the same.
    await page
      .getByRole('button', { name: /Workloads/ })
      .or(page.getByRole('link', { name: /Workloads/ }))
      .first()
      .click();
    await page.getByTestId('workloads-stale').waitFor({ timeout: 10_000 });
    await page
      .getByRole('button', { name: /Overview/ })
      .or(page.getByRole('link', { name: /Overview/ }))
      .first()
      .click();
    await expect.poll(() => page.getByTestId('cluster-last-known').count(), { timeout: 10_000 }).toBe(4);
    expect(await page.getByTestId('cluster-last-known').first().innerText()).toMatch(/Last known: \d+ Deployments, stale, as of \d\d:\d\d/);

    // The clusters come back: live data replaces the snapshot, cluster by cluster.
    for (const c of dc.clusters) await dc.startCluster(c.name);
    for (const c of dc.clusters) server.services.clusters.reconnect(c.name);
    await expect.poll(() => page.getByTestId('cluster-last-known').count(), { timeout: 90_000 }).toBe(0);
    await openReleases(page);
    await expect.poll(() => page.locator('[data-testid=board-line][data-stale]').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('board-stale').count()).toBe(0);
    expect(await line.getByTestId('board-line-actions').isDisabled()).toBe(false);
    expect(await line.getByTestId('board-line-versions').innerText()).toContain(tag);
  }, 240_000);
});
