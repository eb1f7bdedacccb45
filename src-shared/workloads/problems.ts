/**
 * Problems an on-call engineer wants to see, computed from PodSummary (so main and renderer agree).
 * OOMKilled is recognised by the shared rule (oom.ts): the reason, per container; exit code 137 alone is not proof.
 */
import type { PodSummary } from './contract';
import { lastOomKill } from './oom';

export const problemKinds = ['CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'PendingTooLong', 'NotReady'] as const;
export type ProblemKind = (typeof problemKinds)[number];

export interface Problem {
  kind: ProblemKind;
  message: string;
}

export interface ProblemThresholds {
  /** A pod Pending longer than this is a problem. Default 5 min. */
  pendingMs: number;
  /** A Running pod not ready for longer than this is a problem. Default 2 min. */
  notReadyMs: number;
  /** An OOM kill older than this (by lastTerminationAt) is history, not a problem. Default 1 h; 0 = forever. */
  oomWindowMs?: number;
}
export const defaultProblemThresholds: ProblemThresholds = { pendingMs: 5 * 60_000, notReadyMs: 2 * 60_000, oomWindowMs: 60 * 60_000 };

const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min`;

/** Problems of one pod at time `now` (epoch ms). Empty when healthy. */
export function podProblems(pod: PodSummary, now: number, t: ProblemThresholds = defaultProblemThresholds): Problem[] {
  const out: Problem[] = [];
  if (pod.deleting) return out;
  if (pod.status === 'CrashLoopBackOff') {
    out.push({
      kind: 'CrashLoopBackOff',
      message: `Crash-looping (${pod.restarts} restarts, last: ${pod.lastTerminationReason ?? 'unknown'})`,
    });
  }
  const oomWindow = t.oomWindowMs ?? defaultProblemThresholds.oomWindowMs!;
  const oom = lastOomKill(pod);
  const recentOom = oom !== undefined && (oom.at === undefined || oomWindow === 0 || now - oom.at <= oomWindow);
  if (pod.status === 'OOMKilled' || recentOom) {
    out.push({ kind: 'OOMKilled', message: `A container was OOM-killed (${pod.restarts} restarts)` });
  }
  if (/ImagePullBackOff|ErrImagePull|InvalidImageName/.test(pod.status)) {
    out.push({ kind: 'ImagePullBackOff', message: `Cannot pull image (${pod.status}): ${pod.images.join(', ')}` });
  }
  const since = pod.conditionSince ?? pod.createdAt;
  if (pod.phase === 'Pending' && now - since > t.pendingMs) {
    out.push({ kind: 'PendingTooLong', message: `Pending for ${minutes(now - since)} (${pod.status})` });
  }
  if (pod.phase === 'Running' && !pod.ready && now - since > t.notReadyMs && pod.status !== 'CrashLoopBackOff') {
    out.push({ kind: 'NotReady', message: `Running but not ready for ${minutes(now - since)}` });
  }
  return out;
}

export const hasProblem = (pod: PodSummary, now: number, t: ProblemThresholds = defaultProblemThresholds): boolean =>
  podProblems(pod, now, t).length > 0;
