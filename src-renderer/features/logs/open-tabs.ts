/**
 * What the other screens open in the Logs screen: a pod's logs (every container, or one), a
 * Deployment's, the previous instance around a restart or OOM kill, a shell. Pure builders for
 * `openLogTab`, so the workloads drawer, the problems list and the metrics views open the same tabs.
 */
import type { LogSelection } from '../../../src-shared/logs/contract';
import type { LogsTab } from '../../store/logs-slice';

export type NewLogsTab = Omit<Extract<LogsTab, { kind: 'logs' }>, 'id'>;
export type NewShellTab = Omit<Extract<LogsTab, { kind: 'shell' }>, 'id'>;

export interface PodTarget {
  clusterId: string;
  namespace: string;
  pod: string;
  /** One container; unset = every container of the pod. */
  container?: string;
}

/** How far before an event (restart, OOM kill) its logs start: the lead-up is what explains it. */
export const BEFORE_EVENT_MS = 2 * 60_000;

/** RFC 3339 at second precision (what the API server's sinceTime takes), `BEFORE_EVENT_MS` before `at`. */
export const sinceBefore = (at: number): string => new Date(Math.floor((at - BEFORE_EVENT_MS) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A pod's logs. `previous` reads the terminated instance (a crash loop, an OOM kill); `eventAt`
 * (epoch ms of the restart or kill) starts a little before it instead of at the last lines.
 */
export function podLogsTab(t: PodTarget, opts: { previous?: boolean; eventAt?: number } = {}): NewLogsTab {
  const selection: LogSelection = {
    clusterIds: [t.clusterId],
    namespace: t.namespace,
    target: { kind: 'pod', name: t.pod },
    ...(t.container ? { container: t.container } : {}),
    ...(opts.previous ? { previous: true, tailLines: 500 } : {}),
    ...(opts.eventAt !== undefined ? { sinceTime: sinceBefore(opts.eventAt) } : {}),
  };
  const what = `${t.pod}${t.container ? `/${t.container}` : ''}`;
  const when = opts.eventAt !== undefined ? ` from ${new Date(opts.eventAt - BEFORE_EVENT_MS).toLocaleTimeString()}` : '';
  return { kind: 'logs', title: `${what}${opts.previous ? ' (previous)' : ''}${when}`, selection };
}

/** Every pod of a Deployment in its cluster (pods that come later join). */
export function deploymentLogsTab(t: { clusterId: string; namespace: string; name: string }): NewLogsTab {
  return { kind: 'logs', title: `deployment ${t.name}`, selection: { clusterIds: [t.clusterId], namespace: t.namespace, target: { kind: 'deployment', name: t.name } } };
}

export function shellTab(t: PodTarget): NewShellTab {
  return { kind: 'shell', title: `${t.pod}${t.container ? `/${t.container}` : ''}`, target: { clusterId: t.clusterId, namespace: t.namespace, pod: t.pod, ...(t.container ? { container: t.container } : {}) } };
}
