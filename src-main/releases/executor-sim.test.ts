/**
 * The pieces together, as the executor service will run them: plan → validate → execution; a loop
 * that steps the batch driver for updating groups, passes checks for checking groups, approves as
 * a person would, and saves after every transition. Mid-release the "app" is killed: a new store
 * and driver load the state from disk, the release is held (`recovered`) and resumed by a person.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { applyEvent } from '../../src-shared/releases/execution';
import { createExecution, type ExecutionEvent, type ExecutionState } from '../../src-shared/releases/execution-model';
import { needsMe } from '../../src-shared/releases/execution-views';
import { fixturePlan, fixtureSnapshot } from '../../src-shared/releases/fixtures';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { validatePlan } from '../../src-shared/releases/validate';
import { DeploymentBatchDriver } from './deployment-batch-driver';
import { eventForOutcome, goalForGroup } from './executor-glue';
import { ExecutionStore } from './execution-store';
import type { Result } from '../../src-shared/result';
import { FakeDeploymentCluster } from './fake-cluster';

type EventInput = ExecutionEvent extends unknown ? (ExecutionEvent extends infer E ? (E extends unknown ? Omit<E, 'at'> : never) : never) : never;
const must = async <T>(p: Promise<Result<T>>): Promise<T> => {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

it('runs a whole release through simulated clusters, surviving a restart mid-batch', async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-sim-'));
  const plan = fixturePlan({ gates: { soak: { afterFort: '10m', afterBatch: '1m' }, approval: { beforeStage: true, afterFort: true }, bake: '0s' } });
  const snapshot = fixtureSnapshot();
  expect(validatePlan(plan, snapshot)).toEqual([]);
  const resolved = resolvePlan(plan, snapshot).stages;
  const clusters = new Map(resolved.flat().map((t) => [t.key, new FakeDeploymentCluster(t.snapshot.replicas, t.fromImage!, 'orders')]));
  const driverFor = () => new DeploymentBatchDriver((clusterId) => [...clusters.entries()].find(([k]) => k.startsWith(`${clusterId}/`))![1]);

  let store = new ExecutionStore(dir, { heartbeatMs: 0 });
  let lock = await must(store.acquire('rel-1', 'window 1'));
  let driver = driverFor();
  let s: ExecutionState = createExecution('rel-1', plan, resolved, 0);
  let now = 0;
  const apply = async (e: EventInput) => {
    const r = applyEvent(s, { ...e, at: ++now } as ExecutionEvent);
    if (!r.ok) throw new Error(r.error.message);
    s = r.value;
    await must(store.save(s, lock));
  };

  await apply({ type: 'start', actor: 'alice' });
  let crashed = false;
  for (let tick = 0; tick < 2000 && s.status !== 'succeeded'; tick++) {
    for (const g of s.groups) {
      const t = { clusterId: g.clusterId, namespace: g.namespace, deployment: g.deployment, container: 'orders' };
      const goal = goalForGroup(s, g);
      if (goal) {
        const r = await driver.step(t, goal);
        if (!r.ok) throw new Error(r.error.message);
        const ev = eventForOutcome(g, r.value, now);
        if (ev) await apply(ev);
      } else if (g.step === 'checking' && ['baking', 'rolling'].includes(g.phase)) {
        if (g.awaiting.includes('health')) await apply({ type: 'gatePassed', group: g.key, gate: 'health', actor: 'capstan' });
        else if (g.awaiting.includes('soak')) await apply({ type: 'bakeElapsed', group: g.key, actor: 'capstan' });
      }
    }
    for (const n of needsMe(s)) {
      if (n.kind === 'approve-stage') await apply({ type: 'approvalGiven', version: n.version, actor: 'alice' });
      if (n.kind === 'approve-fort') await apply({ type: 'approvalGiven', group: n.group, version: n.version, actor: 'alice' });
    }
    for (const c of clusters.values()) {
      c.sync();
      c.tick();
    }
    const east = s.groups.find((g) => g.key === 'pro-east-1/shop/orders')!;
    if (!crashed && east.phase === 'rolling' && east.batch === 2) {
      // kill the app: no release of the lock, no final save. A new process starts.
      crashed = true;
      store = new ExecutionStore(dir, { heartbeatMs: 0, staleMs: -1 }); // the old lock is stale at once
      const loaded = await store.loadAll();
      expect(loaded.problems).toEqual([]);
      s = loaded.executions[0]!;
      lock = await must(store.acquire('rel-1', 'window 2'));
      driver = driverFor();
      await apply({ type: 'recovered', actor: 'capstan' });
      expect(s.status).toBe('paused');
      await apply({ type: 'resume', actor: 'bob' });
    }
  }
  expect(crashed).toBe(true);
  expect(s.status).toBe('succeeded');
  for (const c of clusters.values()) {
    expect(c.image).toBe('harbor.example.com/shop/orders:2.4.1');
    expect(c.rss.map((r) => r.replicas)).toEqual([0, c.d.spec!.replicas]);
    expect(c.minAvailableSeen).toBeGreaterThanOrEqual(c.d.spec!.replicas!);
    expect(c.d.metadata.annotations).toEqual({});
  }
  expect(s.history.some((h) => h.actor === 'bob' && h.action === 'resume')).toBe(true);
  expect(s.version).toBe(s.history.length);
  expect((await must(new ExecutionStore(dir).load('rel-1'))).version).toBe(s.version);
});
