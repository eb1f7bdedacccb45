/**
 * Visible to every tool, permissions first, against the sandbox with kubectl as the referee:
 * after a release `kubectl describe deploy` shows Capstan's Events (readable reasons, the release
 * id, the batch and who) and `kubectl rollout history` the change cause; a user without `patch
 * deployments` in one namespace of one cluster is refused before anything is written, with that
 * exact permission named, in the plan check, at create and at start.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RequestSeen } from '../../src-sandbox/datacenter';
import { until } from '../testing/fake-kube';
import { drive, plan, startRelease, startReleaseSandbox, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
afterAll(() => sb?.close());

it('kubectl describe deploy shows the release as Events from capstan, and rollout history shows the change cause', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('orders', '1.5.0', '  - { name: uat, approval: false, groups: [{ group: uat }] }', 'rollback: manual'),
  );
  const group = () => s.executor.entries.get(id)!.state.groups[0]!;
  await until(() => group().phase === 'rolling' && group().step === 'checking', 60_000, 'first batch soaking');
  expect((await s.act(id, { type: 'pause', group: group().key, note: 'checking the dashboards' })).ok).toBe(true);
  expect((await s.act(id, { type: 'resume', group: group().key })).ok).toBe(true);
  await drive(s, id, () => group().phase === 'succeeded', 90_000, 'succeeded');
  await s.kubeEvents.idle();
  expect(s.kubeEvents.failures).toBe(0);

  const describe = await sb.kubectl('--context', 'uat', '-n', 'shop', 'describe', 'deploy', 'orders-uat');
  const events = describe.slice(describe.indexOf('Events:'));
  if (process.env.SHOW_EVENTS)
    console.log(events, await sb.kubectl('--context', 'uat', '-n', 'shop', 'rollout', 'history', 'deployment/orders-uat'));
  const line = (reason: string) => events.split('\n').find((l) => new RegExp(`^\\s+\\w+\\s+${reason}\\s`).test(l)) ?? '';
  expect(line('BatchStarted')).toMatch(
    /Normal\s+BatchStarted\s+\S+\s+capstan\s+Batch 1\/2 started: 1 of 2 pods 1\.4\.2 → 1\.5\.0\. Release orders-1\.5\.0-\S+, batch 1\/2, by tester\./,
  );
  expect(events).toContain(`Release ${id}, batch 2/2, by Capstan (driven by tester@`);
  expect(line('BatchCompleted')).toContain('capstan');
  expect(line('ReleasePaused')).toContain('Paused: checking the dashboards; the Deployment rests at 1 of 2 pods');
  expect(line('ReleasePaused')).toContain('by tester.');
  expect(line('ReleaseResumed')).toContain('Resumed.');
  expect(line('ReleaseSucceeded')).toContain('All 2 pods run 1.5.0; original strategy, minReadySeconds and progress deadline restored');
  // The controller's own events are still there, ours beside them.
  expect(events).toMatch(/deployment-controller\s+Scaled up replica set/);

  const history = await sb.kubectl('--context', 'uat', '-n', 'shop', 'rollout', 'history', 'deployment/orders-uat');
  expect(history.trim().split('\n').at(-1)).toMatch(
    new RegExp(`^\\d+\\s+capstan release ${id}: orders orders:1\\.4\\.2 → orders:1\\.5\\.0 by tester$`),
  );
  await s.dispose();
}, 180_000);

it('a rollback and a repeat show too; Events that cannot be written (create events taken away mid-release) never stop the release', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('payments', '3.3.0', '  - { name: uat, approval: false, groups: [{ group: uat }] }', 'rollback: manual'),
  );
  const group = () => s.executor.entries.get(id)!.state.groups[0]!;
  await until(() => group().phase === 'rolling' && group().step === 'checking', 60_000, 'first batch soaking');
  // From here on the user may not create Events in shop of uat: the release does not notice.
  sb.dc.denyAccess('uat', [{ verbs: ['create'], resources: ['events'], groups: [''], namespaces: ['shop'] }]);
  expect((await s.act(id, { type: 'rollback', group: group().key })).ok).toBe(true);
  await until(() => group().phase === 'rolled-back', 60_000, 'rolled back');
  await s.kubeEvents.idle();
  expect(s.kubeEvents.failures).toBeGreaterThanOrEqual(2); // RollbackStarted, RolledBack
  sb.dc.denyAccess('uat', []);

  // The same action again (a person retrying what they did): one Event, its count goes up.
  const again = {
    clusterId: 'uat',
    namespace: 'shop',
    deployment: 'payments-uat',
    type: 'Warning' as const,
    reason: 'GateFailed',
    message: `Gate health failed: test repeat. Release ${id}, batch 1/2, by tester.`,
  };
  s.kubeEvents.record([again]);
  s.kubeEvents.record([again]);
  s.kubeEvents.record([again]);
  await s.kubeEvents.idle();
  const describe = await sb.kubectl('--context', 'uat', '-n', 'shop', 'describe', 'deploy', 'payments-uat');
  expect(describe).toMatch(/Warning\s+GateFailed\s+\S+ \(x3 over \S+\)\s+capstan\s+Gate health failed: test repeat\./);
  expect(describe).toMatch(/Normal\s+BatchStarted\s+.*capstan\s+Batch 1\/2 started/);
  expect(describe).not.toContain('RolledBack'); // those were refused by the cluster, and only those
  const history = (await sb.kubectl('--context', 'uat', '-n', 'shop', 'rollout', 'history', 'deployment/payments-uat')).trim().split('\n');
  // The release's revision, then the rollback's (the old ReplicaSet back under a new revision, as kubectl rollout undo does).
  expect(history.at(-2)).toMatch(new RegExp(`^\\d+\\s+capstan release ${id}: payments payments:3\\.2\\.1 → payments:3\\.3\\.0 by tester$`));
  expect(history.at(-1)).toMatch(
    new RegExp(`^\\d+\\s+capstan rollback of release ${id}: payments payments:3\\.3\\.0 → payments:3\\.2\\.1 by tester$`),
  );
  await s.dispose();
}, 180_000);

it('a user without patch deployments in shop of pro-east is refused before anything is written, with that permission named', async () => {
  const s = await sb.service();
  const yaml = plan(
    'payments',
    '3.3.0',
    '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-east }, { group: pro, datacenter: pro-west }] }',
    'rollback: manual',
  );
  const saved = await s.savePlan(yaml);
  if (!saved.ok) throw new Error(saved.error.message);
  const drift = await s.drift(yaml);
  if (!drift.ok) throw new Error(drift.error.message);
  const deny = () =>
    sb.dc.denyAccess('pro-east', [{ verbs: ['patch'], resources: ['deployments'], groups: ['apps'], namespaces: ['shop'] }]);
  const allow = () => sb.dc.denyAccess('pro-east', []);
  const writes: string[] = [];
  const stops = ['pro-east', 'pro-west'].map((c) =>
    sb.dc.cluster(c).onRequest((r: RequestSeen) => {
      if (r.method !== 'GET' && !/selfsubject(access)?reviews$/.test(r.path)) writes.push(`${c} ${r.method} ${r.path}`);
    }),
  );
  const named =
    'Missing permission in cluster pro-east: patch deployments.apps in namespace shop (Capstan moves each Deployment batch by batch).';
  let id = '';
  try {
    deny();
    // The planner shows it before Start ...
    const check = await s.check(yaml);
    expect(check.ok).toBe(false);
    expect(check.issues.filter((i) => i.path === 'permissions').map((i) => i.message)).toEqual([expect.stringContaining(named)]);
    expect(check.permissions?.missing).toEqual([
      expect.objectContaining({ clusterId: 'pro-east', namespace: 'shop', verb: 'patch', group: 'apps', resource: 'deployments' }),
    ]);
    expect(check.permissions?.snippets[0]!.yaml).toMatch(
      /kind: Role\n[\s\S]*apiGroups: \["apps"\]\n\s+resources: \[deployments\]\n\s+verbs: \[patch\][\s\S]*kind: ServiceAccount\n\s+name: capstan\n\s+namespace: sandbox/,
    );
    // ... and create refuses on its own.
    const refused = await s.create(yaml, drift.value.fingerprint);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'cluster-forbidden', message: expect.stringContaining(named) });

    // Created while allowed; the permission goes before the start: the start is refused.
    allow();
    const created = await s.create(yaml, drift.value.fingerprint);
    if (!created.ok) throw new Error(created.error.message);
    id = created.value.id;
    deny();
    const started = await s.act(id, { type: 'start' });
    expect(started.ok).toBe(false);
    if (!started.ok) {
      expect(started.error.code).toBe('cluster-forbidden');
      expect(started.error.message).toContain('refused before anything was written');
      expect(started.error.message).toContain(named);
    }
    expect(s.executor.entries.get(id)!.state.started).toBe(false);
    // Several executor ticks (100 ms) later: still nothing written in either cluster.
    await new Promise((r) => setTimeout(r, 500));
    expect(writes).toEqual([]);
  } finally {
    for (const stop of stops) stop();
    allow();
  }
  // The permission back: the same release starts.
  expect((await s.act(id, { type: 'start' })).ok).toBe(true);
  // A resume asks again too.
  expect((await s.act(id, { type: 'pause' })).ok).toBe(true);
  deny();
  const resumed = await s.act(id, { type: 'resume' });
  expect(resumed.ok ? '' : resumed.error.message).toMatch(
    new RegExp(
      `^Resuming ${id} was refused before anything was written: Missing permission in cluster pro-east: patch deployments\\.apps in namespace shop`,
    ),
  );
  allow();
  expect((await s.act(id, { type: 'resume' })).ok).toBe(true);
  await s.dispose();
}, 120_000);
