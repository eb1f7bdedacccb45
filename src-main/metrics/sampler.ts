/**
 * One sample round of one cluster: kubelet summaries of every node (bounded concurrency, per-node
 * timeout) and, where those are forbidden, absent or incomplete, metrics.k8s.io. A source that
 * failed is tried again every few minutes, not every round. Each source's status says plainly
 * what is missing.
 */
import type { SourceStatus } from '../../src-shared/metrics/contract';
import type { ContainerReading, MetricsTransport } from './sources';
import { readKubeletSummary, readMetricsApi } from './sources';

export interface SamplerState {
  sources: Record<'kubelet-summary' | 'metrics-api', SourceStatus>;
  /** Epoch ms each source was last tried. */
  triedAt: Record<'kubelet-summary' | 'metrics-api', number>;
}

export interface RoundResult {
  readings: { reading: ContainerReading; source: SourceStatus['kind'] }[];
}

export const newSamplerState = (): SamplerState => ({
  sources: { 'kubelet-summary': { kind: 'kubelet-summary', state: 'unknown' }, 'metrics-api': { kind: 'metrics-api', state: 'unknown' } },
  triedAt: { 'kubelet-summary': -Infinity, 'metrics-api': -Infinity },
});

const REPROBE_MS = 5 * 60_000;
const usable = (s: SourceStatus, triedAt: number, now: number) =>
  s.state === 'ok' || s.state === 'unknown' || s.state === 'timeout' || now - triedAt >= REPROBE_MS;

async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface SampleOptions {
  timeoutMs: number;
  concurrency: number;
  /**
   * Above this many nodes the fleet is read from metrics.k8s.io (one response of ~100 bytes a
   * container, instead of a TLS request and ~800 bytes a container per node), and kubelet
   * summaries only from `detailNodes`. Default 32.
   */
  fleetApiAboveNodes?: number;
  /** Nodes running containers someone looks at or that are listed: their summaries add RSS and cumulative CPU. */
  detailNodes?: ReadonlySet<string>;
}

const MAX_DETAIL_NODES = 8;

export async function sampleCluster(
  t: MetricsTransport,
  nodes: string[],
  st: SamplerState,
  now: number,
  o: SampleOptions,
): Promise<RoundResult> {
  const fleet =
    nodes.length > (o.fleetApiAboveNodes ?? 32) &&
    usable(st.sources['metrics-api'], st.triedAt['metrics-api'], now) &&
    st.sources['metrics-api'].state !== 'timeout';
  if (fleet) {
    const r = await sampleFleet(t, nodes, st, now, o);
    if (r) return r;
  }
  const readings: RoundResult['readings'] = [];
  let summaryComplete = false;
  if (nodes.length && usable(st.sources['kubelet-summary'], st.triedAt['kubelet-summary'], now)) {
    st.triedAt['kubelet-summary'] = now;
    const results = await mapLimit(nodes, o.concurrency, (n) => readKubeletSummary(t, n, o.timeoutMs));
    const failed: { node: string; status: SourceStatus }[] = [];
    results.forEach((r, i) => {
      if ('status' in r) failed.push({ node: nodes[i]!, status: r.status });
      else for (const reading of r.readings) readings.push({ reading, source: 'kubelet-summary' });
    });
    summaryComplete = failed.length === 0;
    if (failed.length === 0) st.sources['kubelet-summary'] = { kind: 'kubelet-summary', state: 'ok' };
    else if (failed.length < nodes.length) {
      const f = failed[0]!;
      st.sources['kubelet-summary'] = {
        kind: 'kubelet-summary',
        state: f.status.state,
        message: `${failed.length} of ${nodes.length} nodes failed (${failed
          .slice(0, 3)
          .map((x) => x.node)
          .join(', ')}${failed.length > 3 ? ', …' : ''}): ${f.status.message ?? f.status.state}`,
      };
    } else st.sources['kubelet-summary'] = failed[0]!.status;
  }
  const api = st.sources['metrics-api'];
  // metrics.k8s.io fills what the summary could not give; when the summary is complete we still
  // probe it now and then, so the UI can say whether metrics-server exists.
  const wantApi = !summaryComplete ? usable(api, st.triedAt['metrics-api'], now) : now - st.triedAt['metrics-api'] >= REPROBE_MS;
  if (wantApi) {
    st.triedAt['metrics-api'] = now;
    const r = await readMetricsApi(t, o.timeoutMs);
    if ('status' in r) st.sources['metrics-api'] = r.status;
    else {
      st.sources['metrics-api'] = { kind: 'metrics-api', state: 'ok' };
      if (!summaryComplete) {
        // Only now (the rare case) pay for the set of pods the summaries covered.
        const covered = new Set(readings.map((x) => `${x.reading.namespace}/${x.reading.pod}`));
        for (const reading of r.readings)
          if (!covered.has(`${reading.namespace}/${reading.pod}`)) readings.push({ reading, source: 'metrics-api' });
      }
    }
  }
  return { readings };
}

/**
 * A large cluster: every container from metrics.k8s.io, then the kubelet summaries of the few
 * nodes whose containers are looked at (RSS, cumulative CPU), which replace those pods' readings.
 * Undefined when metrics.k8s.io cannot be read: the round falls back to the summaries of every node.
 */
async function sampleFleet(
  t: MetricsTransport,
  nodes: string[],
  st: SamplerState,
  now: number,
  o: SampleOptions,
): Promise<RoundResult | undefined> {
  st.triedAt['metrics-api'] = now;
  const r = await readMetricsApi(t, o.timeoutMs);
  if ('status' in r) {
    st.sources['metrics-api'] = r.status;
    return undefined;
  }
  st.sources['metrics-api'] = { kind: 'metrics-api', state: 'ok' };
  const known = new Set(nodes);
  const detail = [...(o.detailNodes ?? [])].filter((n) => known.has(n)).slice(0, MAX_DETAIL_NODES);
  const fromSummary: RoundResult['readings'] = [];
  if (detail.length && usable(st.sources['kubelet-summary'], st.triedAt['kubelet-summary'], now)) {
    st.triedAt['kubelet-summary'] = now;
    const results = await mapLimit(detail, o.concurrency, (n) => readKubeletSummary(t, n, o.timeoutMs));
    const failed = results.flatMap((x) => ('status' in x ? [x.status] : []));
    for (const x of results)
      if (!('status' in x)) for (const reading of x.readings) fromSummary.push({ reading, source: 'kubelet-summary' });
    st.sources['kubelet-summary'] = failed.length
      ? failed[0]!
      : {
          kind: 'kubelet-summary',
          state: 'ok',
          message: `Read for the ${detail.length} node(s) running containers you look at; the other ${nodes.length - detail.length} nodes through metrics.k8s.io (no RSS there).`,
        };
  }
  const covered = new Set(fromSummary.map((x) => `${x.reading.namespace}/${x.reading.pod}`));
  const readings = fromSummary;
  for (const reading of r.readings)
    if (!covered.has(`${reading.namespace}/${reading.pod}`)) readings.push({ reading, source: 'metrics-api' });
  return { readings };
}
