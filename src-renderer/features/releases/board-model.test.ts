import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../../src-shared/releases/execution-model';
import { fatDoneEvents, fixturePlan, fixtureSnapshot, replay } from '../../../src-shared/releases/fixtures';
import { resolvePlan } from '../../../src-shared/releases/resolve';
import { pod as fixturePod } from '../../../src-shared/testing/fixtures';
import type { DeploymentSummary, PodSummary } from '../../../src-shared/workloads/contract';
import { buildBoard, needsMeAll, tagOf } from './board-model';

const REPO = 'harbor.example.com/shop/orders';
const dep = (clusterId: string, name: string, group: string, replicas: number): DeploymentSummary => ({
  uid: `${clusterId}/${name}`,
  clusterId,
  namespace: 'shop',
  name,
  app: 'orders',
  group,
  replicas,
  readyReplicas: replicas,
  updatedReplicas: replicas,
  availableReplicas: replicas,
  images: [`${REPO}:2.4.0`],
  revision: '7',
  paused: false,
  rollout: 'done',
  rolloutMessage: '',
  createdAt: 0,
  resourceVersion: '1',
});
const pod = (clusterId: string, deployment: string, i: number, tag: string, extra: Partial<PodSummary> = {}): PodSummary =>
  fixturePod({
    uid: `${clusterId}/${deployment}-${i}`,
    clusterId,
    name: `${deployment}-${i}`,
    app: 'orders',
    group: undefined,
    deployment,
    images: [`${REPO}:${tag}`],
    createdAt: 0,
    ...extra,
  });

