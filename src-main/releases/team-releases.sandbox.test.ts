/**
 * Team releases against the sandbox, two ReleaseServices in one process (two data folders, two
 * ClusterServices, one datacenter): the Lease and the record live in the home cluster; the second
 * Capstan sees the release live and read-only with its holder; a start from both drives it once;
 * kubectl sees the Lease's holder. The multi-process proof (kill -9, take-over, a blocked cluster)
 * is test/contract/team-releases.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterService } from '../clusters/cluster-service';
import { until } from '../testing/fake-kube';
import { compactForCluster } from './cluster-records';
import type { ReleaseService } from './release-service';
import { createRelease, plan, recordsQuery, startReleaseSandbox, startTeamService, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
const services: ReleaseService[] = [];
const clusterServices: ClusterService[] = [];
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
afterAll(async () => {
  for (const s of services) await s.dispose();
  for (const c of clusterServices) c.dispose();
  await sb?.close();
});

const teamService = (name: string) => startTeamService(sb, { services, clusters: clusterServices }, name);

it('one Capstan drives a team release; the other sees it live and read-only with its holder', async () => {
  const alice = await teamService('alice');
  const bob = await teamService('bob');
  const erin = await teamService('erin');
  const yaml = plan(
    'orders',
    '1.5.1',
    '  - { name: fat, approval: false, groups: [{ group: fat }] }\n  - { name: uat, groups: [{ group: uat }] }',
    'rollback: manual',
  );
  const id = await createRelease(alice, yaml);
  expect(alice.executor.entries.get(id)!.state.home).toBe('fat');

  // Bob's Capstan finds it in the cluster, with Alice as holder.
  await until(() => bob.event().owners?.[id]?.holderLabel === 'alice@test (pid 1)', 10_000, 'bob sees the release and its holder');
  expect(bob.event().owners?.[id]).toMatchObject({ home: 'fat', mine: false, expired: false });
  await until(() => alice.event().owners?.[id]?.mine === true, 10_000, 'alice sees herself as holder');

  // Both press start: exactly one drives it.
  const [a, b] = await Promise.all([alice.act(id, { type: 'start' }), bob.act(id, { type: 'start' })]);
  expect(a.ok).toBe(true);
  expect(b.ok).toBe(false);
  if (!b.ok) expect(b.error.message).toMatch(/driven by alice@test \(pid 1\)/);
  expect(bob.executor.entries.get(id)!.lock).toBeUndefined();
  // Bob's view follows the record live as Alice drives it.
  await until(() => (bob.executor.entries.get(id)!.state.version ?? 0) >= 3, 20_000, 'bob follows the record');
  expect(bob.executor.entries.get(id)!.state.started).toBe(true);

  // kubectl, the referee: the Lease names the holder; the record is a labelled ConfigMap.
  const leaseYaml = await sb.kubectl('--context', 'fat', '-n', 'capstan-system', 'get', 'lease', '-o', 'yaml');
  expect(leaseYaml).toContain('holderIdentity: alice@test/1-0000');
  expect(leaseYaml).toContain('leaseDurationSeconds: 3');
  const cms = await sb.kubectl(...recordsQuery('fat', '{.items[*].metadata.annotations.capstan\\.io/execution}'));
  expect(cms).toBe(id);

  // Alice closes her Capstan: the Lease is handed back (empty holder) and Bob may take it over at once.
  await alice.dispose();
  services.splice(services.indexOf(alice), 1);
  await until(() => bob.event().owners?.[id]?.expired === true && erin.event().owners?.[id]?.expired === true, 10_000, 'lease released');
  // Bob and Erin confirm a take-over at the same moment: one Lease write wins, the other is refused.
  const results = await Promise.all([bob.takeOver(id), erin.takeOver(id)]);
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  const [winner, loser, identity] = results[0]!.ok ? [bob, erin, 'bob@test/2-0000'] : [erin, bob, 'erin@test/3-0000'];
  const taken = results.find((r) => r.ok)!;
  if (!taken.ok) throw new Error('unreachable');
  expect(loser.executor.entries.get(id)!.lock).toBeUndefined();
  expect(taken.value.history.at(-1)!.changes.join(' ')).toMatch(/taken over from alice@test \(pid 1\), who had handed it back/);
  await until(() => winner.event().owners?.[id]?.mine === true, 10_000, 'the winner holds it');
  await until(() => loser.event().owners?.[id]?.holder === identity, 10_000, 'the other sees the winner as holder');
  expect(
    await sb.kubectl('--context', 'fat', '-n', 'capstan-system', 'get', 'lease', '-o', 'jsonpath={.items[*].spec.holderIdentity}'),
  ).toBe(identity);
  await winner.act(id, { type: 'abort' });
}, 120_000);

it('a release started local only stays on its machine: no Lease, no record, teammates do not see it', async () => {
  const carol = await teamService('carol');
  const dave = await teamService('dave');
  const yaml = plan('catalog', '2.1.0', '  - { name: fat, approval: false, groups: [{ group: fat }] }', 'rollback: manual');
  const id = await createRelease(carol, yaml, { localOnly: true });
  expect(carol.executor.entries.get(id)!.state.home).toBeUndefined();
  expect(carol.event().teamReleases).toBe(true);
  expect(carol.event().owners?.[id]).toBeUndefined();
  expect((await carol.act(id, { type: 'start' })).ok).toBe(true);
  // A team release created after it is seen by Dave; the local one never is.
  const teamYaml = plan('payments', '3.3.0', '  - { name: fat, approval: false, groups: [{ group: fat }] }', 'rollback: manual');
  const teamId = await createRelease(carol, teamYaml);
  await until(() => dave.executor.entries.has(teamId), 10_000, 'dave sees the team release');
  expect(dave.executor.entries.has(id)).toBe(false);
  const records = await sb.kubectl(...recordsQuery('fat', '{.items[*].metadata.annotations.capstan\\.io/execution}'));
  expect(records).not.toContain(id);
  await carol.act(id, { type: 'abort' });
  await carol.act(teamId, { type: 'abort' });
}, 60_000);

it('a team release missing permissions in a cluster other than its home is refused naming that cluster, verb and resource; Lease and record permissions count only at home', async () => {
  const frank = await teamService('frank');
  // Home: uat (the first group's cluster); pro-west is touched by the second stage only.
  const yaml = plan(
    'payments',
    '3.3.0',
    '  - { name: uat, approval: false, groups: [{ group: uat }] }\n  - { name: pro-west, groups: [{ group: pro, datacenter: pro-west }] }',
    'rollback: manual',
  );
  expect((await frank.savePlan(yaml)).ok).toBe(true);
  const drift = await frank.drift(yaml);
  if (!drift.ok) throw new Error(drift.error.message);
  // In pro-west: no Events, no ReplicaSet patches in shop, and no Lease writes in capstan-system (not needed there).
  const deny = () =>
    sb.dc.denyAccess('pro-west', [
      { verbs: ['create'], resources: ['events'], groups: [''], namespaces: ['shop'] },
      { verbs: ['patch'], resources: ['replicasets'], groups: ['apps'], namespaces: ['shop'] },
      { verbs: ['create', 'update'], resources: ['leases'], groups: ['coordination.k8s.io'], namespaces: ['capstan-system'] },
    ]);
  const allow = () => sb.dc.denyAccess('pro-west', []);
  const named = [
    'Missing permission in cluster pro-west: patch replicasets.apps in namespace shop (Capstan retires old pods by scaling the old ReplicaSet down).',
    'Missing permission in cluster pro-west: create events in namespace shop (Capstan records each release action as an Event on the Deployment).',
  ];
  const leases = () =>
    sb.kubectl('--context', 'uat', '-n', 'capstan-system', 'get', 'lease', '-l', 'capstan.io/release-execution=lease', '-o', 'name');
  const leasesBefore = await leases();
  let id = '';
  try {
    deny();
    const check = await frank.check(yaml);
    expect(check.ok).toBe(false);
    expect(check.permissions?.missing.map((m) => `${m.clusterId} ${m.namespace} ${m.verb} ${m.resource}`).sort()).toEqual([
      'pro-west shop create events',
      'pro-west shop patch replicasets',
    ]);
    const refused = await frank.create(yaml, drift.value.fingerprint);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('cluster-forbidden');
      for (const n of named) expect(refused.error.message).toContain(n);
      expect(refused.error.message).not.toMatch(/leases/);
    }
    // Refused before the Lease was taken: kubectl sees no new Lease in the home cluster.
    expect(await leases()).toBe(leasesBefore);

    // Created while allowed, taken away before the start: the start is refused, naming pro-west.
    allow();
    const created = await frank.create(yaml, drift.value.fingerprint);
    if (!created.ok) throw new Error(created.error.message);
    id = created.value.id;
    expect(frank.executor.entries.get(id)!.state.home).toBe('uat');
    deny();
    const started = await frank.act(id, { type: 'start' });
    expect(started.ok ? '' : started.error.message).toMatch(
      new RegExp(`^Starting ${id} was refused before anything was written: Missing permission in cluster pro-west`),
    );
    expect(frank.executor.entries.get(id)!.state.started).toBe(false);
  } finally {
    allow();
  }
  // The home cluster's own block names the Lease: no update of Leases in capstan-system of uat.
  sb.dc.denyAccess('uat', [{ verbs: ['update'], resources: ['leases'], groups: ['coordination.k8s.io'], namespaces: ['capstan-system'] }]);
  try {
    const started = await frank.act(id, { type: 'start' });
    expect(started.ok ? '' : started.error.message).toContain(
      'Missing permission in cluster uat: update leases.coordination.k8s.io in namespace capstan-system (Capstan renews ownership while driving).',
    );
  } finally {
    sb.dc.denyAccess('uat', []);
  }
  await frank.act(id, { type: 'abort' });
}, 60_000);

it('a record too large for a ConfigMap leaves out its oldest history, counted', () => {
  const history = Array.from({ length: 5000 }, (_, i) => ({
    version: i + 1,
    at: i,
    actor: 'capstan',
    action: 'note',
    result: 'ok' as const,
    changes: ['x'.repeat(200)],
  }));
  const state = { id: 'r', version: 5000, stageWaitSince: 3, groups: [{ changedAt: 7 }], history } as unknown as Parameters<
    typeof compactForCluster
  >[0];
  const out = compactForCluster(state, 100_000);
  expect(JSON.stringify(out).length).toBeLessThanOrEqual(100_000);
  expect(out.history.at(-1)!.version).toBe(5000);
  expect(out.history.map((h) => h.version)).toEqual(expect.arrayContaining([3, 7]));
  expect(out.historyOmitted).toBe(5000 - out.history.length);
});
