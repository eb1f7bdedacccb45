/**
 * How a Deployment is moved batch by batch: design, interfaces, and the observation the pure
 * decisions (batch-decide.ts) work on.
 *
 * THE PROBLEM. A plan says "update exactly T_k of N instances, then stop, check, go on", and that
 * must hold at every instant, including when Capstan dies (crash, laptop asleep, VPN gone) in the
 * middle of a step: whatever state Capstan leaves must be one the controller holds by itself.
 * `spec.paused` does not give that: a release must unpause to let the controller move, and a
 * crash in that window lets the rollout run to the end ungated. Pausing is also not inert: a
 * paused Deployment still runs `scale()` (sync.go), which resizes every active ReplicaSet in
 * proportion whenever their total differs from replicas + maxSurge.
 *
 * OPTIONS. (a) Pause/unpause per batch (what Capstan did): exact only if the pause lands in time.
 * (b) Pause for good and scale the ReplicaSets ourselves (OpenKruise's older partition style for
 * Deployments): the paused `scale()` fights any total that is not N + maxSurge, and the new
 * ReplicaSet can only be created by an unpaused sync. (c) Argo Rollouts: a controller of its own
 * and a Rollout object instead of the Deployment: not ours to install. (d) Make the native
 * controller unable to pass the boundary (OpenKruise Rollouts' newer style): inflate
 * `minReadySeconds` so new pods never count as Available, and `progressDeadlineSeconds` to
 * MaxInt32 (kube's "no deadline"), so that the controller's own arithmetic stops by itself. We do
 * (d), with our own choice of maxSurge/maxUnavailable and old pods retired by us.
 *
 * MECHANISM. The controller grows the new ReplicaSet only while all pods < N + maxSurge, and
 * scales old ReplicaSets down only by (available − (N − maxUnavailable) − unavailable new pods);
 * with new pods never Available and maxUnavailable = 0 that is ≤ 0 as long as no more than N old
 * pods are Available. One Deployment, one new ReplicaSet for the whole release. b_k = T_k − T_{k−1}.
 *  1. claim: one patch sets our annotations (release id, original settings, N), paused=false,
 *     minReadySeconds=2147483646, progressDeadlineSeconds=2147483647, maxSurge=T_1 (the fort: 1),
 *     maxUnavailable=0 and the new image. The controller creates the new ReplicaSet with T_1 pods.
 *  2. batch k, grow: maxSurge = T_k + old − N (= b_k + 1), maxUnavailable 0. The new ReplicaSet
 *     goes to exactly T_k; nothing old goes.
 *  3. once the T_k new pods are Ready (we read readiness, not availability): maxSurge 1 (growth
 *     frozen: all pods ≥ N + 1), then we scale the oldest old ReplicaSets down to N − T_k + 1
 *     ourselves (to 0 at the last batch). The controller leaves them there (it never scales old
 *     ReplicaSets up outside a scaling event, and our scale does not touch their
 *     desired-replicas annotation).
 *  4. last batch: same to N; then one patch restores the original strategy, minReadySeconds,
 *     progress deadline and paused flag and removes our annotations.
 * Rollback is the same mechanism with the old image as the one grown (step = largest batch),
 * then the original settings come back: no pod goes before its replacement is Ready.
 *
 * RESTING STATES (Capstan gone at any instant): after 1, 2 or 3, T_k new pods and between
 * N − T_k + 1 and N − T_{k−1} + 1 old ones (N at the fort), maxUnavailable 0; after 4, the
 * rollout is complete. In none can the controller add a new pod beyond T_k (all pods ≥ N +
 * maxSurge) or take a pod down (maxUnavailable 0). Nothing in the mechanism ever pauses the
 * Deployment: a paused Deployment would get `scale()`. EXACTNESS: T_k new pods at every boundary,
 * independent of timing; ready pods never below N minus pods failing on their own; cost: b_k + 1
 * extra pods during batch k, one while held. While held, `kubectl rollout status` waits ("T_k out
 * of N new replicas have been updated"), `kubectl get deploy` shows AVAILABLE = old pods only and
 * the Available condition may turn False (MinimumReplicasUnavailable), because new pods are never
 * Available until step 4; `kubectl rollout history` shows one revision per release.
 *
 * EXTERNAL EDITS. Every step re-reads the Deployment; a difference from what we set (image,
 * replicas, pause, the inflated fields, our annotations) is reported, never overwritten, and the
 * executor also watches the Deployment between steps (soak, approval). Writes carry the read
 * resourceVersion, so a change between read and write is a 409 and the step simply runs again.
 */
import { byCreation } from '../../src-shared/k8s/rolling-update';
import type { Deployment, Pod, ReplicaSet } from '../../src-shared/k8s/types';
import type { OriginalSpec } from '../../src-shared/releases/execution-model';
import type { Result } from '../../src-shared/result';
import type { RollbackGoal } from './batch-decide';

export const ANN = {
  release: 'capstan.io/release',
  original: 'capstan.io/original', // JSON OriginalSpec (also kept in the execution record)
  replicas: 'capstan.io/replicas',
} as const;