function started(): ExecutionState {
  const plan = fixturePlan({ gates: { approval: { beforeStage: true } } });
  let s = createExecution('r1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 1000);
  const r = applyEvent(s, { type: 'start', actor: 'a', at: 2000 });
  if (!r.ok) throw new Error(r.error.message);
  s = r.value;
  return s;
}

describe('release board model', () => {
  it('a Deployment from the saved snapshot shows its template version with the ready count it had, marked stale', () => {
    const stale = { ...dep('pro-west', 'orders-pro', 'pro', 4), readyReplicas: 3, staleAsOf: 1_000 };
    const line = buildBoard([stale], [], []).rows[0]!.cells.pro![0]!;
    expect(line).toMatchObject({ staleAsOf: 1_000, versions: [{ tag: '2.4.0', pods: 3 }], ready: 3, total: 4 });
    // A live row is never marked.
    expect(buildBoard([dep('pro-west', 'orders-pro', 'pro', 4)], [], []).rows[0]!.cells.pro![0]!.staleAsOf).toBeUndefined();
  });

  it('tags of image references', () => {
    expect(tagOf('localhost:5000/shop/orders:1.2.3@sha256:abc')).toBe('1.2.3');
    expect(tagOf('localhost:5000/shop/orders')).toBe('latest');
  });

  it('puts each Deployment in its app × group cell with a version histogram, health and release progress', () => {
    const deployments = [dep('fat', 'orders-fat', 'fat', 2), dep('pro-east-1', 'orders', 'pro', 3)];
    const pods = [
      pod('fat', 'orders-fat', 0, '2.4.1'),
      pod('fat', 'orders-fat', 1, '2.4.0', { status: 'CrashLoopBackOff', ready: false, restarts: 4, lastTerminationReason: 'OOMKilled' }),
      pod('pro-east-1', 'orders', 0, '2.4.0'),
    ];
    const board = buildBoard(deployments, pods, [started()]);
    expect(board.groups).toEqual(['fat', 'pro']);
    const fat = board.rows[0]!.cells.fat![0]!;
    expect(fat.versions).toEqual([
      { tag: '2.4.0', pods: 1 },
      { tag: '2.4.1', pods: 1 },
    ]);
    // A crash loop while rolling is "failing", not "rolling".
    expect(fat).toMatchObject({
      target: '2.4.1',
      ready: 1,
      total: 2,
      restarts: 4,
      oomKilled: 1,
      crashLooping: 1,
      state: 'failing',
      label: 'failing: crash loop',
    });
    expect(fat.progress).toContain('batch 1/');
    const pro = board.rows[0]!.cells.pro![0]!;
    expect(pro.state).toBe('idle');
  });

  it('lists what waits on a person, oldest first, and marks the cell as waiting', () => {
    let s = started();
    const fat = s.groups.find((g) => g.clusterId === 'fat')!;
    const r = applyEvent(s, { type: 'pause', group: fat.key, actor: 'a', at: 3000 });
    if (!r.ok) throw new Error(r.error.message);
    s = r.value;
    const needs = needsMeAll([s]);
    expect(needs[0]).toMatchObject({ kind: 'paused', group: fat.key, since: 3000, executionId: 'r1' });
    const line = buildBoard([dep('fat', 'orders-fat', 'fat', 2)], [], [s]).rows[0]!.cells.fat![0]!;
    expect(line).toMatchObject({ state: 'paused', waitingSince: 3000 });
  });

  describe('live truth', () => {
    const NEW = `${REPO}:2.4.1`;
    /** FAT (2 instances, 2 batches) succeeded; the stage bakes 10m (or `bake`). */
    function fatSucceeded(bake = '10m'): ExecutionState {
      const plan = fixturePlan({ gates: { approval: { beforeStage: true }, soak: { afterBatch: '1m' }, bake } });
      return replay(createExecution('r1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 1000), fatDoneEvents(), 2000, 'a');
    }
    const fatLine = (d: DeploymentSummary, pods: PodSummary[], s: ExecutionState) => buildBoard([d], pods, [s]).rows[0]!.cells.fat![0]!;
    const onTarget = { ...dep('fat', 'orders-fat', 'fat', 2), images: [NEW] };
    const healthy = [pod('fat', 'orders-fat', 0, '2.4.1'), pod('fat', 'orders-fat', 1, '2.4.1')];

    it('"done" only while the Deployment runs the target and is healthy; a bake counts down', () => {
      expect(fatLine(onTarget, healthy, fatSucceeded('0s')).state).toBe('done');
      const baking = fatLine(onTarget, healthy, fatSucceeded());
      expect(baking.state).toBe('baking');
      expect(baking.bakeUntil).toBe(fatSucceeded().bake!.since + 600_000);
      const crashing = fatLine(
        onTarget,
        [healthy[0]!, pod('fat', 'orders-fat', 1, '2.4.1', { status: 'CrashLoopBackOff', ready: false, restarts: 3 })],
        fatSucceeded('0s'),
      );
      expect(crashing.state).toBe('failing');
    });

    it('a Deployment running something else than the plan expects is diverged, with who changed it', () => {
      const undone = { ...dep('fat', 'orders-fat', 'fat', 2), specManager: 'kubectl-rollout', changeCause: 'rollback after pager' };
      const line = fatLine(undone, [pod('fat', 'orders-fat', 0, '2.4.0'), pod('fat', 'orders-fat', 1, '2.4.0')], fatSucceeded('0s'));
      expect(line.state).toBe('diverged');
      expect(line.label).toBe('diverged: running 2.4.0, plan expects 2.4.1 (changed by kubectl-rollout, "rollback after pager")');
    });

    it('a degraded group shows degraded, and the next stage says it waits for approval', () => {
      let s = fatSucceeded('0s');
      const r = applyEvent(s, {
        type: 'degraded',
        group: 'fat/shop/orders-fat',
        evidence: { what: 'oom', at: 9000, pod: 'orders-fat-1', restarts: 1, detail: 'pod orders-fat-1 was OOMKilled', healthySince: 5000 },
        actor: 'capstan',
        at: 9001,
      });
      if (!r.ok) throw new Error(r.error.message);
      s = r.value;
      const line = fatLine(onTarget, healthy, s);
      expect(line).toMatchObject({ state: 'degraded', label: 'degraded: OOMKilled', waitingSince: 9000 });
      const uat = buildBoard([dep('uat', 'orders-uat', 'uat', 2)], [], [fatSucceeded('0s')]).rows[0]!.cells.uat![0]!;
      expect(uat).toMatchObject({ state: 'waiting', label: 'waiting for approval' });
    });
  });
});
