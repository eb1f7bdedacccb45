import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import type { MetricsClusterSource } from './cluster-source';
import { MetricsService } from './metrics-service';
import type { PromFetch } from './prometheus';
import { PROM_QUERIES, readPrometheus } from './prometheus';
import { podContainersOf } from '../../src-shared/workloads/pod-containers';

const vector = (result: { metric: Record<string, string>; value: [number, string] }[]) => ({
  status: 'success',
  data: { resultType: 'vector', result },
});
const series = (container: string, v: number) => ({
  metric: { namespace: 'shop', pod: 'orders-1', container },
  value: [0, String(v)] as [number, string],
});

/** A Prometheus that also returns the pod-level cgroup and pause series, as cAdvisor exports them. */
const fakeProm =
  (asked: string[]): PromFetch =>
  async (url) => {
    const q = new URL(url).searchParams.get('query')!;
    asked.push(q);
    const body =
      q === PROM_QUERIES.ws
        ? vector([series('orders', 600e6), series('', 1200e6), series('POD', 1e6)])
        : q === PROM_QUERIES.rss
          ? vector([series('orders', 500e6)])
          : q === PROM_QUERIES.cpu
            ? vector([series('orders', 0.4)])
            : vector([series('orders', 0.35)]);
    return { ok: true, status: 200, json: async () => body };
  };

describe('Prometheus source', () => {
  it('queries containers only and drops pod-level and pause series on arrival: memory is not doubled', async () => {
    const asked: string[] = [];
    const r = await readPrometheus('http://prom.example:9090/', 1000, fakeProm(asked));
    expect('readings' in r).toBe(true);
    if (!('readings' in r)) return;
    expect(r.readings).toEqual([{ namespace: 'shop', pod: 'orders-1', container: 'orders', ws: 600e6, rss: 500e6, cpu: 0.4 }]);
    expect(r.throttled.get('shop/orders-1/orders')).toBe(0.35);
    for (const q of asked) expect(q).toContain('container!="",container!="POD"');
  });

  it('says plainly when Prometheus fails', async () => {
    const r = await readPrometheus('http://prom.example', 1000, async () => ({ ok: false, status: 502, json: async () => ({}) }));
    expect(r).toEqual({
      status: { kind: 'prometheus', state: 'error', message: expect.stringMatching(/Prometheus at http:\/\/prom.example: HTTP 502/) },
    });
  });

  it('fills containers the kubelet and metrics-server do not cover and ranks the most throttled', async () => {
    const pod = {
      metadata: { namespace: 'shop', name: 'orders-1' },
      spec: { containers: [{ name: 'orders', resources: { limits: { cpu: '500m', memory: '1Gi' } } }] },
      status: { containerStatuses: [{ name: 'orders', restartCount: 0 }] },
    } as unknown as Pod;
    const forbidden = { ok: false as const, error: { code: 'cluster-forbidden' as const, message: 'no', status: 403 } };
    const source: MetricsClusterSource = {
      ids: () => ['c'],
      nodeNames: () => ['n1'],
      acquire: () => () => {},
      onPods: (l) => {
        queueMicrotask(() => l('c', { kind: 'reset', pods: [podContainersOf(pod)] }));
        return () => {};
      },
      transport: () => ({ getJson: async () => forbidden, openStream: async () => forbidden }),
    };
    const m = new MetricsService(source, {
      fetch: fakeProm([]),
      settings: { get: () => ({ prometheus: { c: 'http://prom.example' } }), set: () => {} },
    });
    await new Promise((r) => setTimeout(r, 0));
    await m.round();
    let top: Parameters<Parameters<MetricsService['subscribe']>[1]>[0] | undefined;
    m.subscribe(10, (t) => (top = t))();
    expect(top!.clusters[0]!.sources.map((s) => `${s.kind}:${s.state}`)).toEqual([
      'kubelet-summary:forbidden',
      'metrics-api:forbidden',
      'prometheus:ok',
    ]);
    expect(top!.lists.throttled[0]).toMatchObject({ pod: 'orders-1', throttledPct: 35 });
    const s = m.series({ clusterId: 'c', namespace: 'shop', pod: 'orders-1', container: 'orders' });
    expect(s.ok && s.value.source).toBe('prometheus');
    expect(s.ok && s.value.workingSet).toEqual([600e6]);
    m.dispose();
  });
});
