/**
 * Releases you can trust at 3 a.m., in Chromium against the sandbox:
 * - payments 3.3.1 (the sandbox's leaking version): FAT passes its gate, then is OOM-killed during
 *   the post-stage bake. The execution says degraded with the evidence, the next stage stays
 *   blocked (kubectl: UAT untouched), continuing needs a reason; an out-of-band `kubectl rollout
 *   undo` shows on the board as "diverged"; "Roll back all" asks first (Esc changes nothing).
 * - a PRO stage approval cannot happen without its confirmation, which shows the stage's first
 *   write as a server-side dry run (nothing changes); Abort asks too; an aborted release is history.
 * - Start asks first, with each group's first write as the API server answered its dry run.
 * - a plan with a YAML error shows the error at its line.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl } from './kubectl';
import { openReleases, planHead } from './releases-page';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

const image = (kubeconfig: string, ctx: string, name: string) =>
  kubectl(kubeconfig, ctx, '-n', 'shop', 'get', `deployment/${name}`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');

describe('releases you can trust at 3 a.m.', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('rel-trust', { clockSpeed: 3 });
    ({ page, kubeconfig } = app);
    await openReleases(page, { boardRows: 6 });
  }, 90_000);

  afterAll(async () => {
    await app?.close();
  });

  const status = () => page.getByTestId('exec-status').getAttribute('data-status');
  const line = (key: string) => page.locator(`[data-testid=board-line][data-key="${key}"]`);

  async function startFromPlanner(yaml: string, previewed?: (preview: string) => Promise<void>) {
    await page.getByTestId('rel-tab-planner').click();
    await page.getByTestId('plan-yaml').fill(yaml);
    const checked = async () =>
      `${await page.getByTestId('plan-check-status').innerText()} ${await page.getByTestId('plan-check').innerText()}`;
    await expect.poll(checked, { timeout: 10_000 }).toMatch(/^valid /);
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-drift').click();
    await page.getByTestId('drift-signoff').check();
    await page.getByTestId('plan-start').click();
    // Start asks first: each group's first write, as the API server answered its dry run.
    await page.getByTestId('start-preview').waitFor({ timeout: 10_000 });
    await previewed?.(await page.getByTestId('start-preview').innerText());
    await page.keyboard.press('Enter');
    await page.getByTestId('execution-panel').waitFor({ timeout: 10_000 });
  }

  it('payments 3.3.1: FAT is OOM-killed after its gate; the next stage stays blocked with the evidence shown', async () => {
    await startFromPlanner(
      `${planHead('payments', '3.3.1', 1)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { health: { readyWithin: 2m }, bake: 10m }
stages:
  - { name: fat, groups: [{ group: fat }] }
  - { name: uat, approval: true, groups: [{ group: uat }] }
`,
      async (preview) => {
        // The dry run changed nothing: UAT and FAT still run what they ran.
        expect(preview).toMatch(/fat\/shop\/payments-fat\s+1\s+image\.payments: \S+payments:3\.3\.0 → \S+payments:3\.3\.1/);
        expect(preview).toMatch(
          /uat\/shop\/payments-uat\s+2: 1 first, then 1\s+image\.payments: \S+payments:3\.2\.1 → \S+payments:3\.3\.1/,
        );
        expect(preview).toContain('hold setting(s) Capstan sets while it releases (put back at the end)');
        expect(await image(kubeconfig, 'fat', 'payments-fat')).toMatch(/payments:3\.3\.0$/);
        await screenshot(page, 'releases-trust-start-preview');
      },
    );
    const fat = page.locator('[data-testid=exec-group][data-key="fat/shop/payments-fat"]');
    // FAT passes its gate (succeeded, the stage bakes) ...
    const history = () => page.getByTestId('exec-history').innerText();
    await expect
      .poll(async () => `${await fat.getAttribute('data-phase')}\n${await history()}`, { timeout: 60_000 })
      .toMatch(/^succeeded\n/);
    // ... then the leak kills it: degraded, with what, when, which pod.
    await expect.poll(status, { timeout: 60_000 }).toBe('degraded');
    const evidence = page.getByTestId('exec-degraded');
    await expect
      .poll(() => evidence.innerText())
      .toMatch(/fat\/shop\/payments-fat OOMKilled at .*pod payments-fat-\S+, \d+ restart\(s\)\. It had been healthy since/);
    expect(await evidence.innerText()).toContain('The next stage is blocked');
    expect(await page.getByTestId('degraded-previous-logs').isVisible()).toBe(true);
    expect(await page.getByTestId('degraded-memory').isVisible()).toBe(true);
    expect(await page.getByTestId('exec-approve-stage').count()).toBe(0);
    expect(await page.locator('[data-testid=exec-group][data-key="uat/shop/payments-uat"]').getAttribute('data-phase')).toBe('pending');
    expect(await page.getByTestId('exec-history').innerText()).toMatch(
      /degraded after its gate passed \(pod payments-fat-\S+ was OOMKilled \(\d+ restart/,
    );
    await screenshot(page, 'releases-trust-degraded');

    // Continuing needs a reason: confirm stays disabled without one; Esc changes nothing.
    await page.getByTestId('degraded-override').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=confirm-reason]:focus').count()).toBe(1);
    await screenshot(page, 'releases-trust-override-dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await status()).toBe('degraded');

    // The board: FAT is degraded, not "done"; UAT untouched (kubectl agrees).
    await page.getByTestId('rel-tab-board').click();
    await expect.poll(() => line('fat/shop/payments-fat').getAttribute('data-state')).toBe('degraded');
    expect(await image(kubeconfig, 'uat', 'payments-uat')).toMatch(/payments:3\.2\.1$/);
    await screenshot(page, 'releases-trust-board-degraded');

    // Someone undoes FAT outside Capstan: the board shows the truth, and who did it where the cluster says.
    await kubectl(kubeconfig, 'fat', '-n', 'shop', 'rollout', 'undo', 'deployment/payments-fat');
    await expect.poll(() => line('fat/shop/payments-fat').getAttribute('data-state'), { timeout: 20_000 }).toBe('diverged');
    expect(await line('fat/shop/payments-fat').getByTestId('board-line-diverged').innerText()).toMatch(
      /^diverged: running 3\.3\.0, plan expects 3\.3\.1/,
    );
    await screenshot(page, 'releases-trust-board-diverged');
  }, 180_000);

  it('"Roll back all" asks first: Esc changes nothing, Enter rolls back', async () => {
    await page.getByTestId('rel-tab-executions').click();
    await page.getByTestId('exec-rollback').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('confirm-scope').innerText()).toMatch(/fat\/shop\/payments-fat\s+3\.3\.1 → 3\.3\.0\s+1\s+DEGRADED/);
    await screenshot(page, 'releases-trust-rollback-dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await status()).toBe('degraded');
    await page.getByTestId('exec-rollback').click();
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 60_000 }).toBe('rolled-back');
    expect(await image(kubeconfig, 'fat', 'payments-fat')).toMatch(/payments:3\.3\.0$/);
    expect(await image(kubeconfig, 'uat', 'payments-uat')).toMatch(/payments:3\.2\.1$/);
  }, 90_000);

  it('a PRO stage approval and an abort cannot happen without their confirmation', async () => {
    await startFromPlanner(`${planHead('gateway', '5.1.0', 1)}defaults: { batchPattern: 50%, minOnline: 50% }
gates: { bake: 0s }
stages:
  - { name: pro-west, approval: true, groups: [{ group: pro, datacenter: pro-west }] }
`);
    await expect.poll(status, { timeout: 30_000 }).toBe('awaiting-approval');
    expect(await page.getByTestId('exec-approve-stage').innerText()).toMatch(/Approve stage 1 \(pro-west\)…/);
    await page.getByTestId('exec-approve-stage').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/production/);
    expect(await page.getByTestId('confirm-scope').innerText()).toMatch(
      /pro-west\/platform\/gateway-pro\s+will move 5\.0\.1 → 5\.1\.0\s+6/,
    );
    // The stage's first write, as the API server answers a dry run of it now (kubectl below: nothing changed).
    await expect
      .poll(() => page.getByTestId('stage-preview').innerText(), { timeout: 10_000 })
      .toMatch(/pro-west\/platform\/gateway-pro\s+6: 1 first, then 2 \+ 3\s+image\.gateway: \S+gateway:5\.0\.1 → \S+gateway:5\.1\.0/);
    await screenshot(page, 'releases-trust-pro-approval');
    // Nothing moved while the dialog is open, and Esc leaves it so.
    expect(await status()).toBe('awaiting-approval');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await status()).toBe('awaiting-approval');
    expect(
      await kubectl(
        kubeconfig,
        'pro-west',
        '-n',
        'platform',
        'get',
        'deployment/gateway-pro',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
    ).toMatch(/gateway:5\.0\.1$/);
    // Confirmed with the keyboard, it moves.
    await page.getByTestId('exec-approve-stage').click();
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid=exec-group][data-key="pro-west/platform/gateway-pro"]').getAttribute('data-phase'), {
        timeout: 30_000,
      })
      .toMatch(/fort|baking|rolling/);
    // Abort asks too.
    await page.getByTestId('exec-abort').click();
    await dialog.waitFor();
    expect(await page.getByTestId('confirm-scope').innerText()).toContain('stays as it is now');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('aborted');
    // An aborted release is history: it says so and offers nothing that moves it forward.
    expect(await page.getByTestId('exec-aborted').innerText()).toMatch(/does not move forward any more/);
    expect(await page.getByTestId('exec-group-resume').count()).toBe(0);
    expect(await page.getByTestId('exec-group-rollback').count()).toBe(1);
    // Each aborted group says how its Deployment was given back (recorded; due until done).
    const back = page.locator('[data-testid=exec-group][data-key="pro-west/platform/gateway-pro"] [data-testid=exec-hand-back]');
    // (Aborted right after the approval, the executor may not have written to it yet: nothing to give back.)
    await expect.poll(() => back.getAttribute('data-outcome'), { timeout: 30_000 }).toMatch(/^(held|restored|untouched)$/);
    expect(await back.innerText()).toMatch(
      /^(given back|nothing to give back) \(.*\): (left held at \d+ of 6 pods|no pod was updated yet|every pod was already updated|this release never wrote|the Deployment carries no claim of this release)/,
    );
    await screenshot(page, 'releases-trust-aborted');
  }, 120_000);

  it('an out-of-band kubectl rollout undo mid-release pauses the execution with "diverged", and Capstan does not fight it', async () => {
    await startFromPlanner(`${planHead('orders', '1.5.0', 1)}defaults: { batchPattern: 50%, minOnline: 0 }
gates:
  approval: { beforeStage: false, afterFort: false }
  soak: { afterFort: 10m, afterBatch: 10m }
  health: { readyWithin: 2m }
  bake: 0s
stages:
  - { name: pro-east, approval: false, groups: [{ group: pro, datacenter: pro-east }] }
`);
    const group = page.locator('[data-testid=exec-group][data-key="pro-east/shop/orders-pro"]');
    // Past the fort: its new pod is out and the group soaks before the next batch.
    await expect.poll(() => page.locator('[data-testid=exec-group-soak]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await image(kubeconfig, 'pro-east', 'orders-pro')).toMatch(/orders:1\.5\.0$/);
    // Someone undoes it outside Capstan, mid-release.
    await kubectl(kubeconfig, 'pro-east', '-n', 'shop', 'rollout', 'undo', 'deployment/orders-pro');
    await expect.poll(() => group.getAttribute('data-phase'), { timeout: 20_000 }).toBe('paused');
    const drift = group.getByTestId('exec-drift');
    expect(await drift.innerText()).toMatch(/^diverged: .*orders:1\.5\.0 → \S*orders:1\.4\.2.*\(by kubectl/);
    await screenshot(page, 'releases-trust-execution-diverged');
    // Paused, it leaves the Deployment where kubectl put it.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await group.getAttribute('data-phase')).toBe('paused');
    expect(await image(kubeconfig, 'pro-east', 'orders-pro')).toMatch(/orders:1\.4\.2$/);
    // The board says the same.
    await page.getByTestId('rel-tab-board').click();
    await expect.poll(() => line('pro-east/shop/orders-pro').getAttribute('data-state'), { timeout: 20_000 }).toBe('diverged');
    await page.getByTestId('rel-tab-executions').click();
  }, 150_000);

  it('a plan with a YAML error shows the error at its line; the form stays and marks what the error is about', async () => {
    await page.getByTestId('rel-tab-planner').click();
    const good = `name: cart-1.1.0
app: cart
image: { repository: shop/cart, tag: "1.1.0" }
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:00:00Z
maxParallelGroups: 1
rollback: manual
stages:
  - name: uat
    groups:
      - group: uat
`;
    await page.getByTestId('plan-yaml').fill(good);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 10_000 }).toBe('valid');
    expect(
      await page
        .getByTestId('plan-yaml')
        .evaluate((el) => (el as unknown as { editorView: { state: { doc: { toString(): string } } } }).editorView.state.doc.toString()),
    ).toBe(good);
    // Start says what is missing, in order.
    expect(await page.getByTestId('plan-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('plan-start-why').innerText()).toBe(
      'To start: save the plan → run the drift check → tick "I have reviewed the drift check".',
    );
    // An illegal tag on line 3 and a bad duration on line 8.
    const bad = good.replace('tag: "1.1.0"', 'tag: "-bad"').replace('rollback: manual', 'rollback: manual\ngates: { bake: soon }');
    await page.getByTestId('plan-yaml').fill(bad);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 10_000 }).toBe('invalid');
    const line3 = page.locator('[data-error-line="3"]');
    await expect.poll(() => line3.count(), { timeout: 10_000 }).toBe(1);
    expect(await line3.innerText()).toContain('tag: "-bad"');
    expect(await line3.getAttribute('title')).toMatch(/illegal image tag/);
    expect(await page.locator('[data-error-line="8"]').innerText()).toContain('bake: soon');
    // Line numbers are there to find it.
    expect(await page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^3$/ }).count()).toBe(1);
    // The form stays (last valid plan, read-only) and marks the fields the errors are about.
    expect(await page.getByTestId('plan-form').getAttribute('data-frozen')).toBe('true');
    expect(await page.locator('[data-testid=plan-form] [data-path="image.tag"]').getAttribute('data-error')).toBe('true');
    expect(await page.locator('[data-testid=plan-form] [data-path="gates.bake"]').getAttribute('data-error')).toBe('true');
    expect(await page.getByTestId('plan-form-tag').inputValue()).toBe('1.1.0');
    await screenshot(page, 'releases-trust-yaml-error');
    // Completion offers the plan's keys where the cursor is.
    await page.locator('[data-error-line="3"]').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('ga');
    await page.keyboard.press('Control+Space');
    await expect.poll(() => page.locator('.cm-tooltip-autocomplete').innerText(), { timeout: 5_000 }).toContain('gates');
    await screenshot(page, 'releases-trust-yaml-complete');
    await page.keyboard.press('Escape');
  }, 60_000);

  it('a row action preview changes nothing in the cluster; applying changes exactly what it said', async () => {
    const read = async () =>
      JSON.parse(await kubectl(kubeconfig, 'uat', '-n', 'shop', 'get', 'deployment/cart-uat', '-o', 'json')) as {
        metadata: { resourceVersion: string; generation: number };
        spec: { replicas: number; template: { metadata?: { annotations?: Record<string, string> } } };
      };
    await page.getByTestId('rel-tab-board').click();
    const cart = line('uat/shop/cart-uat');
    const before = await read();
    await cart.getByTestId('board-line-actions').click();
    await page.getByTestId('row-action-scale').click();
    await page.getByTestId('row-action-replicas').fill(String(before.spec.replicas + 1));
    await expect
      .poll(() => page.getByTestId('row-action-preview').innerText())
      .toContain(`spec.replicas: ${before.spec.replicas} → ${before.spec.replicas + 1}`);
    await page.getByTestId('row-action-restart').click();
    await expect.poll(() => page.getByTestId('row-action-preview').innerText()).toContain('kubectl.kubernetes.io/restartedAt');
    // Two previews later, the Deployment is byte for byte what it was (kubectl is the referee).
    const afterPreview = await read();
    expect(afterPreview.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(afterPreview.spec).toEqual(before.spec);
    // Apply the scale: exactly spec.replicas moves, nothing else in the spec.
    await page.getByTestId('row-action-scale').click();
    await expect
      .poll(() => page.getByTestId('row-action-preview').innerText())
      .toContain(`spec.replicas: ${before.spec.replicas} → ${before.spec.replicas + 1}`);
    await page.getByTestId('row-action-confirm').click();
    await expect.poll(async () => (await read()).spec.replicas, { timeout: 15_000 }).toBe(before.spec.replicas + 1);
    const after = await read();
    expect(after.spec).toEqual({ ...before.spec, replicas: before.spec.replicas + 1 });
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
  }, 60_000);
});
