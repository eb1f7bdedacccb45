/**
 * The arithmetic of the Deployment controller, as kubernetes/pkg/controller/deployment does it
 * (rolling.go, sync.go, util/deployment_util.go), as pure functions over ReplicaSet views. Each
 * function answers one question the controller asks in one sync; the controller applies the
 * answer and returns, so a new and an old ReplicaSet are never both scaled in one rolling sync.
 * Checked against upstream's own test vectors in rolling-update.test.ts. Pure: the sandbox's
 * Deployment controller runs it, and the release executor uses the growth rule to steer it.
 */

/** Resolves an IntOrString (`2` or `"25%"`) against a total, rounding up or down as kube does. */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: number | string,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RsView {
  name: string;
  replicas: number;
  available: number;
  creationTimestamp: string;
  /** deployment.kubernetes.io/desired-replicas, when present. */
  desired?: number;
  /** deployment.kubernetes.io/max-replicas, when present. */
  maxReplicas?: number;
}

export type RollingUpdateParams = { maxSurge?: number | string; maxUnavailable?: number | string } | undefined;

/**
 * ResolveFenceposts: surge rounds up, unavailable rounds down; both zero would deadlock, so one
 * pod may be unavailable then. MaxUnavailable never exceeds replicas and is 0 for 0 replicas.
 */
export function surgeAndUnavailable(replicas: number, rollingUpdate: RollingUpdateParams): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = resolveIntOrPercent(rollingUpdate?.maxSurge, replicas, true, '25%');
  let maxUnavailable = resolveIntOrPercent(rollingUpdate?.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (replicas === 0) maxUnavailable = 0;
  if (maxUnavailable > replicas) maxUnavailable = replicas;
  return { maxSurge, maxUnavailable };
}

const total = (xs: RsView[]) => xs.reduce((n, r) => n + r.replicas, 0);
/** Oldest first (then by name): the order old ReplicaSets are scaled down in. */
export const byCreation = (a: Pick<RsView, 'name' | 'creationTimestamp'>, b: Pick<RsView, 'name' | 'creationTimestamp'>) =>
  a.creationTimestamp.localeCompare(b.creationTimestamp) || a.name.localeCompare(b.name);

/** NewRSNewReplicas (RollingUpdate): grow the new ReplicaSet while all pods < replicas + maxSurge. */
export function newReplicaSetReplicas(replicas: number, maxSurge: number, all: RsView[], newRs: RsView): number {
  const current = total(all);
  const maxTotal = replicas + maxSurge;
  if (current >= maxTotal) return newRs.replicas;
  return newRs.replicas + Math.min(maxTotal - current, replicas - newRs.replicas);
}

/**
 * The inverse of newReplicaSetReplicas for a controller that should grow the new ReplicaSet to
 * exactly `target` and stop: it grows while all pods < replicas + maxSurge, so with `oldReplicas`
 * old pods kept, maxSurge = target + old − replicas (at least 1: the API refuses 0 with a
 * maxUnavailable of 0).
 */
