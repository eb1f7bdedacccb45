import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../../src-shared/releases/execution-model';
import { fixturePlan, fixtureSnapshot } from '../../../src-shared/releases/fixtures';
import { resolvePlan } from '../../../src-shared/releases/resolve';
import { deployment, pod } from '../../../src-shared/testing/fixtures';
import type { DeploymentSummary, PodSummary, WorkloadDiff } from '../../../src-shared/workloads/contract';
import { WorkloadIndex } from '../workloads/workload-index';
import { createBoardIndex } from './board-index';
import { buildBoard } from './board-model';

const clusters = ['fat', 'uat', 'pro-east'];
const apps = ['orders', 'cart', 'search', 'billing'];
const groupOf: Record<string, string> = { fat: 'fat', uat: 'uat', 'pro-east': 'pro' };

function world() {
  const deployments: DeploymentSummary[] = [];
  const pods: PodSummary[] = [];
  for (const c of clusters) {
    for (const app of apps) {
      const name = `${app}-${groupOf[c]}`;
      deployments.push(deployment({ uid: `${c}/${name}`, clusterId: c, name, app, group: groupOf[c], replicas: 3 }));
      for (let i = 0; i < 3; i++)
        pods.push(
          pod({
            uid: `${c}/${name}-${i}`,
            clusterId: c,
            name: `${name}-${i}`,
            app,
            group: groupOf[c],
            deployment: name,
            images: [`h/shop/${app}:1.${i % 2}.0`],
          }),
        );
    }
  }
  return { deployments, pods };
}

