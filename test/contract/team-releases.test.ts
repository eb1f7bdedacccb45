/**
 * Team releases, proved with two Capstan service processes (src-main/releases/testing/team-child.ts:
 * the app's ClusterService + ReleaseService in team mode, separate data folders, the same
 * kubeconfig) against one sandbox datacenter in this process, kubectl as the referee:
 *
 * 1. Both start the same release: exactly one drives it, the other shows it read-only with its
 *    holder. kill -9 of the holder mid-batch; a take-over is refused while the Lease could still be
 *    renewed, accepted once it expired; the survivor finishes from the recorded batch, and
 *    `kubectl rollout history` shows exactly one new revision per Deployment (no extra ones).
 * 2. The holder's connection to the home cluster (where the Lease lives) is blackholed: it stops
 *    acting in every cluster before its Lease expires (the sandbox's stores are the referee of
 *    when the last write landed); the other takes over and finishes; when the former holder's
 *    connection comes back it shows that it lost the release and writes nothing.
 * 3. kill -9 between an abort (recorded) and its hand-back (at its dry run): restarted, the same
 *    Capstan takes its Lease back and hands the Deployment back first, once, and records it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { startDatacenter, type Datacenter, type RequestSeen } from '../../src-sandbox/datacenter';
import { recordsQuery } from '../../src-main/releases/testing/release-sandbox';
import { batchNumber, Capstan, teamPlan, type View } from '../../src-main/releases/testing/team-process';

const SPEED = 20;
/** Lease duration, renew deadline, retry period (s): short for the test, in client-go's proportions. */
const LEASE = [6, 4, 1] as const;

/** A TCP proxy that can blackhole: connections stay open, nothing goes through (a VPN that hangs). */
async function blackholeProxy(target: URL): Promise<{ port: number; block(): void; unblock(): void; close(): void }> {
  let blocked = false;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (blocked) return void client.on('error', () => undefined);
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const drop = () => pairs.delete(pair);
    client.on('error', () => upstream.destroy()).on('close', drop);
    upstream.on('error', () => client.destroy()).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    block() {
      blocked = true;
      for (const [c, u] of pairs) {
        c.unpipe(u);
        u.unpipe(c);
        c.pause();
        u.pause();
      }
    },
    unblock() {
      blocked = false;
      for (const [c, u] of pairs) {
        c.destroy();
        u.destroy();
      }
      pairs.clear();
    },
    close() {
      for (const [c, u] of pairs) {
        c.destroy();
        u.destroy();
      }
      server.close();
    },
  };
}

const PLAN = teamPlan();

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(
  name: string,
): Promise<{ dc: Datacenter; dir: string; kubeconfig: string; kubectl: (...a: string[]) => Promise<string> }> {
  const dc = await startDatacenter({ clockSpeed: SPEED, bookmarkIntervalMs: 500 });
  const dir = mkdtempSync(join(tmpdir(), `capstan-team-${name}-`));
  cleanup.push(async () => {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 20_000 })).stdout;
  return { dc, dir, kubeconfig, kubectl };
}

function capstan(dir: string, kubeconfig: string, name: string): Capstan {
  const c = new Capstan(join(dir, name), kubeconfig, name, LEASE, SPEED);
  cleanup.push(() => {
    c.proc.kill('SIGCONT');
    c.proc.kill('SIGKILL');
  });
  return c;
}

const revisions = async (kubectl: (...a: string[]) => Promise<string>, ctx: string, name: string) =>
  (await kubectl('--context', ctx, '-n', 'shop', 'rollout', 'history', `deployment/${name}`)).split('\n').filter((l) => /^\d+\s/.test(l))
    .length;

const proWest = (v: View) => v.groups.find((g) => g[0].startsWith('pro-west/'))!;

/** The execution record in uat's capstan-system (the proofs' home cluster), as kubectl reads it. */
const recordIn = async <T>(kubectl: (...a: string[]) => Promise<string>): Promise<T> => {
  return JSON.parse(await kubectl(...recordsQuery('uat', '{.items[0].data.state\\.json}'))) as T;
};

