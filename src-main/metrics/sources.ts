/**
 * Reading one cluster's usage: the kubelet summary per node (working set, RSS, CPU rate and
 * cumulative) through the API server's node proxy, or metrics.k8s.io (working set and CPU only)
 * where the proxy is forbidden. Failures become a SourceStatus whose message says plainly what is
 * missing and what the charts fall back to.
 */
import type { AppError, Result } from '../../src-shared/result';
import type { SourceStatus } from '../../src-shared/metrics/contract';
import { parseBytes, parseCpuCores } from '../../src-shared/metrics/quantity';
import type { Readable } from 'node:stream';
import type { RequestOptions } from '../clusters/cluster-connection';
import { ListParser } from '../watch/list-parser';

export interface MetricsTransport {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
}

export interface ContainerReading {
  namespace: string;
  pod: string;
  container: string;
  cpu: number; // cores, NaN if unknown
  ws: number; // working set bytes
  rss: number; // NaN if unknown
  /** Cumulative CPU (core-ns) and the node's own timestamp for it: rates survive node clock skew. */
  coreNs?: number;
  nodeTime?: number;
  node?: string;
}

interface SummaryContainer {
  name: string;
  cpu?: { time?: string; usageNanoCores?: number; usageCoreNanoSeconds?: number };
  memory?: { workingSetBytes?: number; rssBytes?: number };
}
interface Summary {
  pods?: { podRef: { name: string; namespace: string }; containers?: SummaryContainer[] }[];
}
interface PodMetricsList {
  items?: { metadata: { name: string; namespace: string }; containers?: { name: string; usage?: { cpu?: string; memory?: string } }[] }[];
}

export function classify(kind: SourceStatus['kind'], e: AppError, timedOut: boolean): SourceStatus {
  if (timedOut || e.code === 'timeout' || /ETIMEDOUT|timed? ?out/i.test(e.message)) {
    return {
      kind,
      state: 'timeout',
      message:
        kind === 'kubelet-summary'
          ? 'A kubelet did not answer in time; its containers are missing from this round.'
          : 'metrics-server did not answer in time.',
    };
  }
  if (e.status === 404) {
    return kind === 'metrics-api'
      ? {
          kind,
          state: 'absent',
          message: 'metrics-server is not installed (404 on metrics.k8s.io): no `kubectl top` data in this cluster.',
        }
      : { kind, state: 'absent', message: 'The node proxy has no /stats/summary (404).' };
  }
  if (e.status === 403) {
    return kind === 'kubelet-summary'
      ? {
          kind,
          state: 'forbidden',
          message:
            'Not allowed to read the kubelet summary (403 on nodes/proxy): no RSS or page faults; working set and CPU come from metrics-server if present.',
        }
      : { kind, state: 'forbidden', message: 'Not allowed to read metrics.k8s.io (403). Ask for RBAC access to pods.metrics.k8s.io.' };
  }
  if (e.status === 503)
    return {
      kind,
      state: 'error',
      message: `${kind === 'metrics-api' ? 'metrics-server' : 'The kubelet'} is registered but not answering (503).`,
    };
  return { kind, state: 'error', message: e.message };
}

