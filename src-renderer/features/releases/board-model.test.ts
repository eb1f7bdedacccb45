import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../../src-shared/releases/execution-model';
import { fixturePlan, fixtureSnapshot } from '../../../src-shared/releases/fixtures';
import { resolvePlan } from '../../../src-shared/releases/resolve';
import type { DeploymentSummary, PodSummary } from '../../../src-shared/workloads/contract';
import { buildBoard, needsMeAll, tagOf } from './board-model';

const REPO = 'harbor.example.com/shop/orders';
const dep = (clusterId: string, name: string, group: string, replicas: number): DeploymentSummary => ({
  uid: `${clusterId}/${name}`, clusterId, namespace: 'shop', name, app: 'orders', group, replicas, readyReplicas: replicas, updatedReplicas: replicas,
  availableReplicas: replicas, images: [`${REPO}:2.4.0`], revision: '7', paused: false, rollout: 'done', rolloutMessage: '', createdAt: 0, resourceVersion: '1',
});
const pod = (clusterId: string, deployment: string, i: number, tag: string, extra: Partial<PodSummary> = {}): PodSummary => ({
  uid: `${clusterId}/${deployment}-${i}`, clusterId, namespace: 'shop', name: `${deployment}-${i}`, app: 'orders', deployment, phase: 'Running', status: 'Running',
  readyContainers: 1, totalContainers: 1, ready: true, restarts: 0, images: [`${REPO}:${tag}`], createdAt: 0, deleting: false, resourceVersion: '1', ...extra,
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
    expect(fat.versions).toEqual([{ tag: '2.4.0', pods: 1 }, { tag: '2.4.1', pods: 1 }]);
    expect(fat).toMatchObject({ target: '2.4.1', ready: 1, total: 2, restarts: 4, oomKilled: 1, crashLooping: 1, state: 'rolling' });
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
});
