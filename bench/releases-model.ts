/**
 * The release board's model alone, in Node (src-renderer/features/releases/board-model.ts): 500 apps
 * × 4 groups over 4 clusters (2,000 Deployments, 50,000 pods), no execution.
 *  - first full board from the synced lists;
 *  - one pod changes (a new array, as the store's bridge delivers it) → board rebuilt: p50/p95;
 *  - heap held by one board.
 * The model's share of the end-to-end figures that bench/releases.ts measures in Chromium.
 */
import { buildBoard } from '../src-renderer/features/releases/board-model';
import type { ExecutionState } from '../src-shared/releases/execution-model';
import { pod } from '../src-shared/testing/fixtures';
import type { DeploymentSummary, PodSummary } from '../src-shared/workloads/contract';

const placements: [group: string, cluster: string][] = [
  ['fat', 'fat'],
  ['uat', 'uat'],
  ['pro', 'pro-east'],
  ['pro', 'pro-west'],
];

function synthetic(apps: number, podsPerDeployment: number) {
  const deployments: DeploymentSummary[] = [];
  const pods: PodSummary[] = [];
  for (let a = 0; a < apps; a++) {
    for (const [group, clusterId] of placements) {
      const name = `app${a}-${group}`;
      deployments.push({
        uid: `${clusterId}/${name}`,
        clusterId,
        namespace: 'shop',
        name,
        app: `app${a}`,
        group,
        replicas: podsPerDeployment,
        readyReplicas: podsPerDeployment,
        updatedReplicas: podsPerDeployment,
        availableReplicas: podsPerDeployment,
        images: [`h/shop/app${a}:1.0.0`],
        revision: '1',
        paused: false,
        rollout: 'done',
        rolloutMessage: '',
        createdAt: 0,
        resourceVersion: '1',
      });
      for (let p = 0; p < podsPerDeployment; p++) {
        pods.push(
          pod({
            uid: `${clusterId}/${name}-${p}`,
            clusterId,
            name: `${name}-${p}`,
            app: `app${a}`,
            group,
            deployment: name,
            images: [`h/shop/app${a}:1.0.0`],
            createdAt: 0,
          }),
        );
      }
    }
  }
  return { deployments, pods };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export async function run(opts: { apps?: number; podsPerDeployment?: number; changes?: number } = {}) {
  const { deployments, pods } = synthetic(opts.apps ?? 500, opts.podsPerDeployment ?? 25);
  const executions: ExecutionState[] = [];
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  let board = buildBoard(deployments, pods, executions);
  const firstBoardMs = performance.now() - t;
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const times: number[] = [];
  let current = pods;
  for (let i = 0; i < (opts.changes ?? 200); i++) {
    const k = (i * 7919) % current.length;
    const next = current.slice();
    next[k] = { ...current[k]!, restarts: current[k]!.restarts + 1, resourceVersion: String(i + 2) };
    current = next;
    t = performance.now();
    board = buildBoard(deployments, current, executions);
    times.push(performance.now() - t);
  }
  return {
    deployments: deployments.length,
    pods: pods.length,
    rows: board.rows.length,
    firstBoardMs: Math.round(firstBoardMs),
    podChangeToBoardMs: { p50: Math.round(pct(times, 50)), p95: Math.round(pct(times, 95)), target: 200 },
    boardHeapMB: Math.round(heapMB),
  };
}
