import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarbor, type SandboxHarbor, type ScenarioHarbors } from '../../src-sandbox/harbor';
import { createSandboxCert } from '../../src-sandbox/server/tls-cert';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { launchChromium, screenshot } from './browser';
import { setImage } from './kubectl';

/**
 * Image sync end to end: the renderer build in Chromium, the WebSocket bridge, ImageSyncService and
 * the sandbox Harbors (harbor-east replicating to harbor-west). The matrix shows an image missing in
 * dc-west; a pod that cannot pull it links to its row; a replication started from the UI fixes it.
 */
describe('images: sync matrix in browser mode against the sandbox Harbors', () => {
  let server: RunningServer;
  let harbors: ScenarioHarbors;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;
  let kubeconfig: string;
  let north: SandboxHarbor | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-images-'));
    server = await startServer({
      sandbox: true,
      port: 0,
      userDataDir: join(dir, 'data'),
      homeDir: dir,
      env: {},
      // No random failures or CI pushes: the states the test looks at are the scripted ones.
      sandboxOptions: { clockSpeed: 20, harbors: { failRate: 0, stuckRate: 0, pushIntervalMs: 0 } },
    });
    const sandbox = server.backend.sandbox;
    if (!sandbox?.datacenter || !sandbox.harbors) throw new Error('the in-process sandbox (with Harbors) did not start');
    harbors = sandbox.harbors;
    kubeconfig = join(dir, 'sandbox.kubeconfig');
    sandbox.datacenter.writeKubeconfig(kubeconfig);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.goto(server.url);
    // A busy shared machine can take a while to start Chromium and render the first frame.
    await page.getByTestId('nav-images').waitFor({ timeout: 90_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await north?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cell = (image: string, region: string) => page.locator(`[data-testid=images-cell][data-image="${image}"][data-region="${region}"]`);

  it('shows every state: synced, missing, digest mismatch, failed and a stuck replication, with counts per region', async () => {
    await page.getByTestId('nav-images').click();
    await expect.poll(() => cell('shop/gateway:5.1.1', 'dc-west').getAttribute('data-state'), { timeout: 60_000 }).toBe('missing');
    expect(await cell('shop/gateway:5.1.1', 'dc-east').getAttribute('data-state')).toBe('synced');
    expect(await cell('shop/orders:1.4.2', 'dc-west').getAttribute('data-state')).toBe('synced');
    expect(await cell('shop/orders:1.5.1', 'dc-west').getAttribute('data-state')).toBe('mismatch');
    await expect.poll(() => cell('shop/orders:1.6.0', 'dc-west').getAttribute('data-state'), { timeout: 30_000 }).toBe('failed');
    // The stuck copy is flagged once InProgress beyond the sandbox threshold (2 simulated minutes = 6 s at clock 20).
    await expect.poll(() => cell('shop/payments:3.3.1', 'dc-west').getAttribute('data-stuck'), { timeout: 40_000 }).toBe('true');
    const west = page.locator('[data-testid=images-summary-region][data-region="dc-west"]');
    await expect.poll(() => west.getAttribute('data-out-of-sync'), { timeout: 30_000 }).toBe('4');
    expect(await page.locator('[data-testid=images-summary-region][data-region="dc-east"]').getAttribute('data-out-of-sync')).toBe('0');
    // Images the running workloads use are listed first.
    const first = await page.getByTestId('images-matrix').getByTestId('table-row').first().getAttribute('data-priority');
    expect(first).toBe('true');
    await screenshot(page, 'images-matrix-light');
    await page.getByTestId('theme-dark').click();
    await screenshot(page, 'images-matrix-dark');
    await page.getByTestId('theme-light').click();
  });

  it('a failed cell shows its execution and the failed task first, with the task log', async () => {
    await cell('shop/orders:1.6.0', 'dc-west').click();
    const detail = page.getByTestId('images-detail');
    await expect.poll(() => detail.getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
    const firstTask = detail.getByTestId('images-task').first();
    await expect.poll(() => firstTask.getAttribute('data-status'), { timeout: 20_000 }).toBe('Failed');
    await firstTask.getByTestId('images-task-log-open').click();
    await expect.poll(() => detail.getByTestId('images-task-log').innerText(), { timeout: 20_000 }).toContain('failed to push manifest');
    expect(await detail.locator('[data-testid=images-execution][data-status=Failed]').count()).toBeGreaterThan(0);
    await screenshot(page, 'images-failed-task-log');
    await page.getByTestId('theme-dark').click();
    await screenshot(page, 'images-failed-task-log-dark');
    await page.getByTestId('theme-light').click();
  });

  it('a pod in ImagePullBackOff links to its image row', async () => {
    await setImage(kubeconfig, 'pro-west', 'platform', 'gateway-pro', 'gateway', 'harbor-west.sandbox.local/shop/gateway:5.1.1');
    await page.getByTestId('nav-problems').click();
    const row = page.locator('[data-testid=problems-table-ImagePullBackOff] [data-testid=table-row][data-cluster="pro-west"]').first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    const link = page.getByTestId('detail-drawer').locator('[data-testid=image-sync-link][data-pull-error=true]');
    await link.click();
    await expect.poll(() => page.getByTestId('images-detail').getAttribute('data-state'), { timeout: 30_000 }).toBe('missing');
    expect(await page.getByTestId('images-detail').locator('.img-detail__title').innerText()).toContain('shop/gateway:5.1.1');
    expect(await cell('shop/gateway:5.1.1', 'dc-west').getAttribute('class')).toContain('is-selected');
    await screenshot(page, 'images-from-pull-backoff');
  });

  it('starting the replication policy from the UI (confirmed) turns the missing cell synced', async () => {
    const detail = page.getByTestId('images-detail');
    const policy = detail.locator('[data-testid=images-policy][data-policy="replicate-to-harbor-west"]');
    await policy.getByTestId('images-start-execution').click();
    const dialog = page.getByTestId('images-confirm');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('replicate-to-harbor-west');
    await screenshot(page, 'images-confirm-start');
    await dialog.getByTestId('images-confirm-ok').click();
    await expect.poll(() => detail.getByTestId('images-action-message').innerText(), { timeout: 20_000 }).toContain('started');
    await expect.poll(() => cell('shop/gateway:5.1.1', 'dc-west').getAttribute('data-state'), { timeout: 60_000 }).toBe('synced');
    // Harbor west has it now, with the digest east has.
    const west = harbors.harbors.find((h) => h.name === 'harbor-west')!;
    const east = harbors.harbors.find((h) => h.name === 'harbor-east')!;
    expect(west.state.resolve('shop/gateway', '5.1.1')?.manifest.digest).toBe(east.state.resolve('shop/gateway', '5.1.1')?.manifest.digest);
    // The manual execution copied every image: the mismatch and the failed one are fixed too.
    await page.getByTestId('images-filter-app').fill('');
    await page.getByTestId('images-filter-tag').fill('');
    await expect.poll(() => cell('shop/orders:1.5.1', 'dc-west').getAttribute('data-state'), { timeout: 30_000 }).toBe('synced');
    await expect.poll(() => cell('shop/orders:1.6.0', 'dc-west').getAttribute('data-state'), { timeout: 30_000 }).toBe('synced');
    await screenshot(page, 'images-synced-after-replication');
  });

  it('a stuck execution that ignores the first stop (as Harbor users report) stops on the second, each confirmed', async () => {
    const detail = page.getByTestId('images-detail');
    const stuck = detail.locator('[data-testid=images-execution][data-stuck=true]').first();
    await stuck.waitFor({ timeout: 20_000 });
    const stop = async () => {
      await stuck.getByTestId('images-stop-execution').click();
      await page.getByTestId('images-confirm').waitFor();
      await page.getByTestId('images-confirm-ok').click();
    };
    await stop();
    await expect.poll(() => detail.getByTestId('images-action-message').innerText(), { timeout: 20_000 }).toContain('still InProgress');
    await screenshot(page, 'images-stop-ignored');
    await stop();
    await expect.poll(() => detail.getByTestId('images-action-message').innerText(), { timeout: 20_000 }).toContain('Stopped');
    await expect.poll(() => detail.locator('[data-testid=images-execution][data-stuck=true]').count(), { timeout: 20_000 }).toBe(0);
  });

  it('registries panel: health and credentials of both Harbors; the secret never comes back', async () => {
    await page.getByTestId('images-tab-registries').click();
    const rows = page.getByTestId('images-registry');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    for (const id of ['harbor-east', 'harbor-west']) {
      await expect
        .poll(() => page.locator(`[data-testid=images-registry][data-registry="${id}"]`).getAttribute('data-health'), { timeout: 20_000 })
        .toBe('ok');
    }
    const text = await page.getByTestId('images-registries').innerText();
    expect(text).toContain('credentials OK');
    expect(text).not.toContain('capstan-robot-secret');
    expect(await page.content()).not.toContain('capstan-robot-secret');
    await screenshot(page, 'images-registries');
  });

  it('adds a Harbor with a self-signed certificate: the secret is sent once, the certificate is trusted only after confirming its fingerprint', async () => {
    const cert = createSandboxCert('harbor-north');
    north = await startHarbor({
      name: 'harbor-north',
      region: 'dc-north',
      tls: { key: cert.keyPem, cert: cert.certPem },
      projects: [{ name: 'shop', repositories: { orders: ['1.4.2'] } }],
    });
    await page.getByTestId('nav-images').click();
    await page.getByTestId('images-tab-registries').click();
    await page.getByLabel('Registry name').fill('harbor-north');
    await page.getByLabel('Registry URL').fill(north.url);
    await page.getByLabel('Region it serves').fill('dc-north');
    await page.getByLabel('Username or robot account').fill('robot$capstan');
    await page.getByLabel('Password or robot secret').fill('capstan-robot-secret');
    // Browser mode keeps the vault key in a file: storing a secret needs the user's consent first.
    await page.getByRole('button', { name: 'Add registry' }).click();
    await page.locator('[data-testid=error-banner][data-code=consent-required]').waitFor({ timeout: 20_000 });
    await screenshot(page, 'images-add-registry-consent');
    await page.getByTestId('vault-consent').click();
    await page.getByRole('button', { name: 'Add registry' }).click();
    const row = page.locator('[data-testid=images-registry][data-registry="harbor-north"]');
    await expect.poll(() => row.getAttribute('data-health'), { timeout: 20_000 }).toBe('bad');
    expect(await page.getByLabel('Password or robot secret').inputValue()).toBe('');
    const banner = page.locator('[data-testid=images-registry-error][data-code=tls-error]');
    await banner.getByRole('button', { name: 'Trust this certificate…' }).click();
    const dialog = page.getByTestId('images-confirm');
    expect(await dialog.innerText()).toMatch(/[A-F0-9]{2}(:[A-F0-9]{2}){31}/);
    await screenshot(page, 'images-trust-certificate');
    await dialog.getByTestId('images-confirm-ok').click();
    await expect.poll(() => row.getAttribute('data-health'), { timeout: 20_000 }).toBe('ok');
    expect(await row.innerText()).toContain('credentials OK');
    expect(await page.content()).not.toContain('capstan-robot-secret');
    await page.getByTestId('images-tab-matrix').click();
    await expect.poll(() => cell('shop/orders:1.4.2', 'dc-north').getAttribute('data-state'), { timeout: 30_000 }).toBe('synced');
    expect(await cell('shop/gateway:5.1.1', 'dc-north').getAttribute('data-state')).toBe('missing');
    await screenshot(page, 'images-three-regions');
  });
  it('edits a registry in place: what it does not follow is "not followed"; a stopped registry makes its region unknown, never in sync', async () => {
    await page.getByTestId('images-tab-registries').click();
    const row = page.locator('[data-testid=images-registry][data-registry="harbor-north"]');
    await row.getByTestId('images-registry-edit-open').click();
    const form = page.getByTestId('images-registry-edit');
    await expect.poll(() => form.getByTestId('images-registry-coverage').getAttribute('data-mode'), { timeout: 20_000 }).toBe('harbor');
    await form.getByLabel('Repositories to include').fill('shop/orders');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByTestId('images-tab-matrix').click();
    await expect.poll(() => cell('shop/gateway:5.1.1', 'dc-north').getAttribute('data-state'), { timeout: 30_000 }).toBe('not-followed');
    expect(await cell('shop/orders:1.4.2', 'dc-north').getAttribute('data-state')).toBe('synced');
    const northChip = page.locator('[data-testid=images-summary-region][data-region="dc-north"]');
    expect(await northChip.innerText()).toContain('not followed');
    await cell('shop/gateway:5.1.1', 'dc-north').click();
    const detail = page.getByTestId('images-detail');
    await expect.poll(() => detail.innerText(), { timeout: 20_000 }).toContain("not followed by this region's registry");
    expect(await detail.getByTestId('images-row-sources').innerText()).toBe('Harbor projects');
    await screenshot(page, 'images-not-followed');

    await north!.close();
    north = undefined;
    await page.getByTestId('images-refresh').click();
    await expect.poll(() => northChip.getAttribute('data-state'), { timeout: 60_000 }).toBe('unknown');
    expect(await northChip.innerText()).toContain('unreachable since');
    expect(await northChip.innerText()).not.toContain('in sync');
    await screenshot(page, 'images-region-unknown');

    await page.getByTestId('images-tab-lineage').click();
    await page.locator('[data-testid=images-lineage], [data-testid=images-lineage-empty]').first().waitFor({ timeout: 30_000 });
  });
});
