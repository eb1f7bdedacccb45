/**
 * Previews that prove themselves, over HTTP against the sandbox's API server with kubectl as the
 * referee: the start preview (each group's first write as a server-side dry run) changes nothing
 * (resourceVersion, generation and ReplicaSets as before) and says what the write changes; the
 * driver's writes, each sent as a dry run first, store exactly what the dry run answered, and the
 * first one exactly what the start preview showed; a write the server refuses is shown in the
 * preview in its words and stops its group, once started, before anything changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReplicaSet } from '../../src-shared/k8s/types';
import type { Result } from '../../src-shared/result';
import type { BatchGoal, ClusterOps, DeploymentPatch, WriteOpts } from './batch-driver';
import { DeploymentBatchDriver } from './deployment-batch-driver';
import { KubeClusterOps } from './kube-cluster-ops';
import { until } from '../testing/fake-kube';
import { plan, startRelease, startReleaseSandbox, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
afterAll(() => sb?.close());

interface Seen {
  metadata: { resourceVersion: string; generation: number; managedFields?: { time?: string }[] };
  spec: { template: { spec: { containers: { name: string; image: string }[] } } };
}
const get = async (d: string): Promise<Seen> =>
  JSON.parse(await sb.kubectl('--context', 'pro-west', '-n', 'shop', 'get', `deployment/${d}`, '-o', 'json')) as Seen;
const replicaSets = async () =>
  (await sb.kubectl('--context', 'pro-west', '-n', 'shop', 'get', 'replicasets', '-o', 'name')).trim().split('\n').sort();

/** An object as stored, without what the server sets on every write. */
function withoutServerFields(o: unknown): unknown {
  const c = structuredClone(o) as Seen;
  delete (c.metadata as Partial<Seen['metadata']>).resourceVersion;
  for (const f of c.metadata.managedFields ?? []) delete f.time;
  return c;
}

it("the start preview sends each group's first write as a dry run: nothing changes (kubectl), and it says what the write would change", async () => {
  const s = await sb.service();
  const yaml = plan(
    'orders',
    '1.5.0',
    '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-west }] }',
    'rollback: manual',
  );
  const before = await get('orders-pro');
  const sets = await replicaSets();
  const r = await s.previewStart(yaml);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.groups).toHaveLength(1);
  const g = r.value.groups[0]!;
  expect(g).toMatchObject({ key: 'pro-west/shop/orders-pro', stage: 0 });
  expect(g.refused).toBeUndefined();
  expect(g.changes[0]).toMatch(/^image\.\S+: \S+\/shop\/orders:\S+ → \S+\/shop\/orders:1\.5\.0$/);
  expect(g.changes).toContain('spec.minReadySeconds: (none) → 2147483646');
  expect(g.changes).toContain('spec.progressDeadlineSeconds: 600 → 2147483647');
  expect(g.changes).toContain('spec.strategy.rollingUpdate.maxUnavailable: 25% → 0');
  expect(g.changes.some((c) => c.startsWith('annotations.capstan.io/release: (none) → '))).toBe(true);
  const after = await get('orders-pro');
  expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  expect(after.metadata.generation).toBe(before.metadata.generation);
  expect(await replicaSets()).toEqual(sets);
  await s.dispose();
}, 60_000);

