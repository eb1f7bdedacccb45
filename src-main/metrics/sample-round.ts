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

export interface ClusterState { sampler: SamplerState; pods: PodIndex; lastRoundAt?: number; containers: number; prom?: SourceStatus; throttled?: Map<string, number> }

export const newClusterState = (): ClusterState => ({ sampler: newSamplerState(), pods: new PodIndex(), containers: 0 });

export interface RoundOptions { timeoutMs: number; concurrency: number; fetch?: PromFetch; now: () => number }

export async function sampleClusters(source: MetricsClusterSource, state: (id: string) => ClusterState, history: MetricsHistory, settings: MetricsSettings, o: RoundOptions): Promise<void> {
  await Promise.all(source.ids().map(async (id) => {
    const t = source.transport(id);
    if (!t) return;
    const st = state(id);
    const promUrl = settings.prometheus[id];
    const [r, prom] = await Promise.all([
      sampleCluster(t, source.nodeNames(id), st.sampler, o.now(), o),
      promUrl ? readPrometheus(promUrl, o.timeoutMs, o.fetch) : undefined,
    ]);
    const at = o.now(); // our clock, not the nodes': skewed nodes still line up
    for (const { reading, source: kind } of r.readings) history.record(id, at, reading, kind);
    st.prom = prom && 'status' in prom ? prom.status : promUrl ? { kind: 'prometheus', state: 'ok' } : undefined;
    st.throttled = prom && !('status' in prom) ? prom.throttled : undefined;
    if (prom && !('status' in prom)) {
      const covered = new Set(r.readings.map((x) => `${x.reading.namespace}/${x.reading.pod}/${x.reading.container}`));
      for (const reading of prom.readings) if (!covered.has(`${reading.namespace}/${reading.pod}/${reading.container}`)) history.record(id, at, reading, 'prometheus');
    }
    st.lastRoundAt = at;
    st.containers = r.readings.length;
  }));
}
