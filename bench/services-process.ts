/**
 * Capstan's main-process services alone (the real composition root, no window), in their own
 * process so that RSS and CPU are ours only. Connects to every cluster of the kubeconfig given as
 * argv[2], subscribes like the renderer does, prints `synced <ms>` once every cluster's pods and
 * deployments are in, then answers `measure <seconds>` with a JSON line of CPU and delivery rates.
 * foundation.ts runs it as an esbuild bundle with plain node (what ships), not through tsx.
 * With argv[4] = `foundation`, only the foundation's services are built (kubeconfig,
 * clusters, workloads: no metrics, logs, releases, images), to tell their share of the figures.
 * `kinds` (every service) watches what the troubleshooting views add: the events view, the
 * ConfigMap, Secret and Service tables across clusters, and the palette's live names (every kind);
 * prints `kinds <ms> <n>` once all are listed (n: palette names indexed, or rows received when
 * the palette is not part). `kinds events|tables|palette` watches one part only (one after the
 * other, with `memory gc` between, tells each part's share). `palette` then types five queries a character at a time
 * through the palette channel and prints the times main reports per keystroke (JSON).
 * Diagnostics: `memory [gc]` prints where the RSS goes (V8 spaces, off-heap buffers); `snapshot
 * FILE` writes a heap snapshot; `profile start` / `profile stop FILE` record a CPU profile (.cpuprofile)
 * of what runs in between (answers `profile started` / `profile FILE`), and `gcstats` prints V8's
 * collections since the last `gcstats` (count and ms per kind).
 */
import { tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import type { Logger } from '../src-main/ipc/logger';
import type { ClusterInfo } from '../src-shared/clusters/contract';
import type { WorkloadDiff } from '../src-shared/workloads/contract';

type Stream = (params: object, emit: (e: unknown) => void, ctx: { senderId: string; signal: AbortSignal }) => unknown;
interface BenchServices {
  handlers: {
    'events.subscribe'?: Stream;
    'resources.subscribe'?: Stream;
    'palette.search'?(req: {
      query: string;
      limit?: number;
    }): Promise<{ ok: boolean; value?: { pending: number; indexed: number; tookMs: number } }>;
    'clusters.watch'(
      params: object,
      emit: (e: { clusters: ClusterInfo[] }) => void,
      ctx: { senderId: string; signal: AbortSignal },
    ): unknown;
    'workloads.subscribe'(
      params: object,
      emit: (e: { diffs: WorkloadDiff[] }) => void,
      ctx: { senderId: string; signal: AbortSignal },
    ): unknown;
  };
  dispose(): void;
  /** With every service: the metrics rounds (interval the pacing chose, rounds so far, their CPU). */
  metrics?: { intervalMs: number; rounds: number; cpuMicros: number; historyBytes: number; historyProjectedBytes: number };
}

const kubeconfig = process.argv[2]!;
const expectedPods = Number(process.argv[3]);
const quiet: Logger = { info() {}, warn() {}, error() {} };
const started = performance.now();

/** The foundation alone, wired as composition.ts wires it (acquire every cluster, subscribe to all). */
async function foundationServices(): Promise<BenchServices> {
  const { KubeconfigService } = await import('../src-main/clusters/kubeconfig-service');
  const { ClusterService } = await import('../src-main/clusters/cluster-service');
  const { WorkloadService } = await import('../src-main/workloads/workload-service');
  const kc = new KubeconfigService({ settings: { get: () => [kubeconfig], set() {} }, noDefaultSources: true, log() {} });
  kc.start();
  const clusters = new ClusterService(kc, {});
  const workloads = new WorkloadService(clusters, {});
  return {
    handlers: {
      'clusters.watch': (_params, emit) => {
        for (const id of clusters.ids()) clusters.acquire(id);
        clusters.onDidChangeClusters((list) => emit({ clusters: list }));
      },
      'workloads.subscribe': (_params, emit) => workloads.subscribe(undefined, (diffs) => emit({ diffs })),
    },
    dispose() {
      workloads.dispose();
      clusters.dispose();
      kc.dispose();
    },
  };
}

async function allServices(): Promise<BenchServices> {
  const { createServices } = await import('../src-main/app/composition');
  const { TestCipher } = await import('../src-main/vault/cipher');
  return createServices({
    kubeconfigPaths: [kubeconfig],
    userDataDir: mkdtempSync(join(tmpdir(), 'capstan-bench-data-')),
    cipher: new TestCipher(),
    transport: 'browser',
    logger: quiet,
    env: {},
    // Diagnostics: BENCH_NO_TEAM=1 leaves team releases off (what their polling costs when idle).
    ...(process.env.BENCH_NO_TEAM ? { releases: { team: undefined } } : {}),
  }) as unknown as BenchServices;
}

const services = process.argv[4] === 'foundation' ? await foundationServices() : await allServices();

const ctx = (id: string) => ({ senderId: id, signal: new AbortController().signal });
const podCounts = new Map<string, Set<string>>();
let deliveries = 0;
let items = 0;
let synced = false;
let peakRss = 0;
/** The highest RSS sampled since the last `measure` began (a phase's own peak, not the process's). */
let windowPeakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  windowPeakRss = Math.max(windowPeakRss, rss);
};
// Every 100 ms, except in a `measure <seconds> idle` window: ten wakeups a second are the harness's
// own CPU, not the app's (a bare Node waking every 100 ms uses 0.3–0.7 % of a core on the 2-core
// bench machine), and the process's peak is the kernel's high-water mark (maxRSS) anyway.
let rssSampler: ReturnType<typeof setInterval> | undefined;
const sampleRssEvery100ms = (on: boolean) => {
  clearInterval(rssSampler);
  rssSampler = on ? setInterval(sampleRss, 100).unref() : undefined;
};
sampleRssEvery100ms(true);
// MEM_TRACE=1: RSS, heap and buffers every second on stderr (where the peak comes from).
if (process.env.MEM_TRACE) {
  setInterval(() => {
    const m = process.memoryUsage();
    const MB = (n: number) => Math.round(n / 1e6);
    process.stderr.write(
      `mem ${Math.round(performance.now() - started)} ms: rss ${MB(m.rss)} heapUsed ${MB(m.heapUsed)} heapTotal ${MB(m.heapTotal)} external ${MB(m.external)} arrayBuffers ${MB(m.arrayBuffers)} newSpace ${MB(v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0)}${synced ? ' synced' : ''}\n`,
    );
  }, 1000).unref();
}