const reset = (clusterId: string, kind: 'Pod' | 'Deployment', upserts: (PodSummary | DeploymentSummary)[]): WorkloadDiff =>
  ({ clusterId, kind, reset: true, upserts: upserts.filter((u) => u.clusterId === clusterId), deletes: [] }) as WorkloadDiff;

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function* random(seed: number) {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

function started(): ExecutionState {
  const plan = fixturePlan({ gates: { approval: { beforeStage: true } } });
  const s = createExecution('r1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 1000);
  const r = applyEvent(s, { type: 'start', actor: 'a', at: 2000 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('board index (the board by deltas)', () => {
  it('gives the same board as a rebuild after every batch of pod and Deployment changes, through the store index', () => {
    const { deployments, pods } = world();
    const store = new WorkloadIndex();
    store.applyDiffs(clusters.flatMap((c) => [reset(c, 'Pod', pods), reset(c, 'Deployment', deployments)]));
    const index = createBoardIndex();
    const executions: ExecutionState[] = [];
    expect(index.update(store.deployments.rows(), store.pods.rows(), executions)).toEqual(
      buildBoard(store.deployments.rows(), store.pods.rows(), executions),
    );
    const rnd = random(7);
    const next = () => rnd.next().value as number;
    let rv = 2;
    const live = new Map(pods.map((p) => [p.uid, p]));
    for (let step = 0; step < 200; step++) {
      const diffs: WorkloadDiff[] = [];
      for (let n = 0; n < 1 + Math.floor(next() * 4); n++) {
        const all = [...live.values()];
        const p = all[Math.floor(next() * all.length)]!;
        const r = next();
        if (r < 0.5) {
          const changed = { ...p, restarts: p.restarts + 1, ready: next() < 0.7, resourceVersion: String(rv++) };
          live.set(p.uid, changed);
          diffs.push({ clusterId: p.clusterId, kind: 'Pod', reset: false, upserts: [changed], deletes: [] });
        } else if (r < 0.65) {
          const changed = {
            ...p,
            images: [`h/shop/${p.app}:2.0.0`],
            status: next() < 0.5 ? 'CrashLoopBackOff' : 'Running',
            resourceVersion: String(rv++),
          };
          live.set(p.uid, changed);
          diffs.push({ clusterId: p.clusterId, kind: 'Pod', reset: false, upserts: [changed], deletes: [] });
        } else if (r < 0.8) {
          live.delete(p.uid);
          diffs.push({ clusterId: p.clusterId, kind: 'Pod', reset: false, upserts: [], deletes: [p.uid] });
        } else if (r < 0.95) {
          const added = { ...p, uid: `${p.uid}-n${rv}`, name: `${p.name}-n${rv}`, resourceVersion: String(rv++) };
          live.set(added.uid, added);
          diffs.push({ clusterId: p.clusterId, kind: 'Pod', reset: false, upserts: [added], deletes: [] });
        } else {
          const d = store.deployments.rows().find((x) => x.clusterId === p.clusterId && x.name === p.deployment)!;
          diffs.push({
            clusterId: d.clusterId,
            kind: 'Deployment',
            reset: false,
            upserts: [{ ...d, replicas: d.replicas + 1, paused: !d.paused, resourceVersion: String(rv++) }],
            deletes: [],
          });
        }
      }
      store.applyDiffs(diffs);
      const [d, ps] = [store.deployments.rows(), store.pods.rows()];
      expect(index.update(d, ps, executions)).toEqual(buildBoard(d, ps, executions));
      // By delta: each diff carries one pod or Deployment, so it touches one Deployment at most.
      expect(index.recomputed).toBeLessThanOrEqual(diffs.length);
    }
  });

  it('recomputes only the Deployments a change touches and keeps every other row and line object', () => {
    const { deployments, pods } = world();
    const store = new WorkloadIndex();
    store.applyDiffs(clusters.flatMap((c) => [reset(c, 'Pod', pods), reset(c, 'Deployment', deployments)]));
    const index = createBoardIndex();
    const before = index.update(store.deployments.rows(), store.pods.rows(), []);
    expect(index.recomputed).toBe(deployments.length);
    const p = pods.find((x) => x.uid === 'uat/cart-uat-1')!;
    store.applyDiffs([
      { clusterId: 'uat', kind: 'Pod', reset: false, upserts: [{ ...p, restarts: 5, resourceVersion: '9' }], deletes: [] },
    ]);
    const after = index.update(store.deployments.rows(), store.pods.rows(), []);
    expect(index.recomputed).toBe(1);
    const cart = after.rows.find((r) => r.app === 'cart')!;
    expect(cart.cells.uat![0]).toMatchObject({ key: 'uat/shop/cart-uat', restarts: 5 });
    expect(cart).not.toBe(before.rows.find((r) => r.app === 'cart'));
    expect(cart.cells.fat![0]).toBe(before.rows.find((r) => r.app === 'cart')!.cells.fat![0]);
    for (const r of after.rows.filter((x) => x.app !== 'cart')) expect(r).toBe(before.rows.find((x) => x.app === r.app));
    // Nothing visible changed (same resourceVersion again is no store change; a new one with the same content is):
    store.applyDiffs([
      { clusterId: 'uat', kind: 'Pod', reset: false, upserts: [{ ...p, restarts: 5, resourceVersion: '10' }], deletes: [] },
    ]);
    expect(index.update(store.deployments.rows(), store.pods.rows(), [])).toBe(after);
  });

  it('follows executions (target, progress, state) and a Deployment leaving the board', () => {
    const { deployments, pods } = world();
    // The fixture plan releases orders in fat (orders-fat, as in our world).
    const plan = started();
    const fatKey = plan.groups.find((g) => g.clusterId === 'fat')!.key;
    expect(deployments.some((d) => `${d.clusterId}/${d.namespace}/${d.name}` === fatKey)).toBe(true);
    const ds = deployments;
    const store = new WorkloadIndex();
    store.applyDiffs(clusters.flatMap((c) => [reset(c, 'Pod', pods), reset(c, 'Deployment', ds)]));
    const index = createBoardIndex();
    index.update(store.deployments.rows(), store.pods.rows(), []);
    const withRelease = index.update(store.deployments.rows(), store.pods.rows(), [plan]);
    expect(withRelease).toEqual(buildBoard(store.deployments.rows(), store.pods.rows(), [plan]));
    expect(withRelease.rows.find((r) => r.app === 'orders')!.cells.fat!.find((l) => l.key === fatKey)!.progress).toBeDefined();
    store.applyDiffs([{ clusterId: 'uat', kind: 'Deployment', reset: false, upserts: [], deletes: ['uat/billing-uat'] }]);
    const gone = index.update(store.deployments.rows(), store.pods.rows(), [plan]);
    expect(gone).toEqual(buildBoard(store.deployments.rows(), store.pods.rows(), [plan]));
    expect(gone.rows.find((r) => r.app === 'billing')!.cells.uat).toBeUndefined();
  });
});
