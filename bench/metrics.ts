/**
 * Metrics figures, at 5,000 and 50,000 containers over 4 clusters, 10 s wanted:
 *  - live: the sandbox (scale 50 / 500) in its own process, MetricsService over the real
 *    ClusterService in another; CPU per sample round (kubelet summaries of every node, parsing,
 *    history, top lists), the interval the pacing chose and the share of a core;
 *  - history: one hour of rounds pushed through MetricsService on a fake clock with summaries
 *    parsed from JSON text as if from the wire; memory held against the budget, who is at full
 *    resolution, CPU per round, size and time of the persisted file.
 * Synthetic containers: working sets flat with noise, 1 in 7 OOM-killed once (far more than a real
 * cluster: many containers for the budget to keep at full resolution).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import type { Pod } from '../src-shared/k8s/types';
import type { MetricsSettings } from '../src-shared/metrics/contract';
import type { MetricsClusterSource } from '../src-main/metrics/cluster-source';
import { MetricsService } from '../src-main/metrics/metrics-service';
import { ok } from '../src-shared/result';
import { Child } from './child';
import { podContainersOf } from '../src-shared/workloads/pod-containers';

const CLUSTERS = 4;
const PODS_PER_NODE = 100; // as in the sandbox

function syntheticSource(now: () => number, containers: number): MetricsClusterSource {
  const NODES_PER_CLUSTER = Math.ceil(containers / CLUSTERS / PODS_PER_NODE);
  const perCluster = containers / CLUSTERS;
  const perNode = Math.ceil(perCluster / NODES_PER_CLUSTER);
  const podName = (c: number, i: number) => `app-${c}-${i}`;
  let round = 0;
  const summary = (c: number, n: number) => {
    const pods = [];
    for (let i = n * perNode; i < Math.min(perCluster, (n + 1) * perNode); i++) {
      // Flat with ±5 MB of noise (a working set that neither nears its limit nor grows).
      const ws = 3e8 + ((i * 7919) % 2e8) + ((round * 37 + i) % 10) * 1e6;
      pods.push({
        podRef: { name: podName(c, i), namespace: 'shop' },
        containers: [
          {
            name: 'app',
            cpu: { time: new Date(now()).toISOString(), usageNanoCores: 1e8 + i, usageCoreNanoSeconds: 1e12 + round * 1e9 },
            memory: { workingSetBytes: ws, rssBytes: ws * 0.9, usageBytes: ws * 1.1, pageFaults: 1, majorPageFaults: 0 },
          },
        ],
      });
    }
    return JSON.stringify({ node: { nodeName: `n${n}` }, pods });
  };
  const ids = Array.from({ length: CLUSTERS }, (_, c) => `c${c}`);
  // Answers are generated up front (4 variants per node, cycled) so that building them is not
  // charged to the service; parsing them from text each round is, as with a real response.
  const VARIANTS = 4;
  const texts = Array.from({ length: VARIANTS }, (_, v) => {
    round = v;
    return ids.map((_, c) => Array.from({ length: NODES_PER_CLUSTER }, (_, n) => summary(c, n)));
  });
  round = 0;
  const podsOf = (c: number): Pod[] =>
    Array.from(
      { length: perCluster },
      (_, i) =>
        ({
          metadata: { namespace: 'shop', name: podName(c, i), labels: { 'app.kubernetes.io/name': `app${i % 50}` } },
          spec: {
            containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } } }],
          },
          status: {
            containerStatuses: [
              {
                name: 'app',
                restartCount: i % 7 === 0 ? 1 : 0,
                ready: true,
                image: 'x',
                imageID: '',
                state: { running: {} },
                lastState: i % 7 === 0 ? { terminated: { reason: 'OOMKilled', exitCode: 137 } } : {},
              },
            ],
          },
        }) as unknown as Pod,
    );
  return {
    ids: () => ids,
    nodeNames: () => Array.from({ length: NODES_PER_CLUSTER }, (_, n) => `n${n}`),
    acquire: () => () => {},
    onPods(l) {
      queueMicrotask(() => ids.forEach((id, c) => l(id, { kind: 'reset', pods: podsOf(c).map((p) => podContainersOf(p)) })));
      return () => {};
    },
    transport: (id) => ({
      async getJson<T>(path: string) {
        const c = Number(id.slice(1));
        const n = Number(/nodes\/n(\d+)\//.exec(path)?.[1] ?? -1);
        if (n === NODES_PER_CLUSTER - 1 && c === 0) round++;
        return ok(JSON.parse(n >= 0 ? texts[round % VARIANTS]![c]![n]! : '{"items":[]}') as T);
      },
      async openStream() {
        throw new Error('not used');
      },
    }),
  };
}

/** A forced GC, so that memory figures are what is held, not what is waiting to be collected. */
function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * One hour of `containers` containers through MetricsService on a fake clock, each round after the
 * interval the service chose (its pacing), with `settings` (e.g. a CPU share high enough to keep
 * 10 s: the worst case for memory).
 */
