/**
 * The batch driver against the sandbox's controllers (in process, fast clock): exact boundaries,
 * ready pods never below N, every state between two writes held by the controller on its own (a
 * "crash" after every single write), external edits reported, rollback without going below
 * min-online and with the original settings back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANN, HOLD, type BatchGoal, type DriverOutcome } from './batch-driver';
import type { RollbackGoal } from './batch-decide';
import { DeploymentBatchDriver } from './deployment-batch-driver';
import { FakeBatchDriver, SandboxDeploymentCluster } from './fake-cluster';

const FROM = 'harbor.example.com/shop/orders:2.4.0';
const TO = 'harbor.example.com/shop/orders:2.4.1';
const target = { clusterId: 'c1', namespace: 'shop', deployment: 'orders', container: 'app' };
const ORIGINAL_STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let clusters: SandboxDeploymentCluster[] = [];
afterEach(() => {
  for (const c of clusters) c.close();
  clusters = [];
});

async function setup(replicas: number) {
  const cluster = new SandboxDeploymentCluster(replicas, FROM, 'app', { strategy: ORIGINAL_STRATEGY });
  clusters.push(cluster);
  cluster.targetImage = TO;
  const driver = new DeploymentBatchDriver(() => cluster);
  for (let i = 0; i < 400 && cluster.sample(FROM).ready < replicas; i++) await sleep(10);
  expect(cluster.sample(FROM).ready).toBe(replicas);
  return { cluster, driver };
}
const goalFor = (sizes: number[], k: number, replicas: number): BatchGoal => {
  const cum = sizes.slice(0, k + 1).reduce((a, b) => a + b, 0);
  return { releaseId: 'rel-1', fromImage: FROM, toImage: TO, replicas, target: cum, batchSize: sizes[k]!, last: k === sizes.length - 1 };
};

/** Step until an outcome; `between` runs after every step (e.g. a pause that stands for a crash). */
async function runBatch(
  driver: DeploymentBatchDriver,
  goal: BatchGoal | RollbackGoal,
  between: () => Promise<void> = () => sleep(5),
  rollback = false,
): Promise<DriverOutcome> {
  for (let i = 0; i < 3000; i++) {
    const r = rollback ? await driver.rollbackStep(target, goal as RollbackGoal) : await driver.step(target, goal as BatchGoal);
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.kind !== 'progressing') return r.value;
    await between();
  }
  throw new Error('batch did not finish');
}

/** fort + 10%+20%+30%+20%+20% of 10: boundaries 1, 2, 3, 6, 8, 10. */
const SIZES = [1, 1, 1, 3, 2, 2];