it('two Capstans: exactly one drives; kill -9 of the holder mid-batch; the other takes over after the Lease expired and finishes with one revision', async () => {
  const { dir, kubeconfig, kubectl } = await setup('kill');
  const alice = capstan(dir, kubeconfig, 'alice');
  const bob = capstan(dir, kubeconfig, 'bob');
  await Promise.all([alice.wait((l) => l.t === 'ready', 60_000, 'ready'), bob.wait((l) => l.t === 'ready', 60_000, 'ready')]);
  const before = { uat: await revisions(kubectl, 'uat', 'orders-uat'), pro: await revisions(kubectl, 'pro-west', 'orders-pro') };

  const created = await alice.request({ cmd: 'create', yaml: PLAN });
  expect(created.message).toBeUndefined();
  const id = created.id!;
  // Bob's Capstan sees it, live, read-only, with its holder.
  await bob.view(id, (v) => !v.locked && /^alice@/.test(v.owner?.holderLabel ?? ''), 20_000, 'alice as holder');

  // Both start it at once: exactly one drives it.
  const [a, b] = await Promise.all([
    alice.request({ cmd: 'act', id, event: { type: 'start' } }),
    bob.request({ cmd: 'act', id, event: { type: 'start' } }),
  ]);
  expect([a.ok, b.ok]).toEqual([true, false]);
  expect(b.message).toMatch(/driven by alice@\S+ \(pid \d+\)/);
  await bob.view(id, (v) => v.status !== 'pending' && !v.locked, 20_000, 'bob follows the record, read-only');
  const lease = await kubectl('--context', 'uat', '-n', 'capstan-system', 'get', 'lease', '-o', 'yaml');
  expect(lease).toMatch(new RegExp(`holderIdentity: alice@[^/]+/${alice.proc.pid}-[0-9a-f]{4}`));

  // Mid-batch in pro-west (past the fort, a batch rolling): kill -9.
  const mid = await alice.view(
    id,
    (v) => proWest(v)[1] === 'rolling' && proWest(v)[2] >= 1 && proWest(v)[3] === 'updating',
    120_000,
    'pro-west mid-batch',
  );
  alice.proc.kill('SIGKILL');
  const killedAt = Date.now();
  // Still within the Lease: a take-over is refused.
  const early = await bob.request({ cmd: 'takeOver', id });
  expect(early.ok).toBe(false);
  expect(early.message).toMatch(/still renewed/);
  const expired = await bob.view(id, (v) => v.owner?.expired === true, 30_000, 'lease expired');
  expect(expired.owner!.holderLabel).toMatch(/^alice@/);
  const took = await bob.request({ cmd: 'takeOver', id });
  expect(took.message).toBeUndefined();
  // Bob's clock, not Alice's: the Lease was seen expired at least a lease duration after its last renewal was seen.
  expect(took.at! - killedAt).toBeGreaterThanOrEqual((LEASE[0] - LEASE[2]) * 1000 - 500);
  console.log(`team releases: kill -9 → take-over accepted after ${took.at! - killedAt} ms (lease ${LEASE[0]} s)`);
  const after = await bob.view(id, (v) => v.locked && v.version > expired.version, 20_000, 'bob drives');
  // From the recorded batch: the one she was in when killed, or the next if she recorded its end first.
  const from = /, whose Lease had expired; continues from the recorded state: rolling, (batch \d+\/\d+) (updating|checking)/.exec(
    after.history.join('\n'),
  );
  expect(from).not.toBeNull();
  expect(batchNumber(from![1]!)).toBeGreaterThanOrEqual(batchNumber(proWest(mid)[4]));
  expect(after.history.join('\n')).toMatch(new RegExp(`taken over from alice@\\S+ \\(pid ${alice.proc.pid}\\)`));

  await bob.view(id, (v) => v.status === 'succeeded' && v.owner?.holder === '', 180_000, 'succeeded, Lease handed back');
  // kubectl: exactly one new revision per Deployment (the batches held one ReplicaSet), every pod on 1.5.0.
  expect(await revisions(kubectl, 'pro-west', 'orders-pro')).toBe(before.pro + 1);
  expect(await revisions(kubectl, 'uat', 'orders-uat')).toBe(before.uat + 1);
  expect(await kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'status', 'deployment/orders-pro', '--timeout=10s')).toContain(
    'successfully rolled out',
  );
  // The record in the cluster: every planned batch done once, in order, across both holders.
  const record = await recordIn<{ groups: { key: string; batches: number[] }[]; history: { action: string; result: string }[] }>(kubectl);
  const pw = record.groups.find((g) => g.key.startsWith('pro-west/'))!;
  const done = record.history
    .filter((h) => h.result === 'ok' && /^(batchDone|fortDone) /.test(h.action) && h.action.includes(pw.key))
    .map((h) => h.action);
  expect(done).toHaveLength(pw.batches.length);
  expect(new Set(done).size).toBe(done.length);
  // Finished: Bob's Capstan handed the Lease back (empty holder, who released it), after one transition.
  const handedBack = await kubectl('--context', 'uat', '-n', 'capstan-system', 'get', 'lease', '-o', 'yaml');
  expect(handedBack).toMatch(/capstan.io\/released-by: bob@/);
  expect(handedBack).toMatch(/leaseTransitions: 1/);
}, 400_000);

