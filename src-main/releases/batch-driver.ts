/**
 * How a Deployment is moved batch by batch: design, interfaces, and the pure decision function.
 *
 * THE PROBLEM. A plan says "update exactly T_k of N instances, then stop, check, go on". A
 * Deployment's rolling update does not stop by itself, and `spec.paused=true` only stops the
 * controller from taking its NEXT step: pausing "when updatedReplicas reaches T_k" races the
 * controller, which may already have scaled the new ReplicaSet further.
 *
 * OPTIONS. (a) Pause on sight: simple, but overshoots by whatever the controller did before the
 * pause landed. (b) Two Deployments (stable + canary) scaled against each other: exact, but a
 * second object with an overlapping selector, a fold-back that churns every pod a second time, and
 * `kubectl rollout history` of the real Deployment no longer tells the story. (c) Drive the
 * controller's own arithmetic so that it stops by itself, with a pause to hold it there. We do (c).
 *
 * MECHANISM (one Deployment, one new ReplicaSet for the whole release, so `kubectl rollout
 * status/history` agree with the board). Notation: N replicas, T_k updated after batch k, b_k the
 * batch size. The controller (pkg/controller/deployment/rolling.go) grows the new RS only while
 * total pods < N + maxSurge, and shrinks old RSs only by (available pods − (N − maxUnavailable)).
 *  1. prepare: one patch sets our annotations (release id, original strategy and minReadySeconds,
 *     N), `paused=true`, `minReadySeconds=max(original, W)` and the new image. A paused Deployment
 *     gets no new ReplicaSet, so nothing moves yet.
 *  2. batch k: one patch sets `paused=false` and `maxSurge=b_k, maxUnavailable=0`. The controller
 *     scales old pods of batch k−1 down (their new replacements are available) and grows the new RS
 *     to exactly T_k; it can go no further until the T_k − T_{k−1} new pods are Available, which
 *     takes at least W seconds (minReadySeconds) after they are Ready.
 *  3. as soon as the new RS has T_k replicas: `paused=true`. While paused the controller only
 *     keeps sizes (total N + b_k = allowed size, so no proportional scaling). Batch k is done
 *     when the T_k new pods are Available.
 *  4. last batch: unpause with maxSurge=b_last and let the rollout complete (kubectl's rules),
 *     then restore the original strategy and minReadySeconds and remove our annotations.
 *
 * EXACTNESS. The new version runs on exactly T_k pods at every batch boundary, provided the pause
 * of step 3 lands within W seconds of the new RS reaching T_k (W defaults to 30 s; a pod's own
 * startup adds to it). If it lands late (the app was suspended, the API slow), the controller may
 * have started the next batch: the driver sees newRS > T_k, reports `overshoot` with the exact
 * counts, and the executor pauses the group for a person. No instance is ever taken down by the
 * mechanism (maxUnavailable=0): min-online holds, at the price of b_k surge pods of capacity. The
 * old pods matching batch k are removed when batch k+1 starts (N + b_k pods while holding).
 *
 * EXTERNAL EDITS. Every step re-reads the Deployment and compares what we set (image, replicas,
 * our annotations) with what is there; a difference is reported as `external-edit`, never
 * overwritten. Patches carry the read resourceVersion, so a change between read and write is a
 * 409 and the step simply runs again. Undo/rollback (kubectl's semantics: restore the old
 * template; refused while paused) unpauses in the same patch.
 */
import type { Deployment, Pod, ReplicaSet } from '../../src-shared/k8s/types';
import type { Result } from '../../src-shared/result';

export const ANN = {
  release: 'capstan.io/release',
  original: 'capstan.io/original', // JSON {strategy, minReadySeconds}
  replicas: 'capstan.io/replicas',
} as const;

export interface RollingStrategy {
  type?: string;
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
}
export type DeploymentWithStrategy = Deployment & { spec?: Deployment['spec'] & { strategy?: RollingStrategy } };

/** A strategic merge patch for a Deployment (containers merge by name). */
export interface DeploymentPatch {
  metadata?: { annotations?: Record<string, string | null> };
  spec?: {
    paused?: boolean;
    minReadySeconds?: number;
    strategy?: RollingStrategy | null;
    template?: { spec: { containers: { name: string; image: string }[] } };
  };
}

