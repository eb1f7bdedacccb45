/** One container's history as the chart gets it: samples (NaN → null on the wire), limits, timeline. */
import type { ContainerRef, Series } from '../../src-shared/metrics/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ContainerHistory } from './history';
import type { ContainerInfo } from './pod-index';

export const nullable = (xs: number[]) => xs.map((v) => (Number.isNaN(v) ? null : v));

export function buildSeries(
  ref: ContainerRef,
  h: ContainerHistory | undefined,
  info: ContainerInfo | undefined,
  historyMinutes: number,
): Result<Series> {
  if (!h && !info)
    return err(
      'not-found',
      `No metrics for container ${ref.container} of ${ref.namespace}/${ref.pod} in "${ref.clusterId}" in the last ${historyMinutes} minutes.`,
      { clusterId: ref.clusterId },
    );
  const a = h?.ring.toArrays() ?? { t: [], cpu: [], ws: [], rss: [] };
  const s: Series = {
    ref,
    t: a.t,
    cpu: nullable(a.cpu),
    workingSet: nullable(a.ws),
    rss: nullable(a.rss),
    restarts: info?.restarts ?? 0,
    events: h?.events ?? [],
  };
  if (h?.source) s.source = h.source;
  if (info?.memoryRequest) s.memoryRequest = info.memoryRequest;
  if (info?.memoryLimit) s.memoryLimit = info.memoryLimit;
  if (info?.cpuRequest) s.cpuRequest = info.cpuRequest;
  if (info?.cpuLimit) s.cpuLimit = info.cpuLimit;
  if (info?.lastTerminated) s.lastTerminated = info.lastTerminated;
  if (info?.state) s.state = info.state;
  if (info?.deployment) s.deployment = info.deployment;
  return ok(s);
}