it('a holder cut off from the home cluster stops acting everywhere before its Lease expires; back, it shows it lost and writes nothing', async () => {
  const { dc, dir, kubeconfig } = await setup('block');
  // Alice reaches uat (the home cluster: the plan's first group) through a proxy that can blackhole.
  const uatUrl = new URL(dc.cluster('uat').url);
  const proxy = await blackholeProxy(uatUrl);
  cleanup.push(() => proxy.close());
  const aliceConfig = join(dir, 'alice.kubeconfig');
  writeFileSync(aliceConfig, readFileSync(kubeconfig, 'utf8').replace(uatUrl.origin, `https://127.0.0.1:${proxy.port}`));
  const alice = capstan(dir, aliceConfig, 'alice');
  const bob = capstan(dir, kubeconfig, 'bob');
  await Promise.all([alice.wait((l) => l.t === 'ready', 60_000, 'ready'), bob.wait((l) => l.t === 'ready', 60_000, 'ready')]);

  // Referee: every spec write of a Deployment (generation bump) in pro-west, and the record's writes, with when they landed.
  const writes: { at: number; what: string }[] = [];
  const offPro = dc.cluster('pro-west').store.subscribe((e) => {
    if (e.resource === 'deployments' && e.previous && e.object.obj.metadata.generation !== e.previous.obj.metadata.generation)
      writes.push({ at: Date.now(), what: `deployment ${e.object.obj.metadata.name}` });
  });
  const records: { at: number; holder?: string }[] = [];
  const offUat = dc.cluster('uat').store.subscribe((e) => {
    if (e.resource === 'configmaps' && e.object.obj.metadata.namespace === 'capstan-system')
      records.push({ at: Date.now(), holder: e.object.obj.metadata.annotations?.['capstan.io/holder'] });
  });
  cleanup.push(() => (offPro(), offUat()));

  const created = await alice.request({ cmd: 'create', yaml: PLAN });
  expect(created.message).toBeUndefined();
  const id = created.id!;
  expect((await alice.request({ cmd: 'act', id, event: { type: 'start' } })).ok).toBe(true);
  await alice.view(id, (v) => proWest(v)[1] === 'rolling' && proWest(v)[2] >= 1, 120_000, 'pro-west rolling');
  expect(writes.length).toBeGreaterThan(0); // she was acting in pro-west, which stays reachable

  proxy.block();
  const blockedAt = Date.now();
  const fencedLine = await alice.wait(
    (l) => l.t === 'view' && l.executions?.some((e) => e.id === id && e.owner?.lost !== undefined) && l,
    30_000,
    'alice fenced',
  );
  const fenced = fencedLine.executions!.find((e) => e.id === id)!;
  expect(fenced.owner!.lost).toMatch(/renew deadline/);
  expect(fencedLine.at! - blockedAt).toBeLessThanOrEqual((LEASE[1] + LEASE[2]) * 1000 + 1000);
  // The Lease as the API server kept it: her last renewal, and when it expires.
  const stored = [...dc.cluster('uat').store.values('leases')]
    .map((x) => x.obj as unknown as { metadata: { namespace?: string }; spec: { renewTime: string; leaseDurationSeconds: number } })
    .find((l) => l.metadata.namespace === 'capstan-system')!;
  const expiresAt = Date.parse(stored.spec.renewTime) + stored.spec.leaseDurationSeconds * 1000;
  expect(Date.parse(stored.spec.renewTime)).toBeLessThanOrEqual(blockedAt);
  // She knew she had to stop before anyone could call her Lease expired.
  expect(fencedLine.at!).toBeLessThan(expiresAt);
  console.log(
    `team releases: blocked → fenced after ${fencedLine.at! - blockedAt} ms (renew deadline ${LEASE[1]} s), ${expiresAt - fencedLine.at!} ms before the Lease's expiry`,
  );

  // Bob sees the Lease expire (on his clock) and takes over.
  await bob.view(id, (v) => v.owner?.expired === true, 30_000, 'lease expired for bob');
  const lastAliceWrite = Math.max(0, ...writes.filter((w) => w.at < Date.now()).map((w) => w.at));
  const took = await bob.request({ cmd: 'takeOver', id });
  expect(took.message).toBeUndefined();
  const takenAt = took.at!;
  // Alice stopped acting in pro-west (reachable all along) before her Lease could expire.
  expect(lastAliceWrite).toBeLessThan(expiresAt);
  expect(writes.filter((w) => w.at > expiresAt && w.at < takenAt)).toEqual([]);
  // Her record writes stopped too.
  expect(records.filter((r) => r.at > expiresAt && /^alice@/.test(r.holder ?? ''))).toEqual([]);

  // Her connection comes back: she shows she lost it and writes nothing; Bob finishes.
  proxy.unblock();
  // (Bob may already have finished and handed the Lease back.)
  const back = await alice.view(
    id,
    (v) => !v.locked && /^bob@/.test(v.owner?.holder || v.owner?.releasedBy || ''),
    30_000,
    'alice sees bob as holder',
  );
  expect(back.owner!.lost).toBeDefined();
  await bob.view(id, (v) => v.status === 'succeeded', 180_000, 'succeeded');
  expect(records.filter((r) => r.at > takenAt && !/^bob@/.test(r.holder ?? ''))).toEqual([]);
}, 400_000);

