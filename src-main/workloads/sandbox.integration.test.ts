/**
 * Integration: our real services against the sandbox datacenter (separate TLS API servers with
 * their own tokens): every cluster connects and syncs, a change arrives as a diff, a stopped
 * cluster goes stale without disturbing the others and resyncs when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadDiff } from '../../src-shared/workloads/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { WorkloadService } from './workload-service';

let dc: Datacenter;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 10, bookmarkIntervalMs: 200 });
});
afterAll(async () => {
  await dc?.close();
});

describe('sandbox datacenter', () => {
  it('connects to every cluster, syncs pods and deployments, and survives a cluster restart', async () => {
    const kc = KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox');
    const clusters = new ClusterService(kc, { staleAfterMs: 1000, notifyIntervalMs: 50, idleCloseMs: 0 });
    const workloads = new WorkloadService(clusters, { flushIntervalMs: 100 });
    const mirror = new Map<string, Map<string, unknown>>();
    const stop = workloads.subscribe(undefined, (diffs: WorkloadDiff[]) => {
      for (const d of diffs) {
        const k = `${d.clusterId}/${d.kind}`;
        if (d.reset) mirror.set(k, new Map());
        for (const u of d.upserts) mirror.get(k)!.set(u.uid, u);
        for (const uid of d.deletes) mirror.get(k)!.delete(uid);
      }
    });
    const names = dc.clusters.map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    await until(() => names.every((n) => clusters.get(n)?.state === 'live'), 20_000, 'all clusters live');
    const synced = () =>
      names.every(
        (n) =>
          mirror.get(`${n}/Pod`)?.size === dc.cluster(n).store.count('pods') &&
          mirror.get(`${n}/Deployment`)?.size === dc.cluster(n).store.count('deployments'),
      );
    await until(synced, 20_000, 'every cluster synced');
    for (const n of names) {
      const info = clusters.get(n)!;
      expect(info.error).toBeUndefined();
      expect(info.counts.nodes).toBe(dc.cluster(n).store.count('nodes'));
      expect(info.version).toBeTruthy();
    }

    // One cluster goes down: it goes stale, the others stay live; it comes back and resyncs.
    const [down, ...others] = names as [string, ...string[]];
    await dc.stopCluster(down);
    await until(() => clusters.get(down)?.state === 'stale', 15_000, 'stopped cluster stale');
    expect(others.every((n) => clusters.get(n)?.state === 'live')).toBe(true);
    await dc.startCluster(down);
    clusters.reconnect(down);
    await until(() => clusters.get(down)?.state === 'live', 20_000, 'back to live');
    await until(synced, 20_000, 'resynced after restart');

    stop();
    workloads.dispose();
    clusters.dispose();
  }, 90_000);

  it('an expired token (401) or an unknown CA (TLS) affects only that cluster, with a clear error', async () => {
    const names = dc.clusters.map((c) => c.name);
    const [bad, tls, ...others] = names as [string, string, ...string[]];
    // The TLS cluster's kubeconfig loses its CA: the sandbox's self-signed certificate is not trusted.
    const yaml = dc.kubeconfigYaml();
    const { parse, stringify } = await import('yaml');
    const doc = parse(yaml) as { clusters: { name: string; cluster: Record<string, unknown> }[] };
    delete doc.clusters.find((c) => c.name === tls)!.cluster['certificate-authority-data'];
    const kc = KubeconfigService.fromString(stringify(doc), 'sandbox');
    dc.setFault(bad, { kind: 'http-status', status: 401 });
    try {
      const clusters = new ClusterService(kc, { notifyIntervalMs: 50, idleCloseMs: 0 });
      const workloads = new WorkloadService(clusters);
      const stop = workloads.subscribe(undefined, () => {});
      await until(() => clusters.get(bad)?.state === 'error' && clusters.get(tls)?.state === 'error', 20_000, 'errors');
      expect(clusters.get(bad)!.error).toMatchObject({ code: 'cluster-unauthorized', clusterId: bad });
      expect(clusters.get(bad)!.error!.message).toMatch(/token expired or invalid/);
      expect(clusters.get(tls)!.error).toMatchObject({ code: 'tls-error', clusterId: tls });
      await until(() => others.every((n) => clusters.get(n)?.state === 'live'), 20_000, 'others live');
      stop();
      workloads.dispose();
      clusters.dispose();
    } finally {
      dc.setFault(bad, null);
    }
  }, 60_000);

  it('recovers from truncated, non-JSON and expired watch streams with the view in sync', async () => {
    const names = dc.clusters.map((c) => c.name);
    const [target, ...others] = names as [string, ...string[]];
    const logs: string[] = [];
    const kc = KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox');
    const clusters = new ClusterService(kc, { notifyIntervalMs: 50, idleCloseMs: 0, log: (m) => logs.push(m) });
    const workloads = new WorkloadService(clusters, { flushIntervalMs: 50 });
    const mirror = new Map<string, Map<string, unknown>>();
    const stop = workloads.subscribe([target, ...others], (diffs) => {
      for (const d of diffs) {
        const k = `${d.clusterId}/${d.kind}`;
        if (d.reset) mirror.set(k, new Map());
        for (const u of d.upserts) mirror.get(k)!.set(u.uid, u);
        for (const uid of d.deletes) mirror.get(k)!.delete(uid);
      }
    });
    const inSync = () => mirror.get(`${target}/Pod`)?.size === dc.cluster(target).store.count('pods');
    await until(() => clusters.get(target)?.state === 'live' && inSync(), 20_000, 'live');
    for (const [kind, expectLog] of [
      ['garbage-watch-line', /not JSON/],
      ['truncate-watch', /truncated|connection to the API server was lost/],
      ['expire-watch', /relisting/],
    ] as const) {
      const before = logs.length;
      dc.setFault(target, { kind });
      await until(() => logs.slice(before).some((l) => expectLog.test(l)), 10_000, `${kind} noticed`);
      dc.setFault(target, null);
      await until(() => clusters.get(target)?.state === 'live' && inSync(), 20_000, `${kind}: live and in sync again`);
    }
    expect(others.every((n) => clusters.get(n)?.state === 'live')).toBe(true);
    stop();
    workloads.dispose();
    clusters.dispose();
  }, 90_000);
});