export function surgeToGrowTo(replicas: number, oldReplicas: number, target: number): number {
  return Math.max(1, target + oldReplicas - replicas);
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function reconcileNewTarget(replicas: number, maxSurge: number, all: RsView[], newRs: RsView): number | undefined {
  if (newRs.replicas === replicas) return undefined;
  const target = newRs.replicas > replicas ? replicas : newReplicaSetReplicas(replicas, maxSurge, all, newRs);
  return target === newRs.replicas ? undefined : target;
}

/** cleanupUnhealthyReplicas: old ReplicaSets (oldest first) lose their unavailable pods, at most maxCleanup in all. */
export function cleanupUnhealthy(oldRs: RsView[], maxCleanup: number): { sizes: Map<string, number>; cleaned: number } {
  const sizes = new Map<string, number>();
  let cleaned = 0;
  for (const r of [...oldRs].sort(byCreation)) {
    if (cleaned >= maxCleanup) break;
    if (r.replicas === 0 || r.replicas === r.available) continue;
    const down = Math.min(maxCleanup - cleaned, r.replicas - r.available);
    sizes.set(r.name, r.replicas - down);
    cleaned += down;
  }
  return { sizes, cleaned };
}

/** scaleDownOldReplicaSetsForRollingUpdate: available pods above replicas - maxUnavailable may go, oldest ReplicaSets first. */
export function scaleDownForRollingUpdate(
  replicas: number,
  maxUnavailable: number,
  all: RsView[],
  oldRs: RsView[],
): { sizes: Map<string, number>; scaled: number } {
  const sizes = new Map<string, number>();
  const minAvailable = replicas - maxUnavailable;
  const available = all.reduce((n, r) => n + r.available, 0);
  if (available <= minAvailable) return { sizes, scaled: 0 };
  const budget = available - minAvailable;
  let scaled = 0;
  for (const r of [...oldRs].sort(byCreation)) {
    if (scaled >= budget) break;
    if (r.replicas === 0) continue;
    const down = Math.min(r.replicas, budget - scaled);
    sizes.set(r.name, r.replicas - down);
    scaled += down;
  }
  return { sizes, scaled };
}

/**
 * reconcileOldReplicaSets: how far old ReplicaSets may shrink, given that unavailable new pods
 * already use part of the budget. Unhealthy old pods go first, then healthy ones.
 */
export function reconcileOld(replicas: number, maxUnavailable: number, oldRs: RsView[], newRs: RsView): Map<string, number> {
  if (total(oldRs) === 0) return new Map();
  const maxScaledDown = total([...oldRs, newRs]) - (replicas - maxUnavailable) - (newRs.replicas - newRs.available);
  if (maxScaledDown <= 0) return new Map();
  const { sizes } = cleanupUnhealthy(oldRs, maxScaledDown);
  const cleanedOld = oldRs.map((r) => ({ ...r, replicas: sizes.get(r.name) ?? r.replicas }));
  const down = scaleDownForRollingUpdate(replicas, maxUnavailable, [...cleanedOld, newRs], cleanedOld);
  for (const [k, v] of down.sizes) sizes.set(k, v);
  return sizes;
}

/** isScalingEvent: an active ReplicaSet was sized for another replica count than the Deployment's. */
export function isScalingEvent(replicas: number, all: RsView[]): boolean {
  return all.some((r) => r.replicas > 0 && r.desired !== undefined && r.desired !== replicas);
}

/** IsSaturated: the new ReplicaSet runs all replicas, sized for them, all available. */
export function isSaturated(replicas: number, newRs: RsView | undefined): boolean {
  return !!newRs && newRs.replicas === replicas && newRs.desired === replicas && newRs.available === replicas;
}

/**
 * The controller's `scale()` (sync.go), run for paused Deployments and scaling events: one active
 * ReplicaSet (or none: the newest) takes the whole count; a saturated new ReplicaSet makes the old
 * ones go to zero; otherwise, with RollingUpdate, the difference between replicas + maxSurge and
 * the pods of all active ReplicaSets is shared in proportion to each one's size over the
 * max-replicas it was sized for, leftovers to the largest. Returns the sizes to write (every
 * ReplicaSet listed is written, so that its replica annotations are refreshed).
 */
export function scaleSizes(
  replicas: number,
  maxSurge: number,
  rollingUpdate: boolean,
  newRs: RsView | undefined,
  oldRs: RsView[],
  statusReplicas: number,
): Map<string, number> {
  const sizes = new Map<string, number>();
  const everything = newRs ? [...oldRs, newRs] : [...oldRs];
  if (everything.length === 0) return sizes;
  const active = everything.filter((r) => r.replicas > 0);
  if (active.length <= 1) {
    const one = active[0] ?? newRs ?? [...oldRs].sort(byCreation).at(-1)!;
    if (one.replicas !== replicas) sizes.set(one.name, replicas);
    return sizes;
  }
  if (isSaturated(replicas, newRs)) {
    for (const r of oldRs) if (r.replicas > 0) sizes.set(r.name, 0);
    return sizes;
  }
  if (!rollingUpdate) return sizes;
  const allowed = replicas > 0 ? replicas + maxSurge : 0;
  const toAdd = allowed - total(active);
  const ordered = [...active].sort((a, b) => b.replicas - a.replicas || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  for (const r of ordered) {
    const share = toAdd === 0 ? 0 : proportion(r, replicas, maxSurge, toAdd, added, statusReplicas);
    sizes.set(r.name, r.replicas + share);
    added += share;
  }
  if (toAdd !== 0) {
    const first = ordered[0]!;
    sizes.set(first.name, Math.max(0, sizes.get(first.name)! + toAdd - added));
  }
  return sizes;
}

/** GetReplicaSetProportion: this ReplicaSet's share of toAdd, bounded by what is left to add or remove. */
function proportion(r: RsView, replicas: number, maxSurge: number, toAdd: number, added: number, statusReplicas: number): number {
  if (r.replicas === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(r, replicas, maxSurge, statusReplicas);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(r: RsView, replicas: number, maxSurge: number, statusReplicas: number): number {
  if (replicas === 0) return -r.replicas;
  const before = r.maxReplicas || statusReplicas;
  if (!before) return 0;
  return goRound((r.replicas * (replicas + maxSurge)) / before) - r.replicas;
}

/** Go's math.Round: half away from zero (Math.round rounds -2.5 to -2). */
function goRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}