/** The inflated values that keep the controller from passing a boundary (MaxInt32 deadline = none). */
export const HOLD = { minReadySeconds: 2147483646, progressDeadlineSeconds: 2147483647 } as const;

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
    progressDeadlineSeconds?: number | null;
    strategy?: RollingStrategy | null;
    template?: { spec: { containers: { name: string; image: string }[] } };
  };
}

export interface WriteOpts {
  resourceVersion?: string;
  signal?: AbortSignal;
  /** Send it as a server-side dry run (dryRun=All): validated and answered, nothing stored. */
  dryRun?: boolean;
}

/** What the batch driver needs from a cluster connection (implemented by the foundation's per-cluster client). */
export interface ClusterOps {
  getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<Result<DeploymentWithStrategy>>;
  /**
   * Strategic merge patch. With `resourceVersion`, the server applies it only if the object is
   * still at that version (409 Conflict otherwise → AppError code 'conflict'). With `dryRun`, the
   * server validates it (schema, admission, quota) and answers what it would store, storing nothing.
   */
  patchDeployment(namespace: string, name: string, patch: DeploymentPatch, opts: WriteOpts): Promise<Result<DeploymentWithStrategy>>;
  /** Merge patch of a ReplicaSet's spec.replicas, at `resourceVersion` (409 → 'conflict'); `dryRun` as above. */
  scaleReplicaSet(namespace: string, name: string, replicas: number, opts: WriteOpts): Promise<Result<ReplicaSet>>;
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
  /** What the Deployment was before the release (from the execution record). */
  original?: OriginalSpec;
  /** A person resumed after a drift: put the hold settings (pause, minReadySeconds, deadline) back instead of reporting them. */
  reassert?: boolean;
  /** Who started the release: named in the Deployment's change cause. */
  by?: string;
}

export type DriverOutcome =
  /** `wrote`: the Deployment as this step's patch left it (the watch takes it as ours). */
  | { kind: 'progressing'; detail: string; wrote?: DeploymentWithStrategy }
  | { kind: 'batch-done'; updated: number }
  | { kind: 'rolled-back' }
  | { kind: 'external-edit'; detail: string }
  | { kind: 'overshoot'; expected: number; actual: number }
  | { kind: 'failed'; detail: string };

/** The interface the executor uses: call step() on a timer or on watch events until it is not `progressing`. */
export interface BatchDriver {
  step(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>>;
  rollbackStep(target: DriverTarget, goal: RollbackGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>>;
  /** Read the Deployment as a decision sees it (for the record, and for the watch). */
  observe(target: DriverTarget, image: string, signal?: AbortSignal): Promise<Result<Observation>>;
}

/** The facts a decision needs, read from the Deployment and its ReplicaSets. */
export interface Observation {
  /** The container whose image the release sets. */
  container: string;
  replicas: number;
  paused: boolean;
  generation: number;
  observedGeneration: number;
  image?: string;
  annotations: Record<string, string>;
  strategy?: RollingStrategy;
  minReadySeconds: number;
  progressDeadlineSeconds?: number;
  resourceVersion?: string;
  progressDeadlineExceeded: boolean;
  /** The ReplicaSet whose template runs the target image. */
  newRS?: { replicas: number; available: number; ready: number };
  /** Sum of spec.replicas / available / ready replicas of every other ReplicaSet. */
  oldReplicas: number;
  oldAvailable: number;
  oldReady: number;
  /** The other ReplicaSets, oldest first (the order old pods are retired in). */
  oldSets: { name: string; replicas: number }[];
}

export function observe(d: DeploymentWithStrategy, rss: readonly ReplicaSet[], container: string, toImage: string): Observation {
  const imageOf = (t: { spec?: { containers: { name: string; image?: string }[] } } | undefined) =>
    t?.spec?.containers.find((c) => c.name === container)?.image;
  const mine = rss.filter((rs) => imageOf(rs.spec?.template) === toImage);
  const others = rss.filter((rs) => !mine.includes(rs));
  return {
    container,
    replicas: d.spec?.replicas ?? 1,
    paused: d.spec?.paused ?? false,
    generation: d.metadata.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    image: imageOf(d.spec?.template),
    annotations: d.metadata.annotations ?? {},
    strategy: d.spec?.strategy,
    minReadySeconds: d.spec?.minReadySeconds ?? 0,
    progressDeadlineSeconds: (d.spec as { progressDeadlineSeconds?: number } | undefined)?.progressDeadlineSeconds,
    resourceVersion: d.metadata.resourceVersion,
    progressDeadlineExceeded: (d.status?.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'),
    newRS: mine.length
      ? {
          replicas: sum(mine.map((r) => r.spec?.replicas ?? 0)),
          available: sum(mine.map((r) => r.status?.availableReplicas ?? 0)),
          ready: sum(mine.map((r) => r.status?.readyReplicas ?? 0)),
        }
      : undefined,
    oldReplicas: sum(others.map((r) => r.spec?.replicas ?? 0)),
    oldAvailable: sum(others.map((r) => r.status?.availableReplicas ?? 0)),
    oldReady: sum(others.map((r) => r.status?.readyReplicas ?? 0)),
    oldSets: others
      .map((r) => ({ name: r.metadata.name ?? '', replicas: r.spec?.replicas ?? 0, creationTimestamp: r.metadata.creationTimestamp ?? '' }))
      .sort(byCreation)
      .map(({ name, replicas }) => ({ name, replicas })),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
