import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/** Hide and show clusters (a setting), remove an added kubeconfig file, in Chromium against the sandbox. */
describe('cluster settings', () => {
  let app: SandboxApp;
  let page: Page;
  const card = (id: string) => page.locator(`[data-testid=cluster-card][data-cluster-id="${id}"]`);

  beforeAll(async () => {
    app = await openSandboxApp('cluster-settings', { clockSpeed: 5 });
    ({ page } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('hides a cluster everywhere until shown again, and remembers it', async () => {
    await expect.poll(() => card('uat').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    await card('uat').getByTestId('cluster-hide').click();
    await expect.poll(() => card('uat').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('hidden-clusters').innerText()).toContain('uat');
    const settings = JSON.parse(readFileSync(join(app.dir, 'data', 'settings.json'), 'utf8')) as { prefs: { hiddenClusters?: string[] } };
    expect(settings.prefs.hiddenClusters).toEqual(['uat']);
    await screenshot(page, 'cluster-settings-hidden');

    // Every view follows: the Services table holds the other three clusters' services only.
    await page.getByTestId('nav-resources').click();
    await page.getByTestId('resource-kind').selectOption({ label: 'Service' });
    let others = 0;
    for (const c of ['fat', 'pro-east', 'pro-west'])
      others += (await kubectl(app.kubeconfig, c, 'get', 'svc', '-A', '--no-headers')).trim().split('\n').filter(Boolean).length;
    await expect
      .poll(async () => Number(await page.getByTestId('resources-table').getAttribute('data-row-count')), { timeout: 30_000 })
      .toBe(others);

    await page.getByTestId('nav-overview').click();
    await page.locator('[data-testid=hidden-clusters] [data-cluster-id=uat]').getByTestId('cluster-show').click();
    await expect.poll(() => card('uat').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    await expect.poll(() => page.getByTestId('hidden-clusters').count()).toBe(0);
  });

  it('removes a kubeconfig file the user added, and its clusters with it', async () => {
    const file = join(app.dir, 'extra.kubeconfig');
    // A copy of the sandbox kubeconfig whose contexts are renamed, so they do not collide.
    writeFileSync(
      file,
      readFileSync(app.kubeconfig, 'utf8').replace(
        /(name|context|cluster|user|current-context): (fat|uat|pro-east|pro-west)\b/g,
        '$1: extra-$2',
      ),
    );
    const added = app.server.backend.services.kubeconfig.addPath(file);
    expect(added.ok).toBe(true);
    await page.reload();
    await expect.poll(() => card('extra-fat').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('kubeconfig-sources').getByTestId('kubeconfig-remove').click();
    await expect.poll(() => card('extra-fat').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('kubeconfig-sources').count()).toBe(0);
  });
});
