/**
 * Team releases watched, not polled, against the sandbox: an idle Capstan (a long fallback period)
 * keeps a watch on every cluster's team records and Leases, sends no list requests while nothing
 * happens, and sees a release a teammate creates within seconds. `TEAM_WATCH=off` runs the same
 * test with the watch disabled: it then fails (the release would show only at the next fallback).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterService } from '../clusters/cluster-service';
import { until } from '../testing/fake-kube';
import type { ReleaseService, ReleaseServiceOptions } from './release-service';
import { createRelease, plan, startReleaseSandbox, startTeamService, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
const services: ReleaseService[] = [];
const clusterServices: ClusterService[] = [];
const offRequests: (() => void)[] = [];
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
/** Every Capstan of the test closed: the next test counts requests of its own. */
async function closeAll(): Promise<void> {
  for (const off of offRequests.splice(0)) off();
  for (const s of services.splice(0)) await s.dispose();
  for (const c of clusterServices.splice(0)) c.dispose();
}
afterAll(async () => {
  await closeAll();
  await sb?.close();
});

const watch = process.env.TEAM_WATCH !== 'off';
const teamService = (name: string, team: NonNullable<ReleaseServiceOptions['team']> = {}, log?: (m: string) => void) =>
  startTeamService(sb, { services, clusters: clusterServices }, name, { watch, ...team }, log);

type Kind = 'poll' | 'watch-list' | 'watch';
/** Requests to the team namespace of every cluster, as the sandbox API servers receive them: the poll's lists, the watches' (paged) lists, the watches. */
function teamRequests(): { kind: Kind; cluster: string; resource: string; at: number }[] {
  const seen: { kind: Kind; cluster: string; resource: string; at: number }[] = [];
  for (const { name } of sb.dc.clusters) {
    offRequests.push(
      sb.dc.cluster(name).onRequest((r) => {
        const m = /\/namespaces\/capstan-system\/(configmaps|leases)$/.exec(r.path);
        if (!m || r.method !== 'GET') return;
        const kind = ['true', '1'].includes(r.query.get('watch') ?? '') ? 'watch' : r.query.has('limit') ? 'watch-list' : 'poll';
        seen.push({ kind, cluster: name, resource: m[1]!, at: Date.now() });
      }),
    );
  }
  return seen;
}

/** Counts `s`'s reads of the team records (poll rounds): started, and in flight. */
function rounds(s: ReleaseService): { started: number[]; inFlight: () => number } {
  const records = (s as unknown as { records: { poll: (...a: unknown[]) => Promise<unknown> } }).records;
  const poll = records.poll.bind(records);
  const started: number[] = [];
  let inFlight = 0;
  records.poll = async (...a) => {
    started.push(Date.now());
    inFlight++;
    try {
      return await poll(...a);
    } finally {
      inFlight--;
    }
  };
  return { started, inFlight: () => inFlight };
}

