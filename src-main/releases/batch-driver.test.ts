import { describe, expect, it } from 'vitest';
import { ANN, type BatchGoal, type DriverOutcome } from './batch-driver';
import { DeploymentBatchDriver } from './deployment-batch-driver';
import { FakeBatchDriver, FakeDeploymentCluster } from './fake-cluster';

const FROM = 'harbor.example.com/shop/orders:2.4.0';
const TO = 'harbor.example.com/shop/orders:2.4.1';
const target = { clusterId: 'c1', namespace: 'shop', deployment: 'orders', container: 'app' };

function setup(replicas: number, strategy?: { maxSurge: string; maxUnavailable: string }) {
  const cluster = new FakeDeploymentCluster(replicas, FROM);
  if (strategy) cluster.d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: strategy };
  const driver = new DeploymentBatchDriver(() => cluster);
  return { cluster, driver };
}
const goalFor = (sizes: number[], k: number, replicas: number): BatchGoal => {
  const cum = sizes.slice(0, k + 1).reduce((a, b) => a + b, 0);
  return { releaseId: 'rel-1', fromImage: FROM, toImage: TO, replicas, target: cum, batchSize: sizes[k]!, last: k === sizes.length - 1, windowSec: 30 };
};

/** Driver step, then one controller pass, then time passes: the driver always gets its turn within the window. */
async function runBatch(cluster: FakeDeploymentCluster, driver: DeploymentBatchDriver, goal: BatchGoal, onTick?: () => void): Promise<DriverOutcome> {
  for (let i = 0; i < 100; i++) {
    const r = await driver.step(target, goal);
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.kind !== 'progressing') return r.value;
    cluster.sync();
    cluster.tick();
    onTick?.();
  }
  throw new Error('batch did not finish');
}

