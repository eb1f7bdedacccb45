import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-shared/result';
import type { MetricsHistory } from './history';
import { newClusterState, sampleClusters, type ClusterState } from './sample-round';
import { newSamplerState, sampleCluster } from './sampler';
import { readMetricsApi, type MetricsTransport } from './sources';

const NODES = 40;
const nodes = Array.from({ length: NODES }, (_, n) => `n${n}`);

/** 40 nodes, one pod each; metrics.k8s.io answers (or 403s), every kubelet summary answers. */
function cluster(apiForbidden = false) {
  const paths: string[] = [];
  const t: MetricsTransport = {
    async getJson<T>(path: string) {
      paths.push(path);
      if (path.startsWith('/apis/metrics.k8s.io')) {
        if (apiForbidden) return err('cluster-forbidden', 'forbidden', { status: 403 });
        return ok({
          items: nodes.map((_, n) => ({
            metadata: { namespace: 'shop', name: `p${n}` },
            containers: [{ name: 'app', usage: { cpu: '100m', memory: '100Mi' } }],
          })),
        } as T);
      }
      const n = Number(/nodes\/n(\d+)\//.exec(path)![1]);
      return ok({
        pods: [
          {
            podRef: { namespace: 'shop', name: `p${n}` },
            containers: [
              {
                name: 'app',
                cpu: { usageNanoCores: 1e8, usageCoreNanoSeconds: 5e9, time: '2026-01-01T00:00:00Z' },
                memory: { workingSetBytes: 104857600, rssBytes: 9e7 },
              },
            ],
          },
        ],
      } as T);
    },
  };
  return { t, paths };
}

describe('sampleCluster at scale', () => {
  it('reads the fleet from metrics.k8s.io and kubelet summaries only for the nodes someone looks at', async () => {
    const { t, paths } = cluster();
    const r = await sampleCluster(t, nodes, newSamplerState(), 0, { timeoutMs: 1000, concurrency: 4, detailNodes: new Set(['n3']) });
    expect(paths).toEqual(['/apis/metrics.k8s.io/v1beta1/pods', '/api/v1/nodes/n3/proxy/stats/summary']);
    expect(r.readings).toHaveLength(NODES);
    const p3 = r.readings.filter((x) => x.reading.pod === 'p3');
    expect(p3.map((x) => [x.source, x.reading.rss])).toEqual([['kubelet-summary', 9e7]]);
    expect(r.readings.filter((x) => x.source === 'metrics-api')).toHaveLength(NODES - 1);
  });

  it("falls back to every node's summary when metrics.k8s.io cannot be read, and small clusters keep the summaries", async () => {
    const forbidden = cluster(true);
    const r = await sampleCluster(forbidden.t, nodes, newSamplerState(), 0, { timeoutMs: 1000, concurrency: 4 });
    expect(r.readings.every((x) => x.source === 'kubelet-summary')).toBe(true);
    expect(r.readings).toHaveLength(NODES);
    const small = cluster();
    await sampleCluster(small.t, nodes.slice(0, 10), newSamplerState(), 0, { timeoutMs: 1000, concurrency: 4 });
    expect(small.paths.filter((p) => p.includes('/stats/summary'))).toHaveLength(10);
  });
});

describe('a round spread over the interval', () => {
  it('samples the clusters one after another, k/n of the way in, each recorded at its own time', async () => {
    const { t } = cluster();
    const source = {
      ids: () => ['a', 'b', 'c'],
      transport: () => t as never,
      nodeNames: () => nodes.slice(0, 2),
      onPods: () => () => {},
      acquire: () => () => {},
    };
    const recorded: [string, number][] = [];
    const history = { record: (id: string, at: number) => void recorded.push([id, at]) } as unknown as MetricsHistory;
    const states = new Map<string, ClusterState>();
    const state = (id: string) => states.get(id) ?? (states.set(id, newClusterState()), states.get(id)!);
    const t0 = performance.now();
    const micros = await sampleClusters(
      source,
      state,
      history,
      { intervalMs: 10_000, historyMinutes: 60, historyBudgetMB: 150, maxCpuPercent: 1, prometheus: {} },
      { timeoutMs: 1000, concurrency: 2, now: () => performance.now(), spreadMs: 600 },
    );
    expect(micros).toBeGreaterThan(0);
    const firstAt = (id: string) => recorded.find(([x]) => x === id)![1] - t0;
    // Each cluster's samples carry the time it was read: b a third of the way in, c two thirds.
    expect(firstAt('b')).toBeGreaterThanOrEqual(190); // timers may fire a little early
    expect(firstAt('c')).toBeGreaterThanOrEqual(390);
    expect(firstAt('a')).toBeLessThan(firstAt('b'));
  });
});

describe('metrics.k8s.io streamed', () => {
  it('parses the pod list item by item as it arrives, across chunk boundaries', async () => {
    const body = JSON.stringify({
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: nodes.map((_, n) => ({
        metadata: { namespace: 'shop', name: `p${n}` },
        containers: [{ name: 'app', usage: { cpu: '250m', memory: `${n + 1}Mi` } }],
      })),
    });
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 37) chunks.push(Buffer.from(body.slice(i, i + 37)));
    let getJsonCalls = 0;
    const t = {
      async getJson<T>(): Promise<Result<T>> {
        getJsonCalls++;
        return err('internal', 'not used');
      },
      openStream: async () => ok(Readable.from(chunks)),
    };
    const r = await readMetricsApi(t, 1000);
    expect(getJsonCalls).toBe(0);
    if ('status' in r) throw new Error(r.status.message);
    expect(r.readings).toHaveLength(NODES);
    expect(r.readings[39]).toMatchObject({ pod: 'p39', container: 'app', cpu: 0.25, ws: 40 * 2 ** 20 });
    // A truncated answer is said plainly, not taken as a short list.
    const cut = await readMetricsApi({ ...t, openStream: async () => ok(Readable.from(chunks.slice(0, 20))) }, 1000);
    expect('status' in cut && cut.status.message).toMatch(/could not read/);
  });
});
