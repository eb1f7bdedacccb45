/**
 * Offline planning and a restart mid-release, in Chromium against the sandbox: with every cluster
 * down, a plan is validated against the snapshot on disk (its date shown) and saved; the clusters
 * come back with a Deployment scaled by someone meanwhile, and the drift check lists it for
 * sign-off before the release can start. Mid-release the services are restarted (same data
 * folder): the release shows where it was, paused, and continues when resumed. kubectl agrees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { startDatacenter, type Datacenter } from '../../src-sandbox/datacenter';
import { launchChromium, screenshot } from './browser';
import { IMAGE, kubectl, kubectlJsonpath, rolloutStatus } from './kubectl';
import { openReleases, planHead } from './releases-page';

const PLAN = `${planHead('payments', '3.3.0', 2)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { soak: { afterFort: 1s, afterBatch: 1s }, health: { readyWithin: 2m }, bake: 2s }
stages:
  - { name: uat, approval: false, groups: [{ group: uat }] }
  - { name: pro, approval: false, groups: [{ group: pro }] }
`;

describe('offline plan, drift sign-off, restart mid-release', () => {
  let dc: Datacenter;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;
  let kubeconfig: string;
  const open = async () => {
    server = await startServer({
      port: 0,
      kubeconfigPaths: [kubeconfig],
      userDataDir: join(dir, 'data'),
      homeDir: dir,
      env: { PATH: process.env.PATH },
    });
    await page.goto(server.url);
    await openReleases(page);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-reloff-'));
    dc = await startDatacenter({ clockSpeed: 20 });
    kubeconfig = join(dir, 'kubeconfig');
    dc.writeKubeconfig(kubeconfig);
    browser = await launchChromium();
    page = await browser.newPage();
    await open();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('validates and saves a plan with every cluster down, then signs off the drift when they are back', async () => {
    await expect.poll(() => page.getByTestId('snapshot-freshness').innerText(), { timeout: 60_000 }).toMatch(/pro-west \d/);
    for (const c of dc.clusters) await dc.stopCluster(c.name);
    await expect.poll(() => page.locator('[data-testid=cluster-freshness][data-state=stale]').count(), { timeout: 90_000 }).toBe(4);
    await page.getByTestId('rel-tab-planner').click();
    await page.getByTestId('plan-yaml').fill(PLAN);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 10_000 }).toBe('valid');
    expect(await page.getByTestId('plan-snapshot-date').innerText()).toMatch(/snapshot of \d/);
    await page.getByTestId('plan-save').click();
    await expect.poll(() => page.getByTestId('planner-message').innerText()).toContain('Saved plan payments-3.3.0');
    await page.getByTestId('plan-drift').click();
    await expect.poll(() => page.getByTestId('drift-report').innerText()).toContain('Not live');
    await screenshot(page, 'releases-planner-offline');

    for (const c of dc.clusters) await dc.startCluster(c.name);
    for (const c of dc.clusters) server.services.clusters.reconnect(c.name);
    await expect.poll(() => page.locator('[data-testid=cluster-freshness][data-state=live]').count(), { timeout: 90_000 }).toBe(4);
    await kubectl(kubeconfig, 'pro-west', '-n', 'shop', 'scale', 'deployment/payments-pro', '--replicas=5');
    await expect
      .poll(
        async () => {
          await page.getByTestId('plan-drift').click();
          return page.getByTestId('drift-report').innerText();
        },
        { timeout: 30_000 },
      )
      .toContain('replicas changed from 6 to 5');
    expect(await page.getByTestId('plan-start').isDisabled()).toBe(true);
    await page.getByTestId('drift-signoff').check();
    await page.getByTestId('plan-start').click();
    // Start asks first, with each group's first write as the API server answered its dry run.
    await page.getByTestId('start-preview').waitFor({ timeout: 10_000 });
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('execution-panel').waitFor({ timeout: 10_000 });
  }, 240_000);

  it('restarts the services mid-release: the release is shown where it was, paused, and resumes', async () => {
    const group = (key: string) => page.locator(`[data-testid=exec-group][data-key="${key}"]`);
    await expect
      .poll(() => group('pro-west/shop/payments-pro').getAttribute('data-phase'), { timeout: 90_000 })
      .toMatch(/fort|baking|rolling/);
    await server.close();
    await open();
    await page.getByTestId('rel-tab-executions').click();
    await expect.poll(() => page.getByTestId('exec-status').innerText(), { timeout: 30_000 }).toBe('paused');
    expect(await page.getByTestId('exec-history').innerText()).toContain('recovered');
    await screenshot(page, 'releases-execution-recovered');
    // Resuming one group of the recovered release asks first too (keyboard only): what it
    // continues, from where, and its evidence; Esc leaves it paused.
    const resumeGroup = group('pro-west/shop/payments-pro').getByTestId('exec-group-resume');
    expect(await resumeGroup.innerText()).toBe('Resume…');
    await resumeGroup.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(
      /Resume pro-west\/shop\/payments-pro after Capstan restarted\?[\s\S]*Capstan restarted while pro-west\/shop\/payments-pro was at (fort|batch \d\/\d), (updating|being checked)/,
    );
    expect(await page.getByTestId('confirm-scope').innerText()).toMatch(
      /pro-west\/shop\/payments-pro\s+continues \S+ → 3\.3\.0 from (fort|batch \d\/\d)\s+\d+\s+paused/,
    );
    await screenshot(page, 'releases-execution-recovered-group-resume');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await group('pro-west/shop/payments-pro').getAttribute('data-phase')).toBe('paused');
    // Resuming after a restart asks first, with what will continue.
    await page.getByTestId('exec-resume').click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-scope').innerText()).toContain('pro-west/shop/payments-pro');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('exec-status').innerText(), { timeout: 180_000 }).toBe('succeeded');
    expect(await rolloutStatus(kubeconfig, 'pro-west', 'shop', 'payments-pro')).toContain('successfully rolled out');
    expect(await kubectlJsonpath(kubeconfig, 'pro-west', 'shop', 'deployment/payments-pro', `{.spec.replicas} ${IMAGE}`)).toMatch(
      /^5 .*payments:3\.3\.0$/,
    );
    await page.getByTestId('rel-tab-board').click();
    await page.getByTestId('theme-dark').click();
    await expect
      .poll(() => page.locator('[data-testid=board-line][data-key="pro-west/shop/payments-pro"]').getAttribute('data-state'), {
        timeout: 30_000,
      })
      .toBe('done');
    await screenshot(page, 'releases-board-dark');
  }, 300_000);
});