const apply = (diff: WorkloadDiff) => {
  if (diff.kind !== 'Pod') return;
  let set = podCounts.get(diff.clusterId);
  if (!set || diff.reset) podCounts.set(diff.clusterId, (set = new Set()));
  for (const p of diff.upserts) set.add(p.uid);
  for (const uid of diff.deletes) set.delete(uid);
};
await services.handlers['clusters.watch']({}, () => {}, ctx('bench'));
await services.handlers['workloads.subscribe'](
  {},
  (event) => {
    deliveries++;
    for (const diff of event.diffs) {
      items += diff.upserts.length + diff.deletes.length;
      apply(diff);
    }
    const total = [...podCounts.values()].reduce((n, s) => n + s.size, 0);
    if (!synced && total >= expectedPods) {
      synced = true;
      console.log(`synced ${Math.round(performance.now() - started)}`);
    }
  },
  ctx('bench'),
);

/** What the troubleshooting views keep open: events, three kinds' tables, the palette's live names. */
async function watchKinds(part = 'all') {
  const t0 = performance.now();
  const h = services.handlers;
  const want = (p: string) => part === 'all' || part === p;
  // Each subscription is listed once every cluster has sent it a synced diff.
  let rows = 0;
  const listed: Set<string>[] = [];
  const follow = () => {
    const seen = new Set<string>();
    listed.push(seen);
    return (e: unknown) => {
      for (const d of (e as { diffs: { clusterId: string; synced: boolean; upserts: unknown[] }[] }).diffs) {
        if (d.synced) seen.add(d.clusterId);
        rows += d.upserts.length;
      }
    };
  };
  if (want('events')) await h['events.subscribe']!({}, follow(), ctx('bench-kinds'));
  if (want('tables'))
    for (const resource of ['configmaps', 'secrets', 'services'])
      await h['resources.subscribe']!({ type: { group: '', version: 'v1', resource } }, follow(), ctx('bench-kinds'));
  while (listed.some((s) => s.size < podCounts.size)) await new Promise((res) => setTimeout(res, 100));
  if (!want('palette')) return console.log(`kinds ${Math.round(performance.now() - t0)} ${rows}`);
  for (;;) {
    const r = await h['palette.search']!({ query: 'bench', limit: 10 });
    if (r.ok && r.value!.pending === 0 && r.value!.indexed > 0) {
      console.log(`kinds ${Math.round(performance.now() - t0)} ${r.value!.indexed}`);
      return;
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function typePalette() {
  const times: number[] = [];
  for (const q of ['catalog-pro-east', 'payments-3', 'kube-root', 'orders fat', 'bench-configmap-19', 'zzz-not-there']) {
    for (let i = 1; i <= q.length; i++) {
      const r = await services.handlers['palette.search']!({ query: q.slice(0, i), limit: 30 });
      if (r.ok) times.push(r.value!.tookMs);
      // A person types about 8 characters a second: the watches' changes land between keystrokes.
      await new Promise((res) => setTimeout(res, 120));
    }
  }
  const pct = (p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor((times.length * p) / 100))]!;
  console.log(
    JSON.stringify({
      palette: { keystrokes: times.length, p50Ms: +pct(50).toFixed(2), p95Ms: +pct(95).toFixed(2), maxMs: +Math.max(...times).toFixed(2) },
    }),
  );
}

let session: Session | undefined;
async function profile(what: string, file?: string) {
  if (what === 'start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    console.log('profile started');
  } else if (session && file) {
    const { profile: p } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    writeFileSync(file, JSON.stringify(p));
    console.log(`profile ${file}`);
  }
}

/** Collections by kind (count, ms), for the idle probe: is a window's CPU V8's or ours? */
const gcStats: Record<string, { n: number; ms: number }> = {};
const gcKinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb', 16: 'minor-ms' };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = gcKinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'other';
    const s = (gcStats[kind] ??= { n: 0, ms: 0 });
    s.n++;
    s.ms = Math.round((s.ms + e.duration) * 10) / 10;
  }
}).observe({ entryTypes: ['gc'] });

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'measure') {
    const seconds = Number(arg);
    const idle = line.trim().split(/\s+/)[2] === 'idle';
    if (idle) sampleRssEvery100ms(false);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const d0 = deliveries;
    const i0 = items;
    windowPeakRss = process.memoryUsage().rss;
    const gc0 = structuredClone(gcStats);
    setTimeout(() => {
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - t0;
      if (idle) {
        sampleRss();
        sampleRssEvery100ms(true);
      }
      console.log(
        JSON.stringify({
          cpuPercentOfCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
          deliveriesPerSecond: Math.round(((deliveries - d0) / (wallMs / 1000)) * 10) / 10,
          itemsPerSecond: Math.round((items - i0) / (wallMs / 1000)),
          rssMB: Math.round(process.memoryUsage().rss / 1e6),
          heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
          arrayBuffersMB: Math.round(process.memoryUsage().arrayBuffers / 1e6),
          peakRssMB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1e6),
          windowPeakRssMB: Math.round(windowPeakRss / 1e6),
          ...(services.metrics
            ? {
                metricsIntervalMs: services.metrics.intervalMs,
                metricsRounds: services.metrics.rounds,
                metricsCpuMsPerRound: Math.round(services.metrics.cpuMicros / Math.max(1, services.metrics.rounds) / 1000),
                metricsHistoryMB: Math.round(services.metrics.historyBytes / 1e6),
                metricsHistoryProjectedMB: Math.round(services.metrics.historyProjectedBytes / 1e6),
              }
            : {}),
          // V8's full collections in the window (a window's CPU may be V8's, not ours).
          majorGcs: (gcStats.major?.n ?? 0) + (gcStats.incremental?.n ?? 0) - (gc0.major?.n ?? 0) - (gc0.incremental?.n ?? 0),
        }),
      );
    }, seconds * 1000);
  } else if (cmd === 'kinds') {
    void watchKinds(arg);
  } else if (cmd === 'palette') {
    void typePalette();
  } else if (cmd === 'memory') {
    // Where the RSS goes: V8 heap spaces (size committed vs used), off-heap buffers, and the rest
    // (code, native allocations). `memory gc` collects first (needs --expose-gc).
    if (arg === 'gc') (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const MB = (n: number) => Math.round(n / 1e5) / 10;
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { sizeMB: MB(s.space_size), usedMB: MB(s.space_used_size) }]),
    );
    console.log(
      JSON.stringify({
        memory: {
          rssMB: MB(m.rss),
          heapTotalMB: MB(m.heapTotal),
          heapUsedMB: MB(m.heapUsed),
          externalMB: MB(m.external),
          arrayBuffersMB: MB(m.arrayBuffers),
          peakRssMB: MB(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
          spaces,
        },
      }),
    );
  } else if (cmd === 'rounds') {
    // Metrics rounds done so far (the foundation bench starts idle once start-up's are).
    console.log(`rounds ${services.metrics?.rounds ?? -1}`);
  } else if (cmd === 'profile') {
    void profile(arg!, line.trim().split(/\s+/)[2]);
  } else if (cmd === 'gcstats') {
    console.log(`gcstats ${JSON.stringify(gcStats)}`);
    for (const k of Object.keys(gcStats)) delete gcStats[k];
  } else if (cmd === 'snapshot') {
    console.log(`snapshot ${v8.writeHeapSnapshot(arg)}`);
  } else if (cmd === 'quit') {
    services.dispose();
    process.exit(0);
  }
});