it('kill -9 between an abort and its hand-back: the restarted Capstan hands the Deployment back first, once, and records it', async () => {
  const { dc, dir, kubeconfig, kubectl } = await setup('abort');
  // A long soak after each batch (20 min of plan time, 60 s here): while UAT soaks the executor writes nothing to it.
  const yaml = PLAN.replace('afterBatch: 5s', 'afterBatch: 20m');
  const alice = capstan(dir, kubeconfig, 'alice');
  await alice.wait((l) => l.t === 'ready', 60_000, 'ready');
  const created = await alice.request({ cmd: 'create', yaml });
  expect(created.message).toBeUndefined();
  const id = created.id!;
  expect((await alice.request({ cmd: 'act', id, event: { type: 'start' } })).ok).toBe(true);
  const uat = (v: View) => v.groups.find((g) => g[0].startsWith('uat/'))!;
  await alice.view(
    id,
    (v) => uat(v)[1] === 'rolling' && uat(v)[2] === 0 && uat(v)[3] === 'checking',
    120_000,
    'uat soaking after batch 1/2',
  );

  // The instant: the abort is recorded, the hand-back's dry run reaches the API server, and Capstan dies before its write.
  const deploymentWrites = (r: RequestSeen) => r.method === 'PATCH' && /\/deployments\/orders-uat$/.test(r.path);
  let killed = false;
  const stopKill = dc.cluster('uat').onRequest((r) => {
    if (killed || !deploymentWrites(r) || r.query.get('dryRun') !== 'All') return;
    killed = true;
    alice.proc.kill('SIGKILL');
  });
  cleanup.push(stopKill);
  alice.send({ cmd: 'act', id, event: { type: 'abort' } });
  await new Promise<void>((res) => alice.proc.once('exit', () => res()));
  expect(killed).toBe(true);
  const deploy = async (path: string) =>
    kubectl('--context', 'uat', '-n', 'shop', 'get', 'deployment', 'orders-uat', '-o', `jsonpath={${path}}`);
  const record = () =>
    recordIn<{
      aborted: boolean;
      groups: { key: string; phase: string; handedBack?: { outcome: string; detail: string } }[];
      history: { action: string }[];
    }>(kubectl);
  // kubectl: the abort is in the record, the Deployment still carries the release's claim (the hand-back never landed).
  const dead = await record();
  expect(dead.aborted).toBe(true);
  expect(dead.groups.find((g) => g.key.startsWith('uat/'))).toMatchObject({ phase: 'aborted' });
  expect(dead.groups.every((g) => g.handedBack === undefined)).toBe(true);
  expect(await deploy('.metadata.annotations.capstan\\.io/release')).toBe(id);
  const held = { minReady: await deploy('.spec.minReadySeconds'), updated: await deploy('.status.updatedReplicas') };

  // Restarted (same data folder, same user): it takes its Lease back and hands the Deployment back first.
  const writes: string[] = [];
  cleanup.push(dc.cluster('uat').onRequest((r) => void (deploymentWrites(r) && writes.push(r.query.get('dryRun') ?? 'write'))));
  const again = capstan(dir, kubeconfig, 'alice');
  const done = await again.view(id, (v) => v.handBacks.some((h) => h[0].startsWith('uat/')), 60_000, 'hand-back recorded');
  const [, outcome, detail] = done.handBacks.find((h) => h[0].startsWith('uat/'))!;
  expect(outcome).toBe('held');
  expect(detail).toMatch(
    /^left held at 1 of 2 pods .*claim is removed.*\(completed later: the abort was recorded, its hand-back was not\)$/,
  );
  // kubectl as referee: the claim is gone, the Deployment rests where it was (held at its boundary), nothing else moved.
  expect(await deploy('.metadata.annotations.capstan\\.io/release')).toBe('');
  expect(await deploy('.metadata.annotations.capstan\\.io/original')).not.toBe('');
  expect(await deploy('.spec.minReadySeconds')).toBe(held.minReady);
  expect(await deploy('.status.updatedReplicas')).toBe(held.updated);
  // One dry run and one write with the same body, nothing after (the hand-back is recorded, not repeated).
  await again.view(id, (v) => v.owner?.holder === '', 30_000, 'Lease handed back: the aborted release is over');
  expect(writes).toEqual(['All', 'write']);
  // The record: what followed the abort is the hand-back, first; the never-started pro-west group needed no request.
  const after = await record();
  const abortAt = after.history.findIndex((h) => h.action.startsWith('abort'));
  expect(after.history.slice(abortAt + 1).map((h) => h.action.split(' ')[0])).toEqual(['handedBack', 'handedBack']);
  expect(after.groups.find((g) => g.key.startsWith('pro-west/'))!.handedBack).toMatchObject({ outcome: 'untouched' });
  expect(await kubectl('--context', 'uat', '-n', 'shop', 'describe', 'deployment', 'orders-uat')).toMatch(
    /Warning\s+LeftHeld\s+.*capstan\s+Handed back after the abort: left held at 1 of 2 pods/,
  );
}, 300_000);
