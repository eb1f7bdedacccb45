/**
 * Issue 6's figures: 5,000 containers over 4 clusters sampled every 10 s.
 *  - live: the sandbox (scale 50 = 5,000 pods) in its own process, MetricsService over the real
 *    ClusterService in another; CPU per sample round (kubelet summaries of every node, parsing,
 *    history, top lists) and its average share of a core;
 *  - history: one hour (360 rounds) of 5,000 containers pushed through MetricsService on a fake
 *    clock with summaries parsed from JSON text as if from the wire; memory held, CPU per round,
 *    size and time of the persisted file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../src-shared/k8s/types';
import type { MetricsClusterSource } from '../src-main/metrics/cluster-source';
import { MetricsService } from '../src-main/metrics/metrics-service';
import { ok } from '../src-shared/result';
import { Child } from './child';

const CLUSTERS = 4;
const CONTAINERS = 5000;
const NODES_PER_CLUSTER = 13; // ~100 pods a node, as in the sandbox

function syntheticSource(now: () => number): MetricsClusterSource {
  const perCluster = CONTAINERS / CLUSTERS;
  const perNode = Math.ceil(perCluster / NODES_PER_CLUSTER);
  const podName = (c: number, i: number) => `app-${c}-${i}`;
  let round = 0;
  const summary = (c: number, n: number) => {
    const pods = [];
    for (let i = n * perNode; i < Math.min(perCluster, (n + 1) * perNode); i++) {
      const ws = 3e8 + ((i * 7919 + round * 1e6) % 2e8);
      pods.push({ podRef: { name: podName(c, i), namespace: 'shop' }, containers: [{ name: 'app', cpu: { time: new Date(now()).toISOString(), usageNanoCores: 1e8 + i, usageCoreNanoSeconds: 1e12 + round * 1e9 }, memory: { workingSetBytes: ws, rssBytes: ws * 0.9, usageBytes: ws * 1.1, pageFaults: 1, majorPageFaults: 0 } }] });
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
  const podsOf = (c: number): Pod[] => Array.from({ length: perCluster }, (_, i) => ({
    metadata: { namespace: 'shop', name: podName(c, i), labels: { 'app.kubernetes.io/name': `app${i % 50}` } },
    spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } } }] },
    status: { containerStatuses: [{ name: 'app', restartCount: i % 7 === 0 ? 1 : 0, ready: true, image: 'x', imageID: '', state: { running: {} }, lastState: i % 7 === 0 ? { terminated: { reason: 'OOMKilled', exitCode: 137 } } : {} }] },
  }) as unknown as Pod);
  return {
    ids: () => ids,
    nodeNames: () => Array.from({ length: NODES_PER_CLUSTER }, (_, n) => `n${n}`),
    acquire: () => () => {},
    onPods(l) {
      queueMicrotask(() => ids.forEach((id, c) => l(id, { kind: 'reset', pods: podsOf(c) })));
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

export async function historyHour() {
  let t = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-metrics-'));
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    const file = join(dir, 'metrics-history.bin');
    const m = new MetricsService(syntheticSource(() => t), { now: () => t, file, persistEveryMs: Number.POSITIVE_INFINITY });
    await new Promise((r) => setTimeout(r, 0));
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 360; i++) {
      await m.round();
      t += 10_000;
    }
    const cpu = process.cpuUsage(cpu0);
    gc?.();
    const after = process.memoryUsage();
    const s0 = performance.now();
    m.persist();
    const saveMs = performance.now() - s0;
    const l0 = performance.now();
    const again = new MetricsService({ ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} }, { now: () => t, file });
    again.start();
    const loadMs = performance.now() - l0;
    const restored = again.seriesCount;
    again.dispose();
    m.dispose();
    const mb = (b: number) => Math.round(b / 2 ** 20);
    return {
      containers: m.seriesCount,
      rounds: 360,
      ringBuffersMB: mb(m.historyBytes),
      heapPlusBuffersMB: mb(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers),
      measuredWithGc: !!gc,
      targetMB: 150,
      cpuMsPerRoundNoNetwork: Math.round(((cpu.user + cpu.system) / 1000 / 360) * 10) / 10,
      persistFileMB: Math.round((statSync(file).size / 2 ** 20) * 10) / 10,
      persistSaveMs: Math.round(saveMs),
      persistLoadMs: Math.round(loadMs),
      restoredSeries: restored,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function live(measureSeconds: number) {
  const sandbox = new Child('sandbox-process.ts', ['50']);
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ');
    const pods = Number(podsText);
    const metrics = new Child('metrics-process.ts', [kubeconfig!, String(Math.floor(pods * 0.9)), '10000']);
    try {
      await metrics.waitFor(/^ready /, 180_000);
      metrics.send(`measure ${measureSeconds}`);
      const r = JSON.parse(await metrics.waitFor(/^\{/)) as Record<string, number>;
      metrics.send('quit');
      return { pods, ...r, targetRoundCpuPercentOfCore: 2 };
    } finally {
      await metrics.stop();
    }
  } finally {
    await sandbox.stop();
  }
}

export async function run(opts: { measureSeconds?: number } = {}) {
  const history = await historyHour();
  const liveResult = await live(opts.measureSeconds ?? 40);
  return { live: liveResult, history };
}
