import type { PodSummary } from '../../../src-shared/workloads/contract';
import type { ProblemKind, ProblemThresholds } from '../../../src-shared/workloads/problems';
import { lastOomKill } from '../../../src-shared/workloads/oom';
import { defaultProblemThresholds, podProblems, problemKinds } from '../../../src-shared/workloads/problems';
import { podLogsTab, type NewLogsTab } from '../logs/open-tabs';

export { problemKinds, type ProblemKind };

export interface ProblemRow {
  /** uid + kind: a pod can have several problems (crash-looping after an OOM kill). */
  key: string;
  kind: ProblemKind;
  message: string;
  pod: PodSummary;
  name: string;
  /** Epoch ms the pod entered the state that makes it a problem. */
  since: number;
}

export const problemLabels: Record<ProblemKind, string> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  OOMKilled: 'OOMKilled',
  ImagePullBackOff: 'ImagePullBackOff',
  PendingTooLong: 'Pending too long',
  NotReady: 'Not ready',
};

export type ProblemGroups = Record<ProblemKind, ProblemRow[]>;

/**
 * Problems across all pods, grouped by kind, each group oldest first (what has been broken the
 * longest is what the on-call engineer looks at first). Uses the shared podProblems so main's
 * counts and the renderer's list agree.
 */
export function groupProblems(pods: readonly PodSummary[], now: number, t: ProblemThresholds = defaultProblemThresholds): ProblemGroups {
  const groups = Object.fromEntries(problemKinds.map((k) => [k, [] as ProblemRow[]])) as ProblemGroups;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    // Cheap pre-check: most pods are healthy and need no allocation at all.
    if (pod.deleting || (pod.ready && pod.phase === 'Running' && lastOomKill(pod) === undefined)) continue;
    for (const p of podProblems(pod, now, t)) {
      groups[p.kind].push({
        key: `${pod.uid}/${p.kind}`,
        kind: p.kind,
        message: p.message,
        pod,
        name: pod.name,
        since: pod.conditionSince ?? pod.createdAt,
      });
    }
  }
  for (const k of problemKinds) groups[k].sort((a, b) => a.since - b.since || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return groups;
}

export const totalProblems = (groups: ProblemGroups): number => problemKinds.reduce((n, k) => n + groups[k].length, 0);

/** Narrow the groups to one cluster and/or a case-insensitive text (pod, app, namespace, message). */
export function filterProblems(groups: ProblemGroups, text: string, clusterId: string): ProblemGroups {
  const needle = text.trim().toLowerCase();
  if (!needle && !clusterId) return groups;
  const keep = (r: ProblemRow) =>
    (!clusterId || r.pod.clusterId === clusterId) &&
    (!needle || `${r.pod.name}\n${r.pod.app ?? ''}\n${r.pod.namespace}\n${r.message}`.toLowerCase().includes(needle));
  return Object.fromEntries(problemKinds.map((k) => [k, groups[k].filter(keep)])) as ProblemGroups;
}

/**
 * The logs that explain a problem: a crash loop or an OOM kill is in the previous (terminated)
 * instance, from a little before it ended; a pod that is not ready, in its current logs. A pod
 * that cannot pull its image or is not scheduled has no logs (undefined).
 */
export function problemLogsTab(r: ProblemRow): NewLogsTab | undefined {
  const where = { clusterId: r.pod.clusterId, namespace: r.pod.namespace, pod: r.pod.name };
  switch (r.kind) {
    case 'CrashLoopBackOff':
    case 'OOMKilled':
      return podLogsTab(where, { previous: true, ...(r.pod.lastTerminationAt !== undefined ? { eventAt: r.pod.lastTerminationAt } : {}) });
    case 'NotReady':
      return podLogsTab(where);
    default:
      return undefined;
  }
}
