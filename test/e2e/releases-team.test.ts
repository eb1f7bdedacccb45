/**
 * Team releases in Chromium: Alice's Capstan (a headless service process,
 * src-main/releases/testing/team-child.ts) drives a release; Bob's Capstan (browser mode, the same
 * kubeconfig, its own data folder) shows it live and read-only with Alice as holder. Alice's
 * process is killed with SIGKILL mid-batch; once her Lease expired Bob's window offers Take over…,
 * the confirmation shows who held it, since when and where it stopped; confirmed, Bob's Capstan
 * continues from the recorded batch and finishes. kubectl: the Lease names Bob, one new revision.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { batchNumber, Capstan, teamPlan } from '../../src-main/releases/testing/team-process';
import { screenshot } from './browser';
import { openDatacenterPage, type DatacenterPage } from './sandbox-app';
import { openReleases } from './releases-page';

const SPEED = 10;
const LEASE = [6, 4, 1] as const;
const PLAN = teamPlan();

describe('team releases: take over a release whose holder vanished', () => {
  let env: DatacenterPage;
  let bob: RunningServer;
  let alice: Capstan;
  let page: Page;
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', env.kubeconfig, ...args], { encoding: 'utf8', timeout: 20_000 }))
      .stdout;

  beforeAll(async () => {
    env = await openDatacenterPage('team', { clockSpeed: SPEED, bookmarkIntervalMs: 500 });
    page = env.page;
    alice = new Capstan(join(env.dir, 'alice'), env.kubeconfig, 'alice', LEASE, SPEED);
    bob = await startServer({
      port: 0,
      kubeconfigPaths: [env.kubeconfig],
      userDataDir: join(env.dir, 'bob'),
      homeDir: env.dir,
      env: { PATH: process.env.PATH },
      services: {
        releases: {
          timeScale: SPEED,
          team: { timing: { leaseDurationMs: LEASE[0] * 1000, renewDeadlineMs: LEASE[1] * 1000, retryPeriodMs: LEASE[2] * 1000 } },
        },
      },
    });
    await alice.wait((l) => l.t === 'ready', 60_000, 'alice ready');
    await page.goto(bob.url);
  }, 120_000);

  afterAll(async () => {
    alice?.proc.kill('SIGKILL');
    await bob?.close();
    await env?.close();
  });

  it('shows Alice as holder read-only; after kill -9 and the Lease expiry, Bob takes over after a confirmation and finishes', async () => {
    const revisionsBefore = (await kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'history', 'deployment/orders-pro'))
      .split('\n')
      .filter((l) => /^\d+\s/.test(l)).length;
    const created = await alice.request({ cmd: 'create', yaml: PLAN });
    expect(created.message).toBeUndefined();
    const id = created.id!;
    expect((await alice.request({ cmd: 'act', id, event: { type: 'start' } })).ok).toBe(true);

    await openReleases(page);
    await page.getByTestId('rel-tab-executions').click();
    const item = page.locator(`[data-testid=exec-list-item][data-id="${id}"]`);
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    const owner = page.getByTestId('exec-owner');
    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('held');
    expect((await owner.innerText()).replace(/\s+/g, ' ')).toMatch(/Read-only: driven by alice@\S+ \(pid \d+\) since .*last renewal/);
    expect((await item.getByTestId('exec-list-owner').innerText()).replace(/\s+/g, ' ')).toMatch(/read-only · alice@/);
    expect(await page.getByTestId('exec-abort').isDisabled()).toBe(true);
    await screenshot(page, 'releases-team-held-by-alice');

    // Alice's laptop dies mid-batch in pro-west.
    const mid = await alice.view(
      id,
      (v) => v.groups.some((g) => g[0].startsWith('pro-west/') && g[1] === 'rolling' && g[2] >= 1 && g[3] === 'updating'),
      120_000,
      'pro-west mid-batch',
    );
    alice.proc.kill('SIGKILL');
    const label = mid.groups.find((g) => g[0].startsWith('pro-west/'))![4];

    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('expired');
    await screenshot(page, 'releases-team-lease-expired');
    await page.getByTestId('exec-take-over').click();
    const details = page.getByTestId('take-over-details');
    await details.waitFor();
    const text = (await details.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(/Held by alice@\S+ \(pid \d+\) since .*last renewal was at/);
    expect(text).toMatch(/It stopped at: running, stage 2\/2 \(pro-west\)/);
    // Where it stopped, numbered as the rest of the app numbers batches (the fort apart).
    const at = /pro-west\/shop\/orders-pro: (batch \d+\/\d+) (updating|checking)/.exec(text);
    expect(at).not.toBeNull();
    expect(batchNumber(at![1]!)).toBeGreaterThanOrEqual(batchNumber(label));
    await screenshot(page, 'releases-team-take-over-confirm');
    await page.getByRole('button', { name: 'Take over', exact: true }).click();

    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('mine');
    await expect
      .poll(() => page.getByTestId('exec-history').innerText(), { timeout: 10_000 })
      .toMatch(/taken over from alice@\S+ \(pid \d+\), whose Lease had expired; continues from the recorded state/);
    await expect.poll(() => page.getByTestId('exec-status').getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('free');
    await screenshot(page, 'releases-team-taken-over-succeeded');

    // Finished, Bob's Capstan handed the Lease back: kubectl shows who did, and that Alice no longer holds it.
    const lease = await kubectl('--context', 'uat', '-n', 'capstan-system', 'get', 'lease', '-o', 'yaml');
    expect(lease).toMatch(/capstan.io\/released-by: \S+@\S+\/\d+-[0-9a-f]{4}/);
    expect(lease).not.toMatch(/released-by: alice@/);
    expect(lease).toMatch(/leaseTransitions: 1/);
    const revisionsAfter = (await kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'history', 'deployment/orders-pro'))
      .split('\n')
      .filter((l) => /^\d+\s/.test(l)).length;
    expect(revisionsAfter).toBe(revisionsBefore + 1);
  });

  it('Bob hands a release he drives back to the team: confirmed by keyboard, paused, Lease emptied; a teammate takes it over at once', async () => {
    // Bob's Capstan (this window's services) drives payments 3.3.0 through UAT, then pro-west.
    const yaml = PLAN.replaceAll('orders', 'payments').replaceAll('1.5.0', '3.3.0');
    const releases = bob.services.releases;
    await openReleases(page);
    await page.getByTestId('rel-tab-executions').click();
    // The window connects every cluster; a release starts only against live state.
    await expect.poll(async () => (await releases.snapshots.refresh(), (await releases.drift(yaml)).ok), { timeout: 60_000 }).toBe(true);
    const drift = await releases.drift(yaml);
    if (!drift.ok) throw new Error(drift.error.message);
    const created = await releases.create(yaml, drift.value.fingerprint);
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    expect((await releases.act(id, { type: 'start' })).ok).toBe(true);

    const item = page.locator(`[data-testid=exec-list-item][data-id="${id}"]`);
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    const owner = page.getByTestId('exec-owner');
    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('mine');
    await expect.poll(() => page.locator('[data-testid=exec-group][data-phase=rolling]').count(), { timeout: 60_000 }).toBeGreaterThan(0);

    // Keyboard: focus Hand back…, Enter opens the confirmation, which says what changes.
    await page.getByTestId('exec-hand-back-lease').focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId('hand-back-details');
    await details.waitFor();
    const text = (await details.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('The release is paused first');
    expect(text).toContain('No Deployment is written');
    expect(text).toMatch(/uat\/shop\/payments-uat: (batch \d\/\d|fort) (updating|checking), \d of 2 pods on payments:3\.3\.0/);
    expect(text).toMatch(/Your Lease in uat is handed back .* nobody drives it until a teammate \(or you\) takes it over/);
    await screenshot(page, 'releases-team-hand-back-confirm');
    // Esc leaves it as it was; Enter confirms.
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
    expect(await owner.getAttribute('data-kind')).toBe('mine');
    await page.getByTestId('exec-hand-back-lease').focus();
    await page.keyboard.press('Enter');
    await details.waitFor();
    await page.keyboard.press('Enter');

    await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('handed');
    await expect.poll(() => page.getByTestId('exec-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('paused');
    expect(await page.getByTestId('exec-abort').isDisabled()).toBe(true);
    expect((await owner.innerText()).replace(/\s+/g, ' ')).toMatch(
      /Read-only: \S+@\S+ \(pid \d+\) handed it back to the team unfinished at .*; nobody drives it/,
    );
    await screenshot(page, 'releases-team-handed-back');
    // kubectl: the Lease has no holder and names who handed it back.
    const lease = await kubectl(
      '--context',
      'uat',
      '-n',
      'capstan-system',
      'get',
      'lease',
      '-l',
      'capstan.io/release-execution=lease',
      '-o',
      'yaml',
    );
    const mine = lease.split(/\n- /).find((l) => l.includes(id))!;
    expect(mine).toMatch(/capstan.io\/released-by: \S+@/);
    expect(mine).toMatch(/holderIdentity: ""/);

    // Carol (another Capstan) takes it over at once, without waiting for an expiry, and resumes it.
    const carol = new Capstan(join(env.dir, 'carol'), env.kubeconfig, 'carol', LEASE, SPEED);
    try {
      await carol.wait((l) => l.t === 'ready', 60_000, 'carol ready');
      await carol.view(id, (v) => v.owner?.holder === '' && !v.locked, 30_000, 'carol sees it handed back');
      const took = await carol.request({ cmd: 'takeOver', id });
      expect(took.message).toBeUndefined();
      expect((await carol.request({ cmd: 'act', id, event: { type: 'resume' } })).ok).toBe(true);
      await expect.poll(() => owner.getAttribute('data-kind'), { timeout: 30_000 }).toBe('held');
      expect((await owner.innerText()).replace(/\s+/g, ' ')).toMatch(/driven by carol@/);
      await expect
        .poll(() => page.getByTestId('exec-history').innerText(), { timeout: 10_000 })
        .toMatch(/taken over from \S+@\S+ \(pid \d+\), who had handed it back; continues from the recorded state/);
    } finally {
      carol.proc.kill('SIGKILL');
    }
  });
});