/** What the batch driver needs from a cluster connection (implemented by the foundation's per-cluster client). */
export interface ClusterOps {
  getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<Result<DeploymentWithStrategy>>;
  /**
   * Strategic merge patch. With `resourceVersion`, the server applies it only if the object is
   * still at that version (409 Conflict otherwise → AppError code 'conflict').
   */
  patchDeployment(namespace: string, name: string, patch: DeploymentPatch, opts: { resourceVersion?: string; signal?: AbortSignal }): Promise<Result<DeploymentWithStrategy>>;
  listReplicaSets(namespace: string, selector: Record<string, string>, signal?: AbortSignal): Promise<Result<ReplicaSet[]>>;
  listPods(namespace: string, selector: Record<string, string>, signal?: AbortSignal): Promise<Result<Pod[]>>;
}

export interface DriverTarget {
  clusterId: string;
  namespace: string;
  deployment: string;
  container: string;
}

export interface BatchGoal {
  releaseId: string;
  fromImage: string;
  toImage: string;
  /** N as planned; a different live replica count is an external edit (e.g. an HPA or a person). */
  replicas: number;
  /** T_k: new-version pods once this batch is done. */
  target: number;
  /** b_k. */
  batchSize: number;
  last: boolean;
  /** W: minReadySeconds during the release (the pause window). */
  windowSec: number;
}

export type DriverOutcome =
  | { kind: 'progressing'; detail: string }
  | { kind: 'batch-done'; updated: number }
  | { kind: 'rolled-back' }
  | { kind: 'external-edit'; detail: string }
  | { kind: 'overshoot'; expected: number; actual: number }
  | { kind: 'failed'; detail: string };

/** The interface the executor uses: call step() on a timer or on watch events until it is not `progressing`. */
export interface BatchDriver {
  step(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>>;
  rollbackStep(target: DriverTarget, goal: Pick<BatchGoal, 'releaseId' | 'fromImage' | 'toImage'>, signal?: AbortSignal): Promise<Result<DriverOutcome>>;
}

/** The facts a decision needs, read from the Deployment and its ReplicaSets. */
export interface Observation {
  replicas: number;
  paused: boolean;
  generation: number;
  observedGeneration: number;
  image?: string;
  annotations: Record<string, string>;
  strategy?: RollingStrategy;
  minReadySeconds: number;
  resourceVersion?: string;
  progressDeadlineExceeded: boolean;
  /** The ReplicaSet whose template runs the target image. */
  newRS?: { replicas: number; available: number };
  /** Sum of spec.replicas / available replicas of every other ReplicaSet. */
  oldReplicas: number;
  oldAvailable: number;
}

export function observe(d: DeploymentWithStrategy, rss: readonly ReplicaSet[], container: string, toImage: string): Observation {
  const imageOf = (t: { spec?: { containers: { name: string; image?: string }[] } } | undefined) => t?.spec?.containers.find((c) => c.name === container)?.image;
  const mine = rss.filter((rs) => imageOf(rs.spec?.template) === toImage);
  const others = rss.filter((rs) => !mine.includes(rs));
  return {
    replicas: d.spec?.replicas ?? 1,
    paused: d.spec?.paused ?? false,
    generation: d.metadata.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    image: imageOf(d.spec?.template),
    annotations: d.metadata.annotations ?? {},
    strategy: d.spec?.strategy,
    minReadySeconds: d.spec?.minReadySeconds ?? 0,
    resourceVersion: d.metadata.resourceVersion,
    progressDeadlineExceeded: (d.status?.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'),
    newRS: mine.length ? { replicas: sum(mine.map((r) => r.spec?.replicas ?? 0)), available: sum(mine.map((r) => r.status?.availableReplicas ?? 0)) } : undefined,
    oldReplicas: sum(others.map((r) => r.spec?.replicas ?? 0)),
    oldAvailable: sum(others.map((r) => r.status?.availableReplicas ?? 0)),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