describe('DeploymentBatchDriver against the sandbox controllers', () => {
  it('stops exactly at every boundary, never has fewer than N ready pods, holds each boundary by itself, and restores the original settings', async () => {
    const { cluster, driver } = await setup(10);
    let boundary = 0;
    for (let k = 0; k < SIZES.length; k++) {
      const goal = goalFor(SIZES, k, 10);
      const from = cluster.samples.length;
      expect(await runBatch(driver, goal)).toEqual({ kind: 'batch-done', updated: goal.last ? 10 : goal.target });
      const during = cluster.samples.slice(from);
      expect(Math.max(...during.map((s) => s.updated))).toBeLessThanOrEqual(goal.target);
      expect(Math.min(...during.map((s) => s.ready))).toBeGreaterThanOrEqual(10);
      boundary = goal.target;
      expect(cluster.sample().updated).toBe(boundary);
      if (!goal.last) {
        // Capstan away for 40 simulated seconds at the boundary: nothing moves.
        await sleep(200);
        expect(cluster.sample().updated).toBe(boundary);
        // N + 1 pods while held: the extra old pod keeps the surge used up.
        expect(cluster.sample().ready).toBe(11);
      }
    }
    const d = cluster.d;
    expect(d.spec?.strategy).toEqual(ORIGINAL_STRATEGY);
    expect(d.spec?.minReadySeconds ?? 0).toBe(0);
    expect((d.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds).toBe(600);
    expect(Object.keys(d.metadata.annotations ?? {}).filter((k) => k.startsWith('capstan.io/'))).toEqual([]);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('leaves a held state after every single write: a crash at any step never lets the controller pass the boundary', async () => {
    const { cluster, driver } = await setup(6);
    const sizes = [1, 2, 3];
    for (let k = 0; k < sizes.length; k++) {
      const goal = goalFor(sizes, k, 6);
      // After each step Capstan "dies" for 30 simulated seconds; the controller goes on alone.
      await runBatch(driver, goal, async () => {
        await sleep(150);
        const s = cluster.sample();
        expect(s.updated).toBeLessThanOrEqual(goal.target);
        expect(s.ready).toBeGreaterThanOrEqual(6);
      });
    }
    expect(cluster.sample()).toEqual({ updated: 6, ready: 6 });
  });

  it('reports an edit by someone else instead of overwriting it; a resume after it puts the hold settings back', async () => {
    const { cluster, driver } = await setup(4);
    expect((await runBatch(driver, goalFor([1, 1, 2], 0, 4))).kind).toBe('batch-done');
    cluster.externalPatch({ spec: { minReadySeconds: 0 } });
    const edited = await runBatch(driver, goalFor([1, 1, 2], 1, 4));
    expect(edited).toMatchObject({
      kind: 'external-edit',
      detail: expect.stringMatching(/minReadySeconds\/progressDeadlineSeconds were changed to 0/),
    });
    expect((await runBatch(driver, { ...goalFor([1, 1, 2], 1, 4), reassert: true })).kind).toBe('batch-done');
    expect(cluster.d.spec?.minReadySeconds).toBe(HOLD.minReadySeconds);
    cluster.externalPatch({ spec: { template: { spec: { containers: [{ name: 'app', image: `${TO}-hotfix` }] } } } }, 'kubectl-set');
    expect(await runBatch(driver, goalFor([1, 1, 2], 2, 4))).toMatchObject({
      kind: 'external-edit',
      detail: expect.stringMatching(/image was changed/),
    });
  });

  it('reports an overshoot with exact counts when someone widens maxSurge', async () => {
    const { cluster, driver } = await setup(6);
    expect((await runBatch(driver, goalFor([1, 2, 3], 0, 6))).kind).toBe('batch-done');
    cluster.externalPatch({ spec: { strategy: { rollingUpdate: { maxSurge: 4, maxUnavailable: 0 } } } });
    // Held at 1 new + 6 old (N + 1): maxSurge 4 lets the controller grow the new ReplicaSet to 4.
    for (let i = 0; i < 200 && cluster.sample().updated < 4; i++) await sleep(10);
    expect(await runBatch(driver, goalFor([1, 2, 3], 1, 6))).toEqual({ kind: 'overshoot', expected: 3, actual: 4 });
  });

  it('rolls back mid-release step by step, never below N ready pods, and restores the original settings', async () => {
    const { cluster, driver } = await setup(10);
    for (let k = 0; k < 4; k++) await runBatch(driver, goalFor(SIZES, k, 10));
    expect(cluster.sample().updated).toBe(6);
    const from = cluster.samples.length;
    const rollback: RollbackGoal = { releaseId: 'rel-1', fromImage: FROM, toImage: TO, stepSize: 3 };
    expect(await runBatch(driver, rollback, () => sleep(5), true)).toEqual({ kind: 'rolled-back' });
    expect(Math.min(...cluster.samples.slice(from).map((s) => s.ready))).toBeGreaterThanOrEqual(10);
    expect(cluster.sample()).toEqual({ updated: 0, ready: 10 });
    const d = cluster.d;
    expect(d.spec?.strategy).toEqual(ORIGINAL_STRATEGY);
    expect(d.spec?.minReadySeconds ?? 0).toBe(0);
    expect(d.metadata.annotations?.[ANN.release]).toBeUndefined();
  });

  it('treats a 409 conflict as "read again", not as an error', async () => {
    const { cluster, driver } = await setup(2);
    const original = cluster.patchDeployment.bind(cluster);
    let once = true;
    cluster.patchDeployment = async (ns, name, patch, opts) => {
      if (once) {
        once = false;
        cluster.externalPatch({ metadata: { labels: { touched: 'yes' } } });
      }
      return original(ns, name, patch, opts);
    };
    const r = await driver.step(target, goalFor([1, 1], 0, 2));
    expect(r).toEqual({ ok: true, value: { kind: 'progressing', detail: 'the Deployment changed before we wrote it; reading it again' } });
  });

  it('sends every write as a dry run first: the dry run stores nothing, and the write that follows stores exactly what it answered', async () => {
    const { cluster, driver } = await setup(4);
    const pairs: { dry: unknown; applied: unknown }[] = [];
    let dry: unknown;
    for (const method of ['patchDeployment', 'scaleReplicaSet'] as const) {
      const original = (cluster[method] as (...a: unknown[]) => Promise<{ ok: boolean; value?: unknown }>).bind(cluster);
      (cluster as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        const opts = args[3] as { dryRun?: boolean };
        const before = cluster.store.resourceVersion;
        const r = await original(...args);
        if (opts.dryRun) {
          expect(cluster.store.resourceVersion).toBe(before); // nothing stored, no watch event
          dry = r.value;
        } else if (r.ok) pairs.push({ dry, applied: r.value });
        return r;
      };
    }
    for (let k = 0; k < 3; k++) await runBatch(driver, goalFor([1, 1, 2], k, 4));
    const sent = cluster.writesSent;
    expect(sent.length).toBeGreaterThan(6);
    // Pairs: a dry run, then the same body for real (same resourceVersion precondition).
    for (let i = 0; i < sent.length; i += 2) {
      expect(sent[i]!.dryRun).toBe(true);
      expect(sent[i + 1]).toEqual({ ...sent[i], dryRun: false });
    }
    expect(pairs.length).toBe(sent.length / 2);
    for (const { dry, applied } of pairs) expect(withoutServerFields(applied)).toEqual(withoutServerFields(dry));
  });

  it("stops the group with the API server's message when it refuses a write in the dry run, before anything changes", async () => {
    // A Deployment whose annotations are just under the API server's 256 KiB limit: the claim's
    // capstan.io/original annotation would push it over (FieldValueTooLong).
    const cluster = new SandboxDeploymentCluster(2, FROM, 'app', { annotations: { 'example.com/notes': 'x'.repeat(256 * 1024 - 200) } });
    clusters.push(cluster);
    const driver = new DeploymentBatchDriver(() => cluster);
    for (let i = 0; i < 400 && cluster.sample(FROM).ready < 2; i++) await sleep(10);
    const before = {
      rv: cluster.d.metadata.resourceVersion,
      generation: cluster.d.metadata.generation,
      sets: [...cluster.store.values('replicasets')].length,
    };
    const preview = await driver.preview(target, goalFor([1, 1], 0, 2));
    expect(preview).toMatchObject({
      ok: true,
      value: { kind: 'refused', detail: expect.stringMatching(/may not be more than 262144 bytes/) },
    });
    const r = await driver.step(target, goalFor([1, 1], 0, 2));
    expect(r).toMatchObject({
      ok: true,
      value: {
        kind: 'failed',
        detail: expect.stringMatching(/refused the next write in a dry run, so nothing was changed .*262144 bytes/),
      },
    });
    expect(cluster.writesSent.map((w) => w.dryRun)).toEqual([true, true]);
    expect({
      rv: cluster.d.metadata.resourceVersion,
      generation: cluster.d.metadata.generation,
      sets: [...cluster.store.values('replicasets')].length,
    }).toEqual(before);
  });
});

/** An object as stored, without what the server sets on every write (version, managedFields times). */
function withoutServerFields(o: unknown): unknown {
  const c = structuredClone(o) as { metadata: { resourceVersion?: string; managedFields?: { time?: string }[] } };
  delete c.metadata.resourceVersion;
  for (const f of c.metadata.managedFields ?? []) delete f.time;
  return c;
}

describe('FakeBatchDriver', () => {
  it('plays its script and records calls', async () => {
    const fake = new FakeBatchDriver([{ kind: 'batch-done', updated: 1 }]);
    expect(await fake.step(target, { target: 1 })).toEqual({ ok: true, value: { kind: 'batch-done', updated: 1 } });
    expect(await fake.rollbackStep(target)).toEqual({ ok: true, value: { kind: 'progressing', detail: 'scripted' } });
    expect(fake.calls).toEqual([
      { kind: 'step', deployment: 'orders', target: 1 },
      { kind: 'rollback', deployment: 'orders' },
    ]);
  });
});
