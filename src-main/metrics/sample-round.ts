/**
 * One sample round over every connected cluster, in parallel: the kubelet summaries or
 * metrics.k8s.io (sampler.ts), Prometheus where configured (it fills only containers the others
 * did not give us, and adds throttling), every reading recorded on our clock.
 */
import type { MetricsSettings, SourceStatus } from '../../src-shared/metrics/contract';
import type { MetricsClusterSource } from './cluster-source';
import type { MetricsHistory } from './history';
import { PodIndex } from './pod-index';
import type { PromFetch } from './prometheus';
import { readPrometheus } from './prometheus';
import type { SamplerState } from './sampler';
import { newSamplerState, sampleCluster } from './sampler';

export interface ClusterState {
  sampler: SamplerState;
  pods: PodIndex;
  lastRoundAt?: number;
  containers: number;
  prom?: SourceStatus;
  throttled?: Map<string, number>;
}

export const newClusterState = (): ClusterState => ({ sampler: newSamplerState(), pods: new PodIndex(), containers: 0 });

export interface RoundOptions {
  timeoutMs: number;
  concurrency: number;
  fetch?: PromFetch;
  now: () => number;
  fleetApiAboveNodes?: number;
  /** Per cluster: nodes running containers someone looks at (their kubelet summaries are read). */
  detailNodes?: (clusterId: string) => ReadonlySet<string>;
  /** Spread the clusters over this long (ms); 0 or absent: all at once. */
  spreadMs?: number;
  cancelled?: () => boolean;
}

/**
 * Spread over `o.spreadMs`: the clusters one after another, cluster k starting k/n of the way in,
 * each recorded at its own time, so that no 20 s of the interval carries the whole round's CPU.
 * Returns the CPU spent in the slices (µs) when spread, since the waits between them are not the
 * round's (undefined when the clusters ran at once: the caller measures the whole round).
 */
export async function sampleClusters(
  source: MetricsClusterSource,
  state: (id: string) => ClusterState,
  history: MetricsHistory,
  settings: MetricsSettings,
  o: RoundOptions,
): Promise<number | undefined> {
  const ids = source.ids();
  if (!o.spreadMs || ids.length < 2) {
    await Promise.all(ids.map((id) => sampleOne(id, source, state, history, settings, o)));
    return undefined;
  }
  const start = performance.now();
  let cpuMicros = 0;
  for (const [k, id] of ids.entries()) {
    const wait = start + (k * o.spreadMs) / ids.length - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref?.());
    if (o.cancelled?.()) break;
    const c0 = process.cpuUsage();
    await sampleOne(id, source, state, history, settings, o);
    const d = process.cpuUsage(c0);
    cpuMicros += d.user + d.system;
  }
  return cpuMicros;
}

async function sampleOne(
  id: string,
  source: MetricsClusterSource,
  state: (id: string) => ClusterState,
  history: MetricsHistory,
  settings: MetricsSettings,
  o: RoundOptions,
): Promise<void> {
  const t = source.transport(id);
  if (!t) return;
  const st = state(id);
  const promUrl = settings.prometheus[id];
  const [r, prom] = await Promise.all([
    sampleCluster(t, source.nodeNames(id), st.sampler, o.now(), { ...o, detailNodes: o.detailNodes?.(id) }),
    promUrl ? readPrometheus(promUrl, o.timeoutMs, o.fetch) : undefined,
  ]);
  const at = o.now(); // our clock, not the nodes': skewed nodes still line up
  for (const { reading, source: kind } of r.readings) history.record(id, at, reading, kind);
  st.prom = prom && 'status' in prom ? prom.status : promUrl ? { kind: 'prometheus', state: 'ok' } : undefined;
  st.throttled = prom && !('status' in prom) ? prom.throttled : undefined;
  if (prom && !('status' in prom)) {
    const covered = new Set(r.readings.map((x) => `${x.reading.namespace}/${x.reading.pod}/${x.reading.container}`));
    for (const reading of prom.readings)
      if (!covered.has(`${reading.namespace}/${reading.pod}/${reading.container}`)) history.record(id, at, reading, 'prometheus');
  }
  st.lastRoundAt = at;
  st.containers = r.readings.length;
}