async function timed<T>(
  t: MetricsTransport,
  path: string,
  timeoutMs: number,
  resource: string,
): Promise<{ r: Result<T>; timedOut: boolean }> {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeoutMs);
  try {
    const r = await t.getJson<T>(path, { verb: 'get', resource, signal: ctl.signal, idleTimeoutMs: timeoutMs });
    return { r, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

export async function readKubeletSummary(
  t: MetricsTransport,
  node: string,
  timeoutMs: number,
): Promise<{ readings: ContainerReading[] } | { status: SourceStatus }> {
  const { r, timedOut } = await timed<Summary>(
    t,
    `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`,
    timeoutMs,
    `nodes/${node}/proxy`,
  );
  if (!r.ok) return { status: classify('kubelet-summary', r.error, timedOut) };
  const readings: ContainerReading[] = [];
  for (const p of r.value.pods ?? []) {
    for (const c of p.containers ?? []) {
      const ws = c.memory?.workingSetBytes;
      if (ws === undefined) continue;
      const nano = c.cpu?.usageNanoCores;
      readings.push({
        namespace: p.podRef.namespace,
        pod: p.podRef.name,
        container: c.name,
        node,
        cpu: nano === undefined ? Number.NaN : nano / 1e9,
        ws,
        rss: c.memory?.rssBytes ?? Number.NaN,
        coreNs: c.cpu?.usageCoreNanoSeconds,
        nodeTime: c.cpu?.time ? Date.parse(c.cpu.time) : undefined,
      });
    }
  }
  return { readings };
}

type PodMetrics = NonNullable<PodMetricsList['items']>[number];
const METRICS_API_PODS = '/apis/metrics.k8s.io/v1beta1/pods';

function pushPodMetrics(p: PodMetrics, readings: ContainerReading[]): void {
  for (const c of p.containers ?? []) {
    const ws = parseBytes(c.usage?.memory);
    if (ws === undefined) continue;
    readings.push({
      namespace: p.metadata.namespace,
      pod: p.metadata.name,
      container: c.name,
      cpu: parseCpuCores(c.usage?.cpu) ?? Number.NaN,
      ws,
      rss: Number.NaN,
    });
  }
}

/**
 * metrics.k8s.io's pod list: streamed item by item (ListParser) when the transport can stream, so
 * a cluster's whole answer (megabytes at 10,000 pods) is never one buffer, one string and one
 * object tree at once; `timeoutMs` is then the longest silence, not the whole transfer.
 */
export async function readMetricsApi(
  t: MetricsTransport & { openStream?: (path: string, o?: RequestOptions) => Promise<Result<Readable>> },
  timeoutMs: number,
): Promise<{ readings: ContainerReading[] } | { status: SourceStatus }> {
  if (t.openStream) return streamMetricsApi(t.openStream.bind(t), timeoutMs);
  const { r, timedOut } = await timed<PodMetricsList>(t, METRICS_API_PODS, timeoutMs, 'pods.metrics.k8s.io');
  if (!r.ok) return { status: classify('metrics-api', r.error, timedOut) };
  const readings: ContainerReading[] = [];
  for (const p of r.value.items ?? []) pushPodMetrics(p, readings);
  return { readings };
}

async function streamMetricsApi(
  openStream: (path: string, o?: RequestOptions) => Promise<Result<Readable>>,
  timeoutMs: number,
): Promise<{ readings: ContainerReading[] } | { status: SourceStatus }> {
  const unreadable = (why: string): { status: SourceStatus } => ({
    status: {
      kind: 'metrics-api',
      state: 'error',
      message: `metrics-server sent an answer Capstan could not read (${why}); this round's values are missing.`,
    },
  });
  let r: Result<Readable>;
  try {
    r = await openStream(METRICS_API_PODS, { verb: 'get', resource: 'pods.metrics.k8s.io', idleTimeoutMs: timeoutMs });
  } catch (e) {
    return unreadable((e as Error).message);
  }
  if (!r.ok) return { status: classify('metrics-api', r.error, false) };
  const parser = new ListParser({ maxItemBytes: 1024 * 1024 });
  const readings: ContainerReading[] = [];
  try {
    for await (const chunk of r.value) {
      const items = parser.push(chunk as Buffer);
      if (typeof items === 'string') {
        r.value.destroy();
        return unreadable(items);
      }
      for (const text of items) pushPodMetrics(JSON.parse(text) as PodMetrics, readings);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { status: classify('metrics-api', { code: 'unavailable', message: (e as Error).message }, code === 'ETIMEDOUT') };
  }
  const end = parser.end();
  return typeof end === 'string' ? unreadable(end) : { readings };
}
