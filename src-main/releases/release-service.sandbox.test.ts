/**
 * ReleaseService against the sandbox datacenter (real API servers, the real deployment
 * controller): a whole FAT → UAT → PRO release with forts and batches, including a restart of the
 * service mid-release (held until resumed); a bad version failing its health gate and rolled back
 * automatically. Afterwards the real kubectl agrees (rollout status, rollout history).
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import { needsMe } from '../../src-shared/releases/execution-views';
import { ORDERS_DEPLOYMENTS } from '../../src-shared/testing/fixtures';
import { until } from '../testing/fake-kube';
import { ReleaseService } from './release-service';
import { drive, IMAGE, plan, startRelease, startReleaseSandbox, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
afterAll(() => sb?.close());

const service = () => sb.service();
const kubectl = (...args: string[]) => sb.kubectl(...args);

it('runs orders 1.5.0 through FAT → UAT → PRO (forts, batches), surviving a service restart', async () => {
  let s = await service();
  const stages = `  - { name: fat, approval: false, groups: [{ group: fat }] }
  - { name: uat, groups: [{ group: uat }] }
  - { name: pro-east, groups: [{ group: pro, datacenter: pro-east }] }
  - { name: pro-west, groups: [{ group: pro, datacenter: pro-west }] }`;
  const id = await startRelease(s, plan('orders', '1.5.0', stages, 'rollback: manual'));
  const state = () => s.executor.entries.get(id)!.state;
  // Run until pro-east is mid-release, then restart the service.
  await drive(s, id, () => state().groups.some((g) => g.clusterId === 'pro-east' && g.phase === 'rolling'), 90_000, 'pro-east rolling');
  await s.dispose();
  s = await service();
  expect(state().status).toBe('paused');
  expect(state().history.at(-1)!.action).toBe('recovered');
  expect((await s.act(id, { type: 'resume' })).ok).toBe(true);
  await drive(s, id, () => state().status === 'succeeded', 150_000, 'release succeeded');
  expect(state().groups.map((g) => g.phase)).toEqual(state().groups.map(() => 'succeeded'));
  for (const [ctx, name] of ORDERS_DEPLOYMENTS) {
    expect(await sb.rolloutStatus(ctx, 'shop', name)).toContain('successfully rolled out');
    const img = await sb.deploymentJsonpath(ctx, 'shop', name, IMAGE);
    expect(img).toMatch(/\/shop\/orders:1\.5\.0$/);
    expect(await sb.deploymentJsonpath(ctx, 'shop', name, '{.metadata.annotations}')).not.toContain('capstan.io/release');
  }
  // One new revision for the whole release: batches held one ReplicaSet, not one per batch.
  const history = await kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'history', 'deployment/orders-pro');
  expect(
    history
      .trim()
      .split('\n')
      .filter((l) => /^\d+\s/.test(l)),
  ).toHaveLength(4);
  await s.dispose();
}, 300_000);

it('a crash-looping version fails its health gate in FAT and is rolled back (policy auto)', async () => {
  const s = await service();
  const id = await startRelease(
    s,
    plan(
      'catalog',
      '2.2.0',
      '  - { name: fat, approval: false, groups: [{ group: fat }] }\n  - { name: uat, groups: [{ group: uat }] }',
      'rollback: auto',
    ),
  );
  const state = () => s.executor.entries.get(id)!.state;
  await drive(s, id, () => state().status === 'rolled-back', 120_000, 'rolled back');
  const failed = state().history.find((h) => h.action.startsWith('gateFailed'));
  expect(failed?.action).toMatch(/no-crashloop|no-new-restarts|ready/);
  expect(state().groups.find((g) => g.clusterId === 'uat')!.phase).toBe('pending');
  for (
    let i = 0;
    i < 60 &&
    (await sb.deploymentJsonpath('fat', 'shop', 'catalog-fat', '{.status.updatedReplicas}/{.status.availableReplicas}')) !== '1/1';
    i++
  ) {
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(await sb.deploymentJsonpath('fat', 'shop', 'catalog-fat', IMAGE)).toMatch(/catalog:2\.1\.0$/);
  expect(await sb.rolloutStatus('fat', 'shop', 'catalog-fat')).toContain('successfully rolled out');
  await s.dispose();
}, 200_000);

it('row actions: dry-run previews, kubectl semantics for restart and undo, refusal on a paused Deployment, stale previews refused', async () => {
  const s = await service();
  const ref = { clusterId: 'uat', namespace: 'platform', name: 'gateway-uat' };
  const image = () => sb.deploymentJsonpath('uat', 'platform', 'gateway-uat', IMAGE);
  const must = async <T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>) => {
    const r = await p;
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  const restart = await must(s.previewRow({ kind: 'restart', ...ref }));
  expect(restart.changes[0]).toContain('kubectl.kubernetes.io/restartedAt');
  await must(s.applyRow({ kind: 'restart', ...ref }, restart.generation));
  expect(await sb.deploymentJsonpath('uat', 'platform', 'gateway-uat', '{.spec.template.metadata.annotations}')).toContain(
    'kubectl.kubernetes.io/restartedAt',
  );
  // The preview was made before the restart: applying it again is refused, not done blind.
  expect((await s.applyRow({ kind: 'restart', ...ref }, restart.generation)).ok).toBe(false);

  const revisions = await must(s.revisions('uat', 'platform', 'gateway-uat'));
  const old = revisions.find((r) => r.images.some((i) => i.endsWith(':5.0.1')))!;
  expect(old).toBeDefined();

  const pause = await must(s.previewRow({ kind: 'pause', ...ref }));
  await must(s.applyRow({ kind: 'pause', ...ref }, pause.generation));
  expect((await must(s.previewRow({ kind: 'undo', ...ref, toRevision: old.revision }))).refused).toMatch(/paused/);
  expect((await must(s.previewRow({ kind: 'restart', ...ref }))).refused).toMatch(/paused/);
  // kubectl refuses the same.
  await expect(kubectl('--context', 'uat', '-n', 'platform', 'rollout', 'undo', 'deployment/gateway-uat')).rejects.toThrow(/paused/);
  const resume = await must(s.previewRow({ kind: 'resume', ...ref }));
  await must(s.applyRow({ kind: 'resume', ...ref }, resume.generation));

  const undo = await must(s.previewRow({ kind: 'undo', ...ref, toRevision: old.revision }));
  expect(undo.changes.join('\n')).toMatch(/5\.1\.0 → .*5\.0\.1/);
  await must(s.applyRow({ kind: 'undo', ...ref, toRevision: old.revision }, undo.generation));
  expect(await image()).toMatch(/gateway:5\.0\.1$/);
  await expect
    .poll(() => sb.rolloutStatus('uat', 'platform', 'gateway-uat'), {
      timeout: 30_000,
    })
    .toContain('successfully rolled out');

  const scale = await must(s.previewRow({ kind: 'scale', ...ref, replicas: 3 }));
  expect(scale.changes[0]).toBe('spec.replicas: 2 → 3');
  await must(s.applyRow({ kind: 'scale', ...ref, replicas: 3 }, scale.generation));
  expect(await sb.deploymentJsonpath('uat', 'platform', 'gateway-uat', '{.spec.replicas}')).toBe('3');
  await s.dispose();
}, 120_000);

it('row-action previews are server-side dry runs: the API server sees each write (dryRun=All) and nothing changes', async () => {
  const s = await service();
  const store = sb.dc.cluster('uat').store;
  const ref = { clusterId: 'uat', namespace: 'shop', name: 'cart-uat' };
  const before = store.clone('deployments', 'shop', 'cart-uat')!;
  // Writes a preview might leak: any change to the Deployment's spec, labels or annotations.
  const leaked: string[] = [];
  const stop = store.subscribe((e) => {
    if (e.resource !== 'deployments' || e.object.obj.metadata.name !== 'cart-uat' || !e.previous) return;
    const [a, b] = [e.previous.obj, e.object.obj];
    if (
      JSON.stringify([a.spec, a.metadata.labels, a.metadata.annotations]) !==
      JSON.stringify([b.spec, b.metadata.labels, b.metadata.annotations])
    )
      leaked.push(`${e.type} rv ${e.rv}`);
  });
  try {
    for (const action of [{ kind: 'restart' as const }, { kind: 'scale' as const, replicas: 7 }, { kind: 'pause' as const }]) {
      const r = await s.previewRow({ ...action, ...ref });
      expect(r.ok && !r.value.refused, `${action.kind} previewed`).toBe(true);
    }
    expect(leaked).toEqual([]);
    const after = store.get('deployments', 'shop', 'cart-uat')!.obj;
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  } finally {
    stop();
    await s.dispose();
  }
}, 60_000);

it('a cluster lost mid-release pauses only its group; someone else scaling a Deployment during an approval wait pauses it as drift, never overwritten', async () => {
  const s = await service();
  const stages = '  - { name: pro, approval: false, groups: [{ group: pro }] }';
  const gates = 'rollback: manual\nonClusterLost: pause-group';
  const id = await startRelease(s, plan('cart', '1.1.0', stages, gates));
  const state = () => s.executor.entries.get(id)!.state;
  const group = (c: string) => state().groups.find((g) => g.clusterId === c)!;
  const waitsForFort = (c: string) => needsMe(state()).some((n) => n.kind === 'approve-fort' && n.group === group(c).key);
  await until(() => waitsForFort('pro-east') && waitsForFort('pro-west'), 60_000, 'both forts baked');

  await sb.dc.stopCluster('pro-west');
  await until(() => group('pro-west').pauseReason?.kind === 'cluster-unreachable', 30_000, 'pro-west paused as unreachable');
  expect(group('pro-east').phase).toBe('baking');
  // Someone scales pro-east by hand while its fort waits for approval: the watch pauses it, no approval needed to notice.
  await kubectl('--context', 'pro-east', '-n', 'shop', 'scale', 'deployment/cart-pro', '--replicas=7');
  await until(() => group('pro-east').pauseReason?.kind === 'drift', 30_000, 'pro-east paused on drift');
  expect(JSON.stringify(group('pro-east').pauseReason)).toContain('replicas');
  expect(await sb.deploymentJsonpath('pro-east', 'shop', 'cart-pro', '{.spec.replicas}')).toBe('7');

  await sb.dc.startCluster('pro-west');
  sb.clusters.reconnect('pro-west');
  await until(() => needsMe(state()).some((n) => n.kind === 'cluster-back'), 30_000, 'cluster back offered');
  expect((await s.act(id, { type: 'resume', group: group('pro-west').key })).ok).toBe(true);
  await drive(s, id, () => group('pro-west').phase === 'succeeded', 60_000, 'pro-west finished');
  expect(await sb.rolloutStatus('pro-west', 'shop', 'cart-pro')).toContain('successfully rolled out');
  expect(group('pro-east').phase).toBe('paused');
  await s.dispose();
}, 200_000);

it('a second process cannot drive a release another holds; an approval given for a stale state is refused and recorded', async () => {
  const s = await service();
  const stages = '  - { name: fat, approval: false, groups: [{ group: fat }] }\n  - { name: uat, groups: [{ group: uat }] }';
  const id = await startRelease(s, plan('search', '7.4.1', stages, 'rollback: manual'));
  const state = () => s.executor.entries.get(id)!.state;
  await until(() => needsMe(state()).some((n) => n.kind === 'approve-stage'), 60_000, 'uat waits for approval').catch((e: Error) => {
    throw new Error(
      `${e.message}: ${JSON.stringify(state().groups)} ${state()
        .history.map((h) => h.action)
        .join(' | ')}`,
    );
  });
  const other = new ReleaseService({ dir: sb.dir, clusters: sb.clusters, tickMs: 100, actor: 'second window' });
  await other.start();
  expect(other.event().lockedElsewhere[id]).toBeDefined();
  const refused = await other.act(id, { type: 'pause' });
  expect(!refused.ok && refused.error.code).toBe('locked');
  await other.dispose();

  const stale = await s.act(id, { type: 'approvalGiven', version: 1 });
  expect(!stale.ok && stale.error.code).toBe('stale-state');
  expect(state().history.at(-1)!.result).toBe('rejected');
  expect((await s.act(id, { type: 'abort' })).ok).toBe(true);
  await s.dispose();
}, 120_000);

it('onClusterLost: stop-the-line pauses every group in flight when one cluster goes away', async () => {
  const s = await service();
  const id = await startRelease(
    s,
    plan(
      'gateway',
      '5.1.0',
      '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-west }, { group: pro, datacenter: pro-east }] }',
      'rollback: manual\nonClusterLost: stop-the-line',
    ),
  );
  const state = () => s.executor.entries.get(id)!.state;
  await until(() => needsMe(state()).filter((n) => n.kind === 'approve-fort').length === 2, 60_000, 'two forts baked');
  await sb.dc.stopCluster('pro-west');
  await until(() => state().stopped?.kind === 'stop-the-line', 30_000, 'line stopped');
  expect(state().status).toBe('paused');
  expect(state().groups.filter((g) => g.phase === 'paused').length).toBe(2);
  await sb.dc.startCluster('pro-west');
  sb.clusters.reconnect('pro-west');
  expect((await s.act(id, { type: 'abort' })).ok).toBe(true);
  await s.dispose();
}, 120_000);

it('killed mid-batch (its lock left by a process that is gone): a new process takes over, holds the release, and completes it on resume; the old one stops driving', async () => {
  const crashed = new ReleaseService({
    dir: sb.dir,
    clusters: sb.clusters,
    tickMs: 100,
    timeScale: sb.speed,
    actor: 'tester',
    lock: { pid: 4_194_311, heartbeatMs: 0 },
  });
  await crashed.start();
  crashed.subscribe(() => undefined);
  const id = await startRelease(
    crashed,
    plan('payments', '3.3.0', '  - { name: pro, approval: false, groups: [{ group: pro }] }', 'rollback: manual'),
  );
  const before = () => crashed.executor.entries.get(id)!.state;
  await drive(crashed, id, () => before().groups.some((g) => g.phase === 'rolling' && g.step === 'updating'), 60_000, 'mid-batch');
  const s = await service();
  await until(() => !crashed.executor.entries.get(id)!.lock, 5_000, 'old process lets go');
  const state = () => s.executor.entries.get(id)!.state;
  expect(state().status).toBe('paused');
  expect((await s.act(id, { type: 'resume' })).ok).toBe(true);
  await drive(s, id, () => state().status === 'succeeded', 120_000, 'completed after takeover');
  for (const ctx of ['pro-east', 'pro-west']) {
    expect(await sb.rolloutStatus(ctx, 'shop', 'payments-pro')).toContain('successfully rolled out');
    expect(await sb.deploymentJsonpath(ctx, 'shop', 'payments-pro', IMAGE)).toMatch(/payments:3\.3\.0$/);
  }
  expect(before().version).toBeLessThan(state().version);
  await crashed.dispose();
  await s.dispose();
}, 200_000);
