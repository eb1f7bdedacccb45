/**
 * The arithmetic of a rolling update, as in kubernetes/pkg/controller/deployment/util: how far the
 * new ReplicaSet may scale up (maxSurge) and how many old pods may go (maxUnavailable).
 */
import { resolveIntOrPercent } from '../kube/pods';

export interface RsView {
  name: string;
  replicas: number;
  available: number;
  creationTimestamp: string;
}

export function surgeAndUnavailable(replicas: number, rollingUpdate: { maxSurge?: number | string; maxUnavailable?: number | string } | undefined): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = resolveIntOrPercent(rollingUpdate?.maxSurge, replicas, true, '25%');
  let maxUnavailable = resolveIntOrPercent(rollingUpdate?.maxUnavailable, replicas, false, '25%');
  // Both zero would deadlock a rollout; kube forces one unavailable pod then.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (maxUnavailable > replicas) maxUnavailable = replicas;
  return { maxSurge, maxUnavailable };
}

/** NewRSNewReplicas for the RollingUpdate strategy. */
export function newReplicaSetReplicas(replicas: number, maxSurge: number, all: RsView[], newRs: RsView): number {
  const current = all.reduce((n, r) => n + r.replicas, 0);
  const maxTotal = replicas + maxSurge;
  if (current >= maxTotal) return newRs.replicas;
  const scaleUp = Math.min(maxTotal - current, replicas - newRs.replicas);
  return newRs.replicas + Math.max(0, scaleUp);
}

/**
 * New replica counts for old ReplicaSets: first unhealthy old pods go (they do not count toward
 * availability), then healthy ones while availability stays above replicas - maxUnavailable.
 */
export function scaleDownOld(replicas: number, maxUnavailable: number, oldRs: RsView[], newRs: RsView | undefined): Map<string, number> {
  const result = new Map<string, number>();
  const all = newRs ? [...oldRs, newRs] : oldRs;
  const oldCount = oldRs.reduce((n, r) => n + r.replicas, 0);
  if (oldCount === 0) return result;
  const allCount = all.reduce((n, r) => n + r.replicas, 0);
  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = newRs ? newRs.replicas - newRs.available : 0;
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return result;
  const sorted = [...oldRs].sort((a, b) => a.creationTimestamp.localeCompare(b.creationTimestamp));
  const target = new Map(sorted.map((r) => [r.name, r.replicas]));

  let cleaned = 0;
  for (const r of sorted) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = r.replicas - r.available;
    if (r.replicas === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    target.set(r.name, r.replicas - down);
    cleaned += down;
  }

  const available = all.reduce((n, r) => n + Math.min(r.available, target.get(r.name) ?? r.replicas), 0);
  if (available > minAvailable) {
    let budget = Math.min(available - minAvailable, maxScaledDown - cleaned);
    for (const r of sorted) {
      if (budget <= 0) break;
      const cur = target.get(r.name)!;
      if (cur === 0) continue;
      const down = Math.min(cur, budget);
      target.set(r.name, cur - down);
      budget -= down;
    }
  }
  for (const r of sorted) if (target.get(r.name) !== r.replicas) result.set(r.name, target.get(r.name)!);
  return result;
}

/**
 * Proportional scaling (deployment controller `scale()`): when a Deployment is resized while
 * several ReplicaSets are active, the difference is shared in proportion to their sizes, the
 * rounding leftover going to the largest (newest on ties when growing, oldest when shrinking).
 */
export function proportionalSizes(active: RsView[], allowedTotal: number): Map<string, number> {
  const current = active.reduce((n, r) => n + r.replicas, 0);
  const toAdd = allowedTotal - current;
  const result = new Map(active.map((r) => [r.name, r.replicas]));
  if (toAdd === 0 || current === 0) return result;
  const sorted = [...active].sort((a, b) => b.replicas - a.replicas
    || (toAdd > 0 ? b.creationTimestamp.localeCompare(a.creationTimestamp) : a.creationTimestamp.localeCompare(b.creationTimestamp)));
  let added = 0;
  for (const r of sorted) {
    const share = Math.round((r.replicas * allowedTotal) / current) - r.replicas;
    const step = toAdd > 0 ? Math.min(share, toAdd - added) : Math.max(share, toAdd - added, -r.replicas);
    result.set(r.name, r.replicas + step);
    added += step;
  }
  const first = sorted[0]!;
  result.set(first.name, Math.max(0, result.get(first.name)! + (toAdd - added)));
  return result;
}
