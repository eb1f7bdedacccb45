/**
 * The one rule for "was this container OOM-killed": the kubelet's termination reason says
 * `OOMKilled` (kubectl shows it as the pod's STATUS while the container is down). Exit code 137
 * alone is not proof: it is any SIGKILL (a liveness probe, a preStop timeout, `kill -9`).
 */
export interface OomEvidence {
  status?: string;
  lastTerminationReason?: string;
}

export const OOM_REASON = 'OOMKilled';

export const isOomKilled = (p: OomEvidence): boolean => p.lastTerminationReason === OOM_REASON || p.status === OOM_REASON;
