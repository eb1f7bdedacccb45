/**
 * What the other screens open in the Logs screen: a pod's logs (every container, or one), a
 * Deployment's, the previous instance around a restart or OOM kill, a shell. Pure builders for
 * `openLogTab`, so the workloads drawer, the problems list and the metrics views open the same tabs.
 */
import type { LogSelection } from '../../../src-shared/logs/contract';
import type { LogsTab } from './logs-slice';

export type NewLogsTab = Omit<Extract<LogsTab, { kind: 'logs' }>, 'id'>;
export type NewShellTab = Omit<Extract<LogsTab, { kind: 'shell' }>, 'id'>;
export type NewDebugTab = Omit<Extract<LogsTab, { kind: 'debug' }>, 'id'>;
export type DebugTarget = NewDebugTab['target'];

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
export const sinceBefore = (at: number): string => sinceTimeOf({ minutes: BEFORE_EVENT_MS / 60_000 }, at)!;

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
  return {
    kind: 'logs',
    title: `deployment ${t.name}`,
    selection: { clusterIds: [t.clusterId], namespace: t.namespace, target: { kind: 'deployment', name: t.name } },
  };
}

export function shellTab(t: PodTarget): NewShellTab {
  return {
    kind: 'shell',
    title: `${t.pod}${t.container ? `/${t.container}` : ''}`,
    target: { clusterId: t.clusterId, namespace: t.namespace, pod: t.pod, ...(t.container ? { container: t.container } : {}) },
  };
}

/** A shell attached to an ephemeral debug container's main process (what `kubectl debug -it` attaches to). */
export function debugShellTab(t: PodTarget & { container: string }): NewShellTab {
  return {
    kind: 'shell',
    title: `${t.pod}/${t.container} (debug)`,
    target: { clusterId: t.clusterId, namespace: t.namespace, pod: t.pod, container: t.container, attach: true },
  };
}

/** Start a debug container in the pod (sharing `container`'s processes), then a shell in it. */
export function debugTab(t: PodTarget, image: string): NewDebugTab {
  return {
    kind: 'debug',
    title: `${t.pod}${t.container ? `/${t.container}` : ''} (debug)`,
    target: {
      clusterId: t.clusterId,
      namespace: t.namespace,
      pod: t.pod,
      ...(t.container ? { container: t.container } : {}),
      debugImage: image,
    },
  };
}

/** Where a tab reads from, for its label and file name: `catalog-pro` exists in both PRO clusters. */
export function tabClusters(
  tab: { kind: 'logs'; selection: LogSelection } | { kind: 'shell' | 'debug'; target: { clusterId: string } },
): string {
  if (tab.kind !== 'logs') return tab.target.clusterId;
  const ids = tab.selection.clusterIds;
  return ids.length <= 2 ? ids.join('+') : `${ids.length} clusters`;
}

/** The tab's label: cluster(s), then what it shows. */
export const tabLabel = (tab: Parameters<typeof tabClusters>[0] & { title: string }) => `${tabClusters(tab)} · ${tab.title}`;

/** A download's file name: cluster(s) and title, safe on every file system. */
export function downloadName(tab: { kind: 'logs'; selection: LogSelection; title: string }, at = new Date()): string {
  const clusters = tab.selection.clusterIds.join('+');
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${clusters}_${tab.title}_${stamp}`.replace(/[^\w.+-]+/g, '_').slice(0, 180) + '.log';
}

/** RFC 3339 at second precision for a log view's start: now minus `minutes`, or a local date-time input's value. */
export function sinceTimeOf(range: { minutes: number } | { local: string }, now = Date.now()): string | undefined {
  const ms = 'minutes' in range ? now - range.minutes * 60_000 : Date.parse(range.local);
  if (!Number.isFinite(ms)) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