it("an idle Capstan sends no list requests while nothing happens, and sees a teammate's new release within seconds", async () => {
  const requests = teamRequests();
  // Bob: idle, with a fallback period far longer than the test, and a retry period (his reads while
  // a release is in progress) longer than what a hand-back below may take to show.
  const bob = await teamService('bob', {
    idlePollMs: 120_000,
    watchedIdlePollMs: 120_000,
    timing: { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 10_000 },
  });
  const bobRounds = rounds(bob);
  const expected = sb.dc.clusters.length * 2;
  const of = (kind: Kind) => requests.filter((r) => r.kind === kind);
  if (watch) {
    await until(
      () => new Set(of('watch').map((r) => `${r.cluster}/${r.resource}`)).size === expected,
      20_000,
      "bob's watches on every cluster",
    );
    // The read each watch asks for once it is open (what changed before it opened) has been done.
    const lastOpened = Math.max(...of('watch-list').map((r) => r.at));
    await until(
      () => bobRounds.started.some((t) => t > lastOpened) && bobRounds.inFlight() === 0,
      20_000,
      'the read after the watches opened',
    );
  }

  // Nothing happens for 3 s (the retry period is 400 ms: polling every retry period would list
  // records and Leases of every cluster about 7 times). Absence is counted over a window.
  const from = requests.length;
  await new Promise((r) => setTimeout(r, 3000));
  const quiet = requests.slice(from);
  expect(quiet.filter((r) => r.kind !== 'watch')).toEqual([]);
  // The watches stay open (bookmarks every 500 ms keep them alive): no re-watch loop either.
  expect(quiet.filter((r) => r.kind === 'watch').length).toBeLessThanOrEqual(expected);

  // Alice creates a team release: Bob sees it, with Alice as holder, in ~200 ms (the deadline leaves
  // room for a busy machine; his fallback read is 120 s away).
  const alice = await teamService('alice');
  const yaml = plan('orders', '1.5.1', '  - { name: fat, approval: false, groups: [{ group: fat }] }', 'rollback: manual');
  const id = await createRelease(alice, yaml);
  const created = Date.now();
  await until(() => bob.event().owners?.[id]?.holderLabel === 'alice@test (pid 2)', 8000, "bob sees alice's release and its holder");
  const seenAfterMs = Date.now() - created;
  console.log(`[team-watch] bob saw alice's new release ${seenAfterMs} ms after it was created`);
  expect(bob.executor.entries.get(id)!.state.home).toBe('fat');
  // Alice closes her Capstan: her Lease is handed back, and Bob sees it at once (a Lease's holder
  // changed), not at his next read 10 s later (in ~200 ms; the deadline is half his retry period).
  await alice.dispose();
  services.splice(services.indexOf(alice), 1);
  const handedBack = Date.now();
  await until(() => bob.event().owners?.[id]?.holder === '', 5000, 'bob sees the Lease handed back');
  console.log(`[team-watch] bob saw the Lease handed back ${Date.now() - handedBack} ms after alice closed`);
  expect(bob.event().owners?.[id]?.holderLabel).toBe('nobody (handed back by alice@test (pid 2))');
  await closeAll();
}, 60_000);

it.skipIf(!watch)(
  'a watch refused (403) backs off and leaves that cluster to the shorter fallback poll, silently; it opens once allowed',
  async () => {
    const deny = [{ verbs: ['list', 'watch'], resources: ['configmaps', 'leases'], namespaces: ['capstan-system'] }];
    sb.dc.denyAccess('uat', deny);
    try {
      const requests = teamRequests();
      const logged: string[] = [];
      const carol = await teamService('carol', { idlePollMs: 1000, watchedIdlePollMs: 120_000 });
      (carol as unknown as { opts: { log?: (m: string) => void } }).opts.log = (m) => logged.push(m);
      const others = sb.dc.clusters.map((c) => c.name).filter((n) => n !== 'uat');
      const open = (cluster: string) => requests.filter((r) => r.kind === 'watch' && r.cluster === cluster).length;
      await until(() => others.every((n) => open(n) >= 2), 20_000, 'watches open in the other clusters');
      await until(
        () => carol.event().problems.some((p) => p.startsWith('Team releases in cluster uat cannot be read')),
        10_000,
        'the refusal named',
      );
      // 4 s of a refused watch: the reflectors retry with back-off (800 ms doubling), not in a loop,
      // and as one cluster is not watched the fallback poll runs at the short idle period.
      const from = requests.length;
      await new Promise((r) => setTimeout(r, 4000));
      const window = requests.slice(from);
      const retries = (resource: string) =>
        window.filter((r) => r.cluster === 'uat' && r.kind === 'watch-list' && r.resource === resource).length;
      console.log(`[team-watch] refused watch: ${retries('configmaps')} + ${retries('leases')} list attempts in uat in 4 s`);
      expect(retries('configmaps')).toBeLessThanOrEqual(4);
      expect(retries('leases')).toBeLessThanOrEqual(4);
      expect(open('uat')).toBe(0);
      expect(window.filter((r) => r.cluster === 'fat' && r.kind === 'poll').length).toBeGreaterThanOrEqual(2);
      // Allowed again: the watch opens at its next retry and the problem goes with the next read.
      sb.dc.denyAccess('uat', []);
      await until(() => open('uat') >= 2, 40_000, 'the uat watches open once allowed');
      await until(() => !carol.event().problems.some((p) => p.includes('cluster uat')), 10_000, 'the refusal cleared');
      expect(logged).toEqual([]);
    } finally {
      sb.dc.denyAccess('uat', []);
    }
  },
  90_000,
);