describe('DeploymentBatchDriver against the simulated controller', () => {
  it('stops exactly at every batch boundary, never takes an instance down, and completes', async () => {
    const { cluster, driver } = setup(10, { maxSurge: '25%', maxUnavailable: '25%' });
    const sizes = [1, 2, 2, 2, 3]; // fort + 25% of the rest
    const seenAtDone: [number, number][] = [];
    for (let k = 0; k < sizes.length; k++) {
      const goal = goalFor(sizes, k, 10);
      const outcome = await runBatch(cluster, driver, goal, () => {
        if (!goal.last) expect(cluster.newRS()?.replicas ?? 0).toBeLessThanOrEqual(goal.target);
      });
      expect(outcome).toEqual({ kind: 'batch-done', updated: goal.last ? 10 : goal.target });
      seenAtDone.push([cluster.newRS()!.replicas, cluster.rss.filter((r) => r.image === FROM)[0]!.replicas]);
    }
    // new version count exact at each boundary; old pods of batch k leave when batch k+1 starts
    expect(seenAtDone).toEqual([
      [1, 10],
      [3, 9],
      [5, 7],
      [7, 5],
      [10, 0],
    ]);
    expect(cluster.minAvailableSeen).toBeGreaterThanOrEqual(10);
    expect(cluster.proportionalScalings).toBe(0);
    // original strategy and minReadySeconds restored, annotations gone, not paused
    expect(cluster.d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(cluster.d.spec!.minReadySeconds).toBe(0);
    expect(cluster.d.spec!.paused).toBe(false);
    expect(Object.keys(cluster.d.metadata.annotations!)).toEqual([]);
    // the whole release made exactly one new ReplicaSet (one new rollout revision)
    expect(cluster.rss.map((r) => r.image)).toEqual([FROM, TO]);
  });
  it('waits after restoring the strategy until the controller has observed it', async () => {
    const { cluster, driver } = setup(2);
    const goal = goalFor([2], 0, 2);
    let r;
    for (let i = 0; i < 20; i++) {
      r = await driver.step(target, goal);
      if (!r.ok || r.value.kind !== 'progressing') break;
      if (cluster.d.metadata.annotations![ANN.release] === undefined && cluster.image === TO) {
        // restore patch just landed; the controller has not synced yet
        const again = await driver.step(target, goal);
        expect(again.ok && again.value).toEqual({ kind: 'progressing', detail: 'finishing: the controller applies the restored strategy' });
      }
      cluster.sync();
      cluster.tick();
    }
    expect(r!.ok && r!.value).toEqual({ kind: 'batch-done', updated: 2 });
  });
  it('is exact for shrinking batch sizes too', async () => {
    const { cluster, driver } = setup(8);
    const sizes = [1, 4, 2, 1];
    for (let k = 0; k < sizes.length; k++) {
      const goal = goalFor(sizes, k, 8);
      expect((await runBatch(cluster, driver, goal)).kind).toBe('batch-done');
      expect(cluster.newRS()!.replicas).toBe(goal.target);
    }
    expect(cluster.minAvailableSeen).toBeGreaterThanOrEqual(8);
  });
  it('reports an overshoot when the pause lands too late, with exact counts', async () => {
    const { cluster, driver } = setup(10);
    expect((await runBatch(cluster, driver, goalFor([1, 9], 0, 10))).kind).toBe('batch-done');
    // batch 2 of [2,2,2,...]: driver unpauses, then is suspended while the controller keeps going
    const goal = goalFor([1, 2, 7], 1, 10);
    await driver.step(target, goal); // unpause with maxSurge 2
    for (let i = 0; i < 6; i++) {
      cluster.sync();
      cluster.tick();
    }
    const r = await driver.step(target, goal);
    expect(r.ok && r.value).toEqual({ kind: 'overshoot', expected: 3, actual: expect.any(Number) });
    expect(r.ok && r.value.kind === 'overshoot' && r.value.actual).toBeGreaterThan(3);
  });
  it('resumes a half-done batch after a restart (a new driver instance, same cluster)', async () => {
    const { cluster, driver } = setup(6);
    const goal = goalFor([1, 5], 0, 6);
    await driver.step(target, goal); // prepare
    cluster.sync();
    await driver.step(target, goal); // unpause
    cluster.sync();
    cluster.tick();
    const fresh = new DeploymentBatchDriver(() => cluster); // the app was restarted
    expect(await runBatch(cluster, fresh, goal)).toEqual({ kind: 'batch-done', updated: 1 });
  });
  it('surfaces an external edit instead of overwriting it', async () => {
    const { cluster, driver } = setup(4);
    expect((await runBatch(cluster, driver, goalFor([1, 3], 0, 4))).kind).toBe('batch-done');
    cluster.externalEdit({ image: 'harbor.example.com/shop/orders:2.4.0-hotfix' });
    const patchesBefore = cluster.patches.length;
    const r = await driver.step(target, goalFor([1, 3], 1, 4));
    expect(r.ok && r.value).toEqual({ kind: 'external-edit', detail: 'image was changed to harbor.example.com/shop/orders:2.4.0-hotfix by someone else' });
    expect(cluster.patches.length).toBe(patchesBefore);
  });
  it('surfaces a replica change (HPA or kubectl scale) and a foreign release', async () => {
    const { cluster, driver } = setup(4);
    cluster.externalEdit({ replicas: 6 });
    const r = await driver.step(target, goalFor([1, 3], 0, 4));
    expect(r.ok && r.value).toEqual({ kind: 'external-edit', detail: 'replicas is 6, the plan expected 4' });
    cluster.d.spec!.paused = true;
    const r1 = await driver.step(target, goalFor([1, 3], 0, 6));
    expect(r1.ok && r1.value.kind === 'external-edit' && r1.value.detail).toMatch(/paused by someone else/);
    cluster.d.metadata.annotations = { [ANN.release]: 'rel-other' };
    const r2 = await driver.step(target, goalFor([1, 3], 0, 6));
    expect(r2.ok && r2.value.kind === 'external-edit' && r2.value.detail).toMatch(/released by rel-other/);
  });
  it('rolls back mid-release to the old image and the original strategy', async () => {
    const { cluster, driver } = setup(6, { maxSurge: '1', maxUnavailable: '0' });
    expect((await runBatch(cluster, driver, goalFor([1, 2, 3], 0, 6))).kind).toBe('batch-done');
    expect((await runBatch(cluster, driver, goalFor([1, 2, 3], 1, 6))).kind).toBe('batch-done');
    let outcome: DriverOutcome | undefined;
    for (let i = 0; i < 50 && outcome?.kind !== 'rolled-back'; i++) {
      const r = await driver.rollbackStep(target, { releaseId: 'rel-1', fromImage: FROM, toImage: TO });
      if (!r.ok) throw new Error(r.error.message);
      outcome = r.value;
      cluster.sync();
      cluster.tick();
    }
    expect(outcome).toEqual({ kind: 'rolled-back' });
    expect(cluster.image).toBe(FROM);
    expect(cluster.d.spec!.paused).toBe(false);
    expect(cluster.d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } });
    expect(cluster.rss.find((r) => r.image === TO)!.replicas).toBe(0);
  });
  it('treats a 409 conflict as "read again", not as an error', async () => {
    const { cluster, driver } = setup(4);
    const realGet = cluster.getDeployment.bind(cluster);
    cluster.getDeployment = async () => {
      const d = await realGet();
      cluster.d.metadata.resourceVersion = '999'; // the controller wrote status in between
      return d;
    };
    const r = await driver.step(target, goalFor([1, 3], 0, 4));
    expect(r.ok && r.value).toEqual({ kind: 'progressing', detail: 'the Deployment changed while we patched it; reading it again' });
  });
});

describe('FakeBatchDriver', () => {
  it('plays its script and records calls', async () => {
    const fake = new FakeBatchDriver([{ kind: 'batch-done', updated: 1 }]);
    expect(await fake.step(target, goalFor([1], 0, 1))).toEqual({ ok: true, value: { kind: 'batch-done', updated: 1 } });
    expect((await fake.rollbackStep(target)).ok).toBe(true);
    expect(fake.calls).toEqual([
      { kind: 'step', deployment: 'orders', target: 1 },
      { kind: 'rollback', deployment: 'orders' },
    ]);
  });
});