export async function historyHour(containers = 5000, settings: Partial<MetricsSettings> = {}) {
  const t0 = Date.now();
  let t = t0;
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-metrics-'));
  try {
    const gc = forcedGc();
    gc();
    const before = process.memoryUsage();
    const file = join(dir, 'metrics-history.bin');
    const m = new MetricsService(
      syntheticSource(() => t, containers),
      { now: () => t, file, persistEveryMs: Number.POSITIVE_INFINITY, settings: { get: () => settings, set: () => {} } },
    );
    await new Promise((r) => setTimeout(r, 0));
    const cpu0 = process.cpuUsage();
    let rounds = 0;
    const intervals = new Set<number>();
    while (t < t0 + 3_600_000) {
      await m.round();
      rounds++;
      intervals.add(m.intervalMs);
      t += m.intervalMs;
    }
    const cpu = process.cpuUsage(cpu0);
    gc();
    const after = process.memoryUsage();
    const s0 = performance.now();
    m.persist();
    const saveMs = performance.now() - s0;
    const l0 = performance.now();
    const again = new MetricsService(
      { ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} },
      { now: () => t, file },
    );
    again.start();
    const loadMs = performance.now() - l0;
    const restored = again.seriesCount;
    again.dispose();
    const status = m.historyStatusNow;
    m.dispose();
    const mb = (b: number) => Math.round(b / 2 ** 20);
    const roundCpuMs = (cpu.user + cpu.system) / 1000 / rounds;
    return {
      containers: m.seriesCount,
      settings,
      rounds,
      intervalsMs: [...intervals],
      cpuMsPerRoundNoNetwork: Math.round(roundCpuMs * 10) / 10,
      roundCpuPercentOfCoreNoNetwork: Math.round((roundCpuMs / m.intervalMs) * 1000) / 10,
      historyMB: mb(m.historyBytes),
      samplePoolAllocatedMB: mb(m.historyAllocatedBytes),
      heapPlusBuffersMB: mb(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers),
      rssMB: mb(after.rss),
      targetMB: 150,
      fullResolution: status.fullResolution,
      coarseBucketMs: status.coarseMs,
      fineMinutes: status.fineMinutes,
      overBudget: status.overBudget,
      persistFileMB: Math.round((statSync(file).size / 2 ** 20) * 10) / 10,
      persistSaveMs: Math.round(saveMs),
      persistLoadMs: Math.round(loadMs),
      restoredSeries: restored,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function live(scale: number, measureSeconds: number) {
  const sandbox = new Child('sandbox-process.ts', [String(scale)]);
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ');
    const pods = Number(podsText);
    const metrics = new Child('metrics-process.ts', [kubeconfig!, String(Math.floor(pods * 0.9)), '10000']);
    try {
      await metrics.waitFor(/^ready /, 600_000);
      metrics.send(`measure ${measureSeconds}`);
      const r = JSON.parse(await metrics.waitFor(/^\{/, 600_000)) as Record<string, number>;
      metrics.send('quit');
      return { pods, measureSeconds, ...r, targetRoundCpuPercentOfCore: 2 };
    } finally {
      await metrics.stop();
    }
  } finally {
    await sandbox.stop();
  }
}

/**
 * `npm run bench -- metrics`: the hour of history at 5,000 and 50,000 containers (at 50,000 once
 * with the pacing as shipped and once held at 10 s, the worst case for memory), then live rounds
 * over HTTPS against the sandbox at 5,000 and 50,000 pods.
 */
export async function run(opts: { measureSeconds?: number } = {}) {
  const history = {
    c5000: await historyHour(5000),
    c50000: await historyHour(50_000),
    c50000At10s: await historyHour(50_000, { maxCpuPercent: 50 }),
  };
  const live5000 = await live(50, opts.measureSeconds ?? 40);
  // Rounds at 50,000 are a minute or more apart once paced: measure over several of them.
  const live50000 = await live(500, 200);
  return { live: { pods5000: live5000, pods50000: live50000 }, history };
}
