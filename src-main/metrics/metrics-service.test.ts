/**
 * MetricsService under its memory budget, through its real code paths (sampler, history, top
 * lists, budget, persistence) with a fake cluster that answers kubelet summaries: 3,000 containers
 * for 17 minutes at 10 s with a 16 MB budget, which full resolution would exceed at steady state.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import type { MetricsTop } from '../../src-shared/metrics/contract';
import { ok } from '../../src-shared/result';
import type { MetricsClusterSource } from './cluster-source';
import { MetricsService } from './metrics-service';
import { podContainersOf } from '../../src-shared/workloads/pod-containers';

const PODS = 3000;
const NODES = 30;
const name = (i: number) => `app-${i}`;

/** Pod 0 leaks towards its 1 GiB limit; every 100th pod was OOM-killed before we started. */
function fakeCluster(now: () => number): MetricsClusterSource {
  let round = 0;
  const pods: Pod[] = Array.from(
    { length: PODS },
    (_, i) =>
      ({
        metadata: { namespace: 'shop', name: name(i), labels: { 'app.kubernetes.io/name': 'shop' } },
        spec: { containers: [{ name: 'app', image: 'x', resources: { limits: { memory: '1Gi' } } }] },
        status: {
          containerStatuses: [
            {
              name: 'app',
              restartCount: i % 100 === 0 ? 1 : 0,
              ready: true,
              image: 'x',
              imageID: '',
              state: { running: {} },
              lastState: i % 100 === 0 ? { terminated: { reason: 'OOMKilled', exitCode: 137 } } : {},
            },
          ],
        },
      }) as unknown as Pod,
  );
  const perNode = PODS / NODES;
  return {
    ids: () => ['c'],
    nodeNames: () => Array.from({ length: NODES }, (_, n) => `n${n}`),
    acquire: () => () => {},
    onPods(l) {
      queueMicrotask(() => l('c', { kind: 'reset', pods: pods.map((p) => podContainersOf(p)) }));
      return () => {};
    },
    transport: () => ({
      async getJson<T>(path: string) {
        const n = Number(/nodes\/n(\d+)\//.exec(path)?.[1] ?? -1);
        if (n < 0) return ok({ items: [] } as T);
        if (n === 0) round++;
        const list = [];
        for (let i = n * perNode; i < (n + 1) * perNode; i++) {
          const ws = i === 0 ? 2e8 + round * 4e6 : 3e8 + ((i * 7919 + round * 1e6) % 1e7);
          list.push({
            podRef: { name: name(i), namespace: 'shop' },
            containers: [
              {
                name: 'app',
                cpu: { time: new Date(now()).toISOString(), usageNanoCores: 1e8 },
                memory: { workingSetBytes: ws, rssBytes: ws },
              },
            ],
          });
        }
        return ok({ pods: list } as T);
      },
      async openStream() {
        throw new Error('not used');
      },
    }),
  };
}

describe('MetricsService under a memory budget', () => {
  it('keeps interesting containers at full resolution, the rest coarser, within the budget, and saves a bounded file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-metrics-budget-'));
    try {
      let t = Date.UTC(2026, 0, 1);
      const file = join(dir, 'h.bin');
      const m = new MetricsService(
        fakeCluster(() => t),
        {
          now: () => t,
          file,
          persistEveryMs: Number.POSITIVE_INFINITY,
          settings: { get: () => ({ historyBudgetMB: 16, maxCpuPercent: 50 }), set: () => {} },
        },
      );
      let top: MetricsTop | undefined;
      const stop = m.subscribe(10, (x) => (top = x));
      await new Promise((r) => setTimeout(r, 0));
      const start = t;
      for (let i = 0; i < 100; i++) {
        await m.round();
        t += 10_000;
      }
      const rounds = (t - start) / 10_000;
      expect(m.intervalMs).toBe(10_000);
      expect(top!.history).toMatchObject({ containers: PODS, budgetBytes: 16 * 2 ** 20, overBudget: false });
      expect(top!.history.coarseMs).toBeGreaterThan(0);
      expect(top!.history.bytes).toBeLessThanOrEqual(16 * 2 ** 20);
      expect(top!.pacing).toMatchObject({ wantedMs: 10_000, intervalMs: 10_000, containers: PODS });

      // The leaking container (growing, near its limit, at the top of the lists) and an OOM-killed
      // one have every sample; a quiet one has its recent minutes as taken and buckets before.
      const full = (pod: number) => m.series({ clusterId: 'c', namespace: 'shop', pod: name(pod), container: 'app' });
      const leak = full(0);
      const oom = full(100);
      const quiet = full(7);
      if (!leak.ok || !oom.ok || !quiet.ok) throw new Error('missing series');
      expect(leak.value.t).toHaveLength(rounds);
      expect(oom.value.t).toHaveLength(rounds);
      expect(quiet.value.t.length).toBeLessThanOrEqual(61 + Math.ceil((rounds - 61) / 6) + 1); // 10 min as taken, 1-min buckets before
      expect(quiet.value.t.at(-1)).toBe(t - 10_000);
      // Its buckets keep the highest working set of what they merged.
      expect(Math.max(...quiet.value.workingSet.map(Number))).toBeGreaterThan(3e8 + 0.9e7);

      // Charting the quiet one brings it back to full resolution from the next round on.
      for (let i = 0; i < 5; i++) {
        await m.round();
        t += 10_000;
      }
      const after = full(7);
      if (!after.ok) throw new Error('missing series');
      expect(after.value.t.filter((x) => x >= t - 50_000)).toHaveLength(5);

      m.persist();
      // A service disposed before it started (the launch gate still closed) leaves the file alone.
      const savedSize = statSync(file).size;
      new MetricsService(
        { ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} },
        { file, now: () => t },
      ).dispose();
      expect(statSync(file).size).toBe(savedSize);
      // Quiet containers are saved as 2-minute buckets: far less than the memory held.
      expect(statSync(file).size).toBeLessThan(top!.history.bytes / 2);
      stop();
      m.dispose();
      const again = new MetricsService(
        { ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} },
        { file, now: () => t },
      );
      again.start();
      expect(again.seriesCount).toBe(PODS);
      const restored = again.series({ clusterId: 'c', namespace: 'shop', pod: name(100), container: 'app' });
      expect(restored.ok && restored.value.t.length).toBe(oom.value.t.length + 5);
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a round the pacing stretched', () => {
  /** Two clusters of one node and one pod each; records when each cluster is read. */
  function twoClusters(read: Map<string, number>): MetricsClusterSource {
    return {
      ids: () => ['a', 'b'],
      nodeNames: () => ['n0'],
      acquire: () => () => {},
      onPods: () => () => {},
      transport: (id) => ({
        async getJson<T>() {
          read.set(id, performance.now());
          const container = { name: 'app', cpu: { time: new Date().toISOString(), usageNanoCores: 1e8 }, memory: { workingSetBytes: 1e8 } };
          return ok({ pods: [{ podRef: { name: 'p', namespace: 'shop' }, containers: [container] }] } as T);
        },
        async openStream() {
          throw new Error('not used');
        },
      }),
    };
  }

  it('reads its clusters one slot apart, then makes the top lists and only a slot later plans the budget and sends them', async () => {
    const read = new Map<string, number>();
    const m = new MetricsService(twoClusters(read), {
      settings: { get: () => ({ intervalMs: 100 }), set: () => {} },
    });
    // The pacing stretched the interval to 1.2 s (what a round at scale costs): 2 clusters + 2 end
    // slots = 4 slots of 300 ms. (The pacer's own arithmetic is tested in pacing.test.ts.)
    Object.defineProperty(m, 'intervalMs', { get: () => 1200 });
    const topAt: number[] = [];
    const internals = m as unknown as { computeTop: (...a: unknown[]) => unknown };
    const computeTop = internals.computeTop.bind(m);
    internals.computeTop = (...a) => {
      topAt.push(performance.now());
      return computeTop(...a);
    };
    const sentAt: number[] = [];
    let sent: MetricsTop | undefined;
    const stop = m.subscribe(5, (t) => {
      sentAt.push(performance.now());
      sent = t;
    });
    topAt.length = 0;
    sentAt.length = 0;
    const t0 = performance.now();
    await m.round();
    // Timers never fire early (1 ms of rounding allowed); a busy machine only makes slots later.
    const at = (t: number | undefined) => (t ?? Number.NaN) - t0;
    expect(at(read.get('a'))).toBeLessThan(300);
    expect(at(read.get('b'))).toBeGreaterThanOrEqual(299);
    expect(topAt).toHaveLength(1);
    expect(at(topAt[0])).toBeGreaterThanOrEqual(599);
    expect(sentAt).toHaveLength(1);
    expect(at(sentAt[0])).toBeGreaterThanOrEqual(899);
    // What was sent is the round's: both clusters' containers, with the history's status as planned.
    expect(sent!.lists.memory.map((r) => r.clusterId).sort()).toEqual(['a', 'b']);
    expect(sent!.history).toMatchObject({ containers: 2 });
    expect(m.rounds).toBe(1);
    stop();
    m.dispose();
  });
});