it('every write of the driver goes as a dry run first; what is stored is what the dry run answered, and the first write is what the preview showed', async () => {
  const s = await sb.service(); // connects the clusters
  const live = await get('orders-pro');
  const container = live.spec.template.spec.containers[0]!;
  const toImage = container.image.replace(/:[^:/]+$/, ':1.5.0');
  const real = new KubeClusterOps(() => sb.clusters.connection('pro-west'), 'pro-west');
  const writes: { dryRun: boolean; value: unknown }[] = [];
  const record = async <T>(dryRun: boolean | undefined, r: Promise<Result<T>>): Promise<Result<T>> => {
    const out = await r;
    if (out.ok) writes.push({ dryRun: !!dryRun, value: out.value });
    return out;
  };
  const ops: ClusterOps = {
    getDeployment: (ns, name, signal) => real.getDeployment(ns, name, signal),
    listReplicaSets: (ns, sel, signal) => real.listReplicaSets(ns, sel, signal),
    listPods: (ns, sel, signal) => real.listPods(ns, sel, signal),
    patchDeployment: (ns, name, patch: DeploymentPatch, opts: WriteOpts) =>
      record(opts.dryRun, real.patchDeployment(ns, name, patch, opts)),
    scaleReplicaSet: (ns, name, replicas, opts: WriteOpts) =>
      record<ReplicaSet>(opts.dryRun, real.scaleReplicaSet(ns, name, replicas, opts)),
  };
  const driver = new DeploymentBatchDriver(() => ops);
  const target = { clusterId: 'pro-west', namespace: 'shop', deployment: 'orders-pro', container: container.name };
  const n = Number(
    await sb.kubectl('--context', 'pro-west', '-n', 'shop', 'get', 'deployment/orders-pro', '-o', 'jsonpath={.spec.replicas}'),
  );
  const goal: BatchGoal = { releaseId: 'proof-1', fromImage: container.image, toImage, replicas: n, target: 1, batchSize: 1, last: false };

  const preview = await driver.preview(target, goal);
  if (!preview.ok || preview.value.kind !== 'patch') throw new Error(`expected a patch preview, got ${JSON.stringify(preview)}`);
  expect((await get('orders-pro')).metadata.resourceVersion).toBe(live.metadata.resourceVersion);
  writes.length = 0; // the preview's own dry run

  let outcome = '';
  for (let i = 0; i < 600 && outcome !== 'batch-done'; i++) {
    const r = await driver.step(target, goal);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.kind).toMatch(/progressing|batch-done/);
    outcome = r.value.kind;
    if (outcome !== 'batch-done') await new Promise((res) => setTimeout(res, 50));
  }
  expect(outcome).toBe('batch-done');
  expect(writes.length).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < writes.length; i += 2) {
    expect(writes[i]!.dryRun).toBe(true);
    expect(writes[i + 1]!.dryRun).toBe(false);
    expect(withoutServerFields(writes[i + 1]!.value)).toEqual(withoutServerFields(writes[i]!.value));
  }
  // The first write stored exactly what the start preview showed.
  expect(withoutServerFields(writes[1]!.value)).toEqual(withoutServerFields(preview.value.result));
  // And kubectl sees the spec the last Deployment write stored: exactly one new pod (the fort).
  const lastPatch = writes.filter((w, i) => i % 2 === 1 && (w.value as { kind?: string }).kind === 'Deployment').at(-1)!.value as Seen & {
    spec: unknown;
  };
  expect((await get('orders-pro')).spec).toEqual(lastPatch.spec);
  expect(
    await sb.kubectl('--context', 'pro-west', '-n', 'shop', 'get', 'deployment/orders-pro', '-o', 'jsonpath={.status.updatedReplicas}'),
  ).toBe('1');
  await s.dispose();
}, 90_000);

it('a write the API server refuses shows in the start preview in its words, and a started release stops that group before anything changes', async () => {
  const s = await sb.service();
  // Annotations just under the API server's 256 KiB limit: the claim's annotations push them over.
  const current = JSON.parse(
    (await sb.kubectl('--context', 'uat', '-n', 'shop', 'get', 'deployment/orders-uat', '-o', 'jsonpath={.metadata.annotations}')) || '{}',
  ) as Record<string, string>;
  const used = Object.entries(current).reduce((a, [k, v]) => a + k.length + v.length, 0);
  const key = 'example.com/runbook';
  const file = join(sb.dir, 'big-annotation.json');
  writeFileSync(file, JSON.stringify({ metadata: { annotations: { [key]: 'x'.repeat(256 * 1024 - used - key.length - 60) } } }));
  await sb.kubectl('--context', 'uat', '-n', 'shop', 'patch', 'deployment/orders-uat', '--type', 'merge', '--patch-file', file);
  const before = JSON.parse(await sb.kubectl('--context', 'uat', '-n', 'shop', 'get', 'deployment/orders-uat', '-o', 'json')) as Seen;
  const yaml = plan('orders', '1.5.0', '  - { name: uat, approval: false, groups: [{ group: uat }] }', 'rollback: manual');

  const preview = await s.previewStart(yaml);
  if (!preview.ok) throw new Error(preview.error.message);
  expect(preview.value.groups[0]).toMatchObject({
    key: 'uat/shop/orders-uat',
    refused: expect.stringMatching(/metadata.annotations: Too long: may not be more than 262144 bytes/),
  });

  const id = await startRelease(s, yaml);
  const group = () => s.executor.entries.get(id)!.state.groups[0]!;
  await until(() => group().phase === 'failed', 20_000, 'group failed on the refused dry run');
  expect(group().failure).toMatch(/the API server refused the next write in a dry run, so nothing was changed \(claim.*262144 bytes/);
  const after = JSON.parse(await sb.kubectl('--context', 'uat', '-n', 'shop', 'get', 'deployment/orders-uat', '-o', 'json')) as Seen;
  expect(after.metadata.generation).toBe(before.metadata.generation);
  expect(after.spec).toEqual(before.spec);
  await s.dispose();
}, 60_000);
