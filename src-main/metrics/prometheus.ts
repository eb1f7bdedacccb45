/**
 * Prometheus as an optional source (a URL configured per cluster): working set, RSS, CPU rate and
 * CFS throttling from cAdvisor series. Queried without double counting: cAdvisor also exports a
 * pod-level cgroup series (container="") and the pause container (container="POD") — summing
 * those with the containers is the "memory shown doubled" users report, so both are excluded in
 * the query and again on arrival.
 */
import { isPrometheusUrl, type SourceStatus } from '../../src-shared/metrics/contract';
import type { ContainerReading } from './sources';

const SEL = 'container!="",container!="POD",image!=""';
export const PROM_QUERIES = {
  ws: `container_memory_working_set_bytes{${SEL}}`,
  rss: `container_memory_rss{${SEL}}`,
  cpu: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${SEL}}[2m]))`,
  throttled: `sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total{container!="",container!="POD"}[5m])) / sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total{container!="",container!="POD"}[5m]))`,
} as const;

interface Vector {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] };
}

export type PromFetch = (
  url: string,
  init: { signal: AbortSignal; redirect: 'error' },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Errors whose text we wrote (a status code); anything else is reported without the server's words. */
class PromError extends Error {}

export interface PromResult {
  readings: ContainerReading[];
  /** Fraction of CFS periods throttled (0..1) per `ns/pod/container`. */
  throttled: Map<string, number>;
}

async function query(base: string, q: string, timeoutMs: number, f: PromFetch): Promise<Map<string, number>> {
  const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(q)}`;
  // No redirects: the configured URL is the only place main fetches from.
  const res = await f(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!res.ok) throw new PromError(`HTTP ${res.status}`);
  const body = (await res.json()) as Vector;
  if (body.status !== 'success') throw new PromError('the query was refused'); // body.error is the server's text: not forwarded
  const out = new Map<string, number>();
  for (const r of body.data?.result ?? []) {
    const { namespace, pod, container } = r.metric;
    if (!namespace || !pod || !container || container === 'POD') continue; // pod-level cgroup or pause: never counted
    const v = Number(r.value[1]);
    if (Number.isFinite(v)) out.set(`${namespace}/${pod}/${container}`, v);
  }
  return out;
}

export async function readPrometheus(
  base: string,
  timeoutMs: number,
  f: PromFetch = fetch as unknown as PromFetch,
): Promise<PromResult | { status: SourceStatus }> {
  if (!isPrometheusUrl(base))
    return {
      status: {
        kind: 'prometheus',
        state: 'error',
        message: 'The Prometheus URL must be an http:// or https:// URL without user:password@. Fix it in the metrics settings.',
      },
    };
  try {
    const [ws, rss, cpu, throttled] = await Promise.all(
      [PROM_QUERIES.ws, PROM_QUERIES.rss, PROM_QUERIES.cpu, PROM_QUERIES.throttled].map((q) => query(base, q, timeoutMs, f)),
    );
    const readings: ContainerReading[] = [];
    for (const [key, bytes] of ws!) {
      const [namespace, pod, container] = key.split('/') as [string, string, string];
      readings.push({ namespace, pod, container, ws: bytes, rss: rss!.get(key) ?? Number.NaN, cpu: cpu!.get(key) ?? Number.NaN });
    }
    return { readings, throttled: throttled! };
  } catch (e) {
    const m =
      (e as Error).name === 'TimeoutError'
        ? 'did not answer in time'
        : e instanceof PromError
          ? e.message
          : `could not be queried (${(e as NodeJS.ErrnoException).cause ? 'connection failed' : 'invalid answer'})`;
    return {
      status: {
        kind: 'prometheus',
        state: (e as Error).name === 'TimeoutError' ? 'timeout' : 'error',
        message: `Prometheus at ${base}: ${m}. Throttling is unavailable; charts use the kubelet and metrics-server.`,
      },
    };
  }
}
