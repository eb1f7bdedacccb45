/**
 * Releases in Chromium against the sandbox (browser mode): a release of orders 1.5.0 drafted from
 * the board, edited, checked, drift-checked and signed off, run through FAT → UAT → PRO in both
 * PRO clusters (forts and batches, approvals clicked on the execution panel); then a crash-looping
 * catalog 2.2.0 fails its health gate in FAT, pauses, and is rolled back from the panel. After
 * each, the real kubectl agrees with what the board shows. Screenshots of board and planner.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_DEPLOYMENTS } from '../../src-shared/testing/fixtures';
import { screenshot } from './browser';
import { IMAGE, kubectl, kubectlJsonpath, rolloutStatus } from './kubectl';
import { openReleases, planHead } from './releases-page';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

describe('releases board, planner and executor', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('rel', { clockSpeed: 20 });
    ({ page, kubeconfig } = app);
    await openReleases(page);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  /** The plan text the YAML editor holds. */
  const yamlText = () =>
    page
      .getByTestId('plan-yaml')
      .evaluate((el) => (el as unknown as { editorView: { state: { doc: { toString(): string } } } }).editorView.state.doc.toString());
  const line = (key: string) => page.locator(`[data-testid=board-line][data-key="${key}"]`);
  const status = () => page.getByTestId('exec-status').getAttribute('data-status');

  /** Click the approvals that are showing; forts and PRO stages ask first: confirm them. */
  async function clickApprovals() {
    for (const id of ['exec-approve-stage', 'exec-approve-fort']) {
      const b = page.getByTestId(id).first();
      if (await b.isVisible()) await b.click().catch(() => undefined);
      const ok = page.getByTestId('confirm-ok');
      if (await ok.isVisible()) await ok.click().catch(() => undefined);
    }
  }

  /** Click approvals as they appear until the execution reaches `want`. */
  async function driveTo(want: string, timeoutMs: number) {
    const end = Date.now() + timeoutMs;
    while ((await status()) !== want) {
      if (Date.now() > end)
        throw new Error(`execution is ${await status()}, expected ${want}: ${await page.getByTestId('exec-history').innerText()}`);
      await clickApprovals();
      await page.waitForTimeout(300);
    }
  }

  async function startFromPlanner(yaml: string) {
    await page.getByTestId('plan-yaml').fill(yaml);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 10_000 }).toBe('valid');
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-drift').click();
    await page.getByTestId('drift-signoff').check();
    await page.getByTestId('plan-start').click();
    // Start asks first, with each group's first write as the API server answered its dry run.
    await page.getByTestId('start-preview').waitFor({ timeout: 10_000 });
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('execution-panel').waitFor({ timeout: 10_000 });
  }

  it('shows the board with every app and group across clusters', async () => {
    await expect.poll(() => page.getByTestId('board-row').count(), { timeout: 60_000 }).toBe(6);
    await expect
      .poll(() => line('pro-west/shop/orders-pro').getByTestId('board-line-versions').innerText(), { timeout: 30_000 })
      .toContain('1.4.2');
    await screenshot(page, 'releases-board');
  });

  it('drafts orders 1.5.0 from the board and releases it through FAT → UAT → PRO', async () => {
    await page.locator('[data-testid=board-row][data-app=orders]').getByTestId('board-plan-release').click();
    await page.getByTestId('plan-draft-tag').fill('1.5.0');
    await page.getByTestId('plan-draft').click();
    await expect.poll(yamlText, { timeout: 10_000 }).toContain('tag: 1.5.0');
    const draft = await yamlText();
    const yaml = draft
      .replace(/afterFort: 2m/, 'afterFort: 2s')
      .replace(/afterBatch: 30s/, 'afterBatch: 1s')
      .replace(/bake: 10m/, 'bake: 2s');
    await page.getByTestId('plan-yaml').fill(yaml);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 10_000 }).toBe('valid');
    expect(await page.getByTestId('plan-snapshot-date').innerText()).toMatch(/snapshot of \d/);
    expect(await page.getByTestId('plan-preview').innerText()).toContain('fort');
    await screenshot(page, 'releases-planner');
    await startFromPlanner(yaml);
    // Stop the line once PRO is moving: everything in flight pauses; resume continues.
    const proEast = page.locator('[data-testid=exec-group][data-key="pro-east/shop/orders-pro"]');
    const end = Date.now() + 180_000;
    while (!/fort|baking|rolling/.test((await proEast.getAttribute('data-phase')) ?? '')) {
      if (Date.now() > end) throw new Error('PRO never started');
      await clickApprovals();
      await page.waitForTimeout(300);
    }
    await page.getByTestId('stop-the-line').click();
    await expect.poll(status, { timeout: 10_000 }).toBe('paused');
    expect(await proEast.getAttribute('data-phase')).toBe('paused');
    await page.getByTestId('exec-resume').click();
    await driveTo('succeeded', 240_000);
    for (const [ctx, name] of ORDERS_DEPLOYMENTS) {
      expect(await rolloutStatus(kubeconfig, ctx, 'shop', name)).toContain('successfully rolled out');
      expect(await kubectlJsonpath(kubeconfig, ctx, 'shop', `deployment/${name}`, IMAGE)).toMatch(/orders:1\.5\.0$/);
    }
    const history = await kubectl(kubeconfig, 'pro-west', '-n', 'shop', 'rollout', 'history', 'deployment/orders-pro');
    expect(
      history
        .trim()
        .split('\n')
        .filter((l) => /^\d+\s/.test(l)),
    ).toHaveLength(4);
    await page.getByTestId('rel-tab-board').click();
    await expect
      .poll(() => line('pro-west/shop/orders-pro').getByTestId('board-line-versions').innerText(), { timeout: 30_000 })
      .toMatch(/^1\.5\.0×6$/);
    expect(await line('pro-west/shop/orders-pro').getAttribute('data-state')).toBe('done');
    await screenshot(page, 'releases-board-after');
  }, 300_000);

  it('a crash-looping catalog 2.2.0 fails its health gate in FAT, pauses, and is rolled back', async () => {
    await page.getByTestId('rel-tab-planner').click();
    await startFromPlanner(`${planHead('catalog', '2.2.0', 1)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { health: { readyWithin: 2m }, bake: 1s }
stages:
  - { name: fat, groups: [{ group: fat }] }
  - { name: uat, groups: [{ group: uat }] }
`);
    await expect.poll(status, { timeout: 60_000 }).toBe('paused');
    await expect.poll(() => page.getByTestId('needs-me-item').first().innerText(), { timeout: 10_000 }).toMatch(/gate .* failed/);
    await page.getByTestId('rel-tab-board').click();
    expect(await line('fat/shop/catalog-fat').getAttribute('data-state')).toBe('paused');
    await screenshot(page, 'releases-board-gate-failed');
    await page.getByTestId('rel-tab-executions').click();
    await page.locator('[data-testid=exec-group][data-key="fat/shop/catalog-fat"]').getByTestId('exec-group-rollback').click();
    await driveTo('rolled-back', 90_000);
    expect(await rolloutStatus(kubeconfig, 'fat', 'shop', 'catalog-fat', '30s')).toContain('successfully rolled out');
    expect(await kubectlJsonpath(kubeconfig, 'fat', 'shop', 'deployment/catalog-fat', IMAGE)).toMatch(/catalog:2\.1\.0$/);
    await screenshot(page, 'releases-execution-rolled-back');
  }, 200_000);

  it('row actions show what will change and follow kubectl: scale, pause, restart refused while paused', async () => {
    await page.getByTestId('rel-tab-board').click();
    const cart = line('uat/shop/cart-uat');
    await cart.getByTestId('board-line-actions').click();
    await page.getByTestId('row-action-scale').click();
    await page.getByTestId('row-action-replicas').fill('3');
    await expect.poll(() => page.getByTestId('row-action-preview').innerText()).toContain('spec.replicas: 2 → 3');
    await screenshot(page, 'releases-row-action');
    await page.getByTestId('row-action-confirm').click();
    await expect
      .poll(() => kubectl(kubeconfig, 'uat', '-n', 'shop', 'get', 'deployment/cart-uat', '-o', 'jsonpath={.spec.replicas}'))
      .toBe('3');
    await cart.getByTestId('board-line-actions').click();
    await page.getByTestId('row-action-pause').click();
    await expect.poll(() => page.getByTestId('row-action-preview').innerText()).toContain('spec.paused: false → true');
    await page.getByTestId('row-action-confirm').click();
    await expect.poll(() => cart.getAttribute('data-state'), { timeout: 15_000 }).toBe('paused');
    await cart.getByTestId('board-line-actions').click();
    await page.getByTestId('row-action-restart').click();
    await expect.poll(() => page.getByTestId('row-action-preview').innerText()).toMatch(/paused; kubectl refuses to restart/);
    expect(await page.getByTestId('row-action-confirm').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('row-action-dialog').count()).toBe(0);
  }, 60_000);
});
