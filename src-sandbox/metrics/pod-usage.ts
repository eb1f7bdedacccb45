/**
 * From stored pods to per-container usage: which containers are running (only those report
 * metrics, as with a real kubelet), their spec'd memory, and whether their image leaks.
 */
import { parseBytes } from '../../src-shared/metrics/quantity';
import type { KubeObject } from '../kube/types';
import type { ContainerUsage } from './usage-model';
import { containerUsage } from './usage-model';

export interface UsageContext {
  /** Simulated ms from container start to its OOM kill, or undefined if the image does not leak. */
  leakMsOf: (image: string) => number | undefined;
  speed: number;
}

export interface RunningContainer {
  name: string;
  startedAtMs: number;
  usage: ContainerUsage;
}

interface ContainerSpec {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}
interface ContainerStatus {
  name: string;
  image?: string;
  state?: { running?: { startedAt?: string } };
}

/** Running containers of a pod with their usage at `nowMs`; empty when the pod runs nothing. */
export function runningContainers(pod: KubeObject, nowMs: number, ctx: UsageContext): RunningContainer[] {
  if (!pod.spec?.nodeName || pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return [];
  const specs = (pod.spec.containers ?? []) as ContainerSpec[];
  const out: RunningContainer[] = [];
  for (const st of (pod.status.containerStatuses ?? []) as ContainerStatus[]) {
    const startedAt = st.state?.running?.startedAt;
    if (!startedAt) continue;
    const spec = specs.find((s) => s.name === st.name);
    const image = spec?.image ?? st.image ?? '';
    const leakMs = ctx.leakMsOf(image);
    const startedAtMs = Date.parse(startedAt);
    out.push({
      name: st.name,
      startedAtMs,
      usage: containerUsage(
        {
          namespace: pod.metadata.namespace ?? '',
          pod: pod.metadata.name,
          container: st.name,
          app: pod.metadata.labels?.['app.kubernetes.io/name'] ?? st.name,
          startedAtMs,
          limitBytes: parseBytes(spec?.resources?.limits?.memory),
          requestBytes: parseBytes(spec?.resources?.requests?.memory),
          leaking: leakMs !== undefined,
          leakMs: leakMs ?? 0,
        },
        nowMs,
        ctx.speed,
      ),
    });
  }
  return out;
}
