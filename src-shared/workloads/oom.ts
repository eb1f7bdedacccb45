/**
 * The one rule for "this container was OOM-killed", shared by Problems, the board's health gates
 * and counts, the metrics top lists and OOM forensics: the kubelet's termination reason
 * `OOMKilled`. Exit code 137 alone is not proof: it is any SIGKILL (a liveness probe, preemption,
 * `kill -9`), reported with reason `Error`.
 *
 * A pod's kills are read per container: in a multi-container pod a sidecar's later `Error` must
 * not hide the app container's `OOMKilled` (the pod's newest termination alone would).
 */
import type { PodSummary } from './contract';

export const isOomKill = (t: { reason?: string } | undefined): boolean => t?.reason === 'OOMKilled';

/** The newest OOM kill over a pod's containers (by finishedAt), or undefined if none is known. */
export function lastOomKill(
  pod: Pick<PodSummary, 'terminations' | 'lastTerminationReason' | 'lastTerminationAt'>,
): { container?: string; at?: number } | undefined {
  // Summaries from before per-container terminations (a saved snapshot) carry only the newest.
  if (!pod.terminations) return isOomKill({ reason: pod.lastTerminationReason }) ? { at: pod.lastTerminationAt } : undefined;
  let best: { container?: string; at?: number } | undefined;
  for (const t of pod.terminations) {
    if (!isOomKill(t)) continue;
    if (!best || (t.at ?? 0) >= (best.at ?? 0)) best = { container: t.container, at: t.at };
  }
  return best;
}

/** OOM-killed, as a pod is counted: a container terminated OOMKilled now (STATUS) or in its last state. */
export const wasOomKilled = (pod: Pick<PodSummary, 'status' | 'terminations' | 'lastTerminationReason' | 'lastTerminationAt'>): boolean =>
  pod.status === 'OOMKilled' || lastOomKill(pod) !== undefined;
