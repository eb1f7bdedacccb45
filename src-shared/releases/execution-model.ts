/**
 * Data of a release execution: the persisted state (zod schemas, so a file read back from disk is
 * checked before it is trusted), the events that drive it, and createExecution. The reducer is in
 * execution.ts, stage scheduling and the derived status in execution-schedule.ts.
 *
 * Per group: pending → fort (updating the one fort instance) → baking (checks after the fort) →
 * rolling batch i/n (step `updating`, then `checking`) → succeeded. `paused` remembers where it
 * was (`resume` goes back there); `rolling-back` → `rolled-back`; `aborted`; `failed`.
 */
import { z } from 'zod';
import { splitBatches } from './batch-pattern';
import { clusterLostPolicies, effectiveGates, imageString, rollbackPolicies, stageNeedsApproval, type ReleasePlan } from './plan';
import type { ResolvedTarget } from './resolve';

export const groupPhases = [
  'pending',
  'fort',
  'baking',
  'rolling',
  'succeeded',
  'paused',
  'aborted',
  'rolling-back',
  'rolled-back',
  'failed',
] as const;
export type GroupPhase = (typeof groupPhases)[number];
/** Phases in which a group is moving or being checked (it holds one of the parallel slots). */
export const ACTIVE_PHASES: readonly GroupPhase[] = ['fort', 'baking', 'rolling'];
export const TERMINAL_PHASES: readonly GroupPhase[] = ['succeeded', 'aborted', 'rolled-back', 'failed'];

export const healthGates = ['ready', 'no-new-restarts', 'no-oomkilled', 'no-crashloop'] as const;
export type HealthGate = (typeof healthGates)[number];
export const checkNames = ['soak', 'health', 'approval'] as const;
export type CheckName = (typeof checkNames)[number];

export const pauseReasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual'), note: z.string().optional() }),
  z.object({ kind: z.literal('stop-the-line'), note: z.string().optional() }),
  z.object({ kind: z.literal('gate-failed'), gate: z.enum(healthGates), detail: z.string() }),
  z.object({ kind: z.literal('cluster-unreachable'), clusterId: z.string() }),
  /**
   * Someone else changed the Deployment. `by`: the managedFields manager that wrote last, when
   * known. `acceptBatch`: the rollout was moved past the batch boundary, to where batch
   * `acceptBatch` ends or within it; a person may accept that progress and go on gating from there.
   */
  z.object({ kind: z.literal('drift'), detail: z.string(), by: z.string().optional(), acceptBatch: z.number().int().min(0).optional() }),
]);
export type PauseReason = z.infer<typeof pauseReasonSchema>;

export const originalSpecSchema = z.object({
  strategy: z
    .object({
      type: z.string().optional(),
      rollingUpdate: z
        .object({ maxSurge: z.union([z.number(), z.string()]).optional(), maxUnavailable: z.union([z.number(), z.string()]).optional() })
        .optional(),
    })
    .nullable(),
  minReadySeconds: z.number().int(),
  progressDeadlineSeconds: z.number().int().nullable(),
  paused: z.boolean(),
});
export type OriginalSpec = z.infer<typeof originalSpecSchema>;

/**
 * What went wrong in a group after its gate passed (the release-long health watch): the evidence a
 * person needs to decide, kept with the group. An override (someone continued anyway, with a
 * reason) is recorded here and in the history.
 */
export const degradedKinds = ['oom', 'crashloop', 'restart', 'not-ready'] as const;
export const degradedSchema = z.object({
  what: z.enum(degradedKinds),
  /** Epoch ms the cluster says it happened (termination time), else when it was seen. */
  at: z.number(),
  pod: z.string(),
  restarts: z.number().int().min(0),
  detail: z.string(),
  /** Epoch ms since the group had been healthy (its gate passed) before this. */
  healthySince: z.number(),
  overridden: z.object({ actor: z.string(), reason: z.string(), at: z.number() }).optional(),
});
export type Degraded = z.infer<typeof degradedSchema>;

const resumePointSchema = z.object({ phase: z.enum(['pending', 'fort', 'baking', 'rolling']), step: z.enum(['updating', 'checking']) });

export const groupExecutionSchema = z.object({
  key: z.string(),
  clusterId: z.string(),
  namespace: z.string(),
  deployment: z.string(),
  stageIndex: z.number().int().min(0),
  fort: z.boolean(),
  /** Instances per batch (fort first). [0] for a group with 0 replicas: a template-only step. */
  batches: z.array(z.number().int().min(0)).min(1),
  fromImage: z.string().optional(),
  /** Target image of this group (the plan's, in the group's regional registry). */
  toImage: z.string(),
  phase: z.enum(groupPhases),
  /** Current (or last) batch index into `batches`. */
  batch: z.number().int().min(0),
  step: z.enum(['updating', 'checking']),
  /** Checks still outstanding for the current batch while `checking`. */
  awaiting: z.array(z.enum(checkNames)),
  pausedFrom: resumePointSchema.optional(),
  pauseReason: pauseReasonSchema.optional(),
  failure: z.string().optional(),
  degraded: degradedSchema.optional(),
  /** Release version at which this group's phase/step/batch last changed (approvals are checked against it). */
  changedAt: z.number().int(),
  /**
   * The Deployment's strategy, minReadySeconds, progressDeadlineSeconds and paused flag before this
   * release changed them (recorded here, not only in annotations that `kubectl rollout undo` wipes).
   */
  original: originalSpecSchema.optional(),
  /**
   * After an abort: the executor gave the Deployment back (or found nothing to give back, or the
   * API server refused it). Absent on an aborted group: the hand-back is still due, and whoever
   * drives the release next (a restarted Capstan, a take-over) does it before anything else.
   */
  handedBack: z.object({ at: z.number(), outcome: z.enum(['restored', 'held', 'untouched', 'refused']), detail: z.string() }).optional(),
});
export type GroupExecution = z.infer<typeof groupExecutionSchema>;

export const historyEntrySchema = z.object({
  version: z.number().int(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  result: z.enum(['ok', 'rejected']),
  changes: z.array(z.string()),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const executionStatuses = [
  'pending',
  'running',
  'baking',
  'degraded',
  'awaiting-approval',
  'paused',
  'succeeded',
  'aborted',
  'rolling-back',
  'rolled-back',
  'failed',
] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];
/** Statuses of a release that has ended (the same four words as TERMINAL_PHASES). */
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'aborted', 'rolled-back', 'failed'];

export const executionStateSchema = z.object({
  schema: z.literal(1),
  id: z.string().min(1),
  planName: z.string(),
  app: z.string(),
  /** The plan's image as written (per-group targets are in groups[].toImage). */
  toImage: z.string(),
  createdAt: z.number(),
  version: z.number().int().min(0),
  status: z.enum(executionStatuses),
  config: z.object({
    maxParallelGroups: z.number().int().min(1),
    rollback: z.enum(rollbackPolicies),
    onClusterLost: z.enum(clusterLostPolicies),
    soakAfterFortSec: z.number(),
    soakAfterBatchSec: z.number(),
    approvalAfterFort: z.boolean(),
    /** Post-stage bake (absent in executions saved before it existed: no bake). */
    bakeSec: z.number().optional(),
  }),
  stages: z.array(z.object({ name: z.string(), approvalBefore: z.boolean() })),
  started: z.boolean(),
  aborted: z.boolean(),
  /** Release-level pause (stop the line, or pause without a group): no group starts or moves. */
  stopped: pauseReasonSchema.optional(),
  stageIndex: z.number().int().min(0),
  stageApproved: z.boolean(),
  /** Version at which the current stage began waiting for its approval. */
  stageWaitSince: z.number().int(),
  unreachable: z.array(z.string()),
  /** The post-stage bake in progress: which stage, since when (epoch ms). */
  bake: z.object({ stage: z.number().int().min(0), since: z.number() }).optional(),
  /** Highest stage index whose bake is done. */
  bakedStage: z.number().int().optional(),
  groups: z.array(groupExecutionSchema),
  history: z.array(historyEntrySchema),
  /**
   * Team releases: the cluster whose `capstan-system` namespace holds this execution's Lease and
   * record (releases README, "Team releases"). Absent: local only, on this machine alone.
   */
  home: z.string().optional(),
  /** History entries left out of the cluster record to keep it under the object size limit (the oldest ones). */
  historyOmitted: z.number().int().min(0).optional(),
});
export type ExecutionState = z.infer<typeof executionStateSchema>;

const base = { at: z.number(), actor: z.string().min(1).max(200) };
const g = z.string().min(1);
export const executionEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('start') }),
  z.object({ ...base, type: z.literal('fortDone'), group: g }),
  z.object({ ...base, type: z.literal('batchDone'), group: g, batch: z.number().int().min(0) }),
  z.object({ ...base, type: z.literal('bakeElapsed'), group: g }),
  z.object({ ...base, type: z.literal('gatePassed'), group: g, gate: z.enum(['health', 'soak']) }),
  z.object({ ...base, type: z.literal('gateFailed'), group: g, gate: z.enum(healthGates), detail: z.string() }),
  /** `override`: the reason to approve although a group is degraded (refused without one). */
  z.object({
    ...base,
    type: z.literal('approvalGiven'),
    version: z.number().int(),
    group: g.optional(),
    override: z.string().min(3).max(500).optional(),
  }),
  /** The release-long health watch saw a group that had succeeded go bad. */
  z.object({ ...base, type: z.literal('degraded'), group: g, evidence: degradedSchema.omit({ overridden: true }) }),
  /** The post-stage bake of `stage` ran its time with every group healthy. */
  z.object({ ...base, type: z.literal('stageBaked'), stage: z.number().int().min(0) }),
  /** Continue although groups are degraded (automatic transitions), with a reason. */
  z.object({ ...base, type: z.literal('overrideDegraded'), reason: z.string().min(3).max(500) }),
  z.object({ ...base, type: z.literal('pause'), group: g.optional(), note: z.string().optional() }),
  z.object({ ...base, type: z.literal('resume'), group: g.optional() }),
  z.object({ ...base, type: z.literal('retry'), group: g }),
  z.object({ ...base, type: z.literal('abort'), note: z.string().optional() }),
  z.object({ ...base, type: z.literal('rollback'), group: g.optional() }),
  z.object({ ...base, type: z.literal('rollbackDone'), group: g }),
  z.object({ ...base, type: z.literal('fail'), group: g, detail: z.string() }),
  z.object({ ...base, type: z.literal('clusterLost'), clusterId: z.string() }),
  z.object({ ...base, type: z.literal('clusterBack'), clusterId: z.string() }),
  z.object({
    ...base,
    type: z.literal('externalEdit'),
    group: g,
    detail: z.string(),
    by: z.string().optional(),
    acceptBatch: z.number().int().min(0).optional(),
  }),
  /** The executor took the Deployment over and recorded what it was before. */
  z.object({ ...base, type: z.literal('originalRecorded'), group: g, original: originalSpecSchema }),
  /** A boundary was passed by someone else: take the current progress as batch `batch` and gate from there. */
  z.object({ ...base, type: z.literal('acceptProgress'), group: g, batch: z.number().int().min(0) }),
  /** The abort's hand-back of one group's Deployment, done (what was restored or left, or why not). */
  z.object({
    ...base,
    type: z.literal('handedBack'),
    group: g,
    outcome: z.enum(['restored', 'held', 'untouched', 'refused']),
    detail: z.string(),
  }),
  /** A fact worth keeping in the history (e.g. who took a release over). */
  z.object({ ...base, type: z.literal('note'), group: g, detail: z.string() }),
  z.object({ ...base, type: z.literal('stopTheLine'), note: z.string().optional() }),
  /** The app loaded this execution after a restart or crash: hold everything until a person resumes. */
  z.object({ ...base, type: z.literal('recovered') }),
]);
export type ExecutionEvent = z.infer<typeof executionEventSchema>;

/** A fresh execution for a validated plan and its resolved targets (stage by stage). */
export function createExecution(id: string, plan: ReleasePlan, stages: ResolvedTarget[][], at: number): ExecutionState {
  const gates = effectiveGates(plan.gates);
  const groups = stages.flat().map((t): GroupExecution => {
    const split = t.batchPattern ? splitBatches(t.snapshot.replicas, t.batchPattern, { fort: t.fort }) : undefined;
    const batches = split && split.batches.length > 0 ? split.batches.map((b) => b.size) : [0];
    return {
      key: t.key,
      clusterId: t.clusterId,
      namespace: t.namespace,
      deployment: t.deployment,
      stageIndex: t.stageIndex,
      fort: split?.batches[0]?.fort ?? false,
      batches,
      fromImage: t.fromImage,
      toImage: t.toImage,
      phase: 'pending',
      batch: 0,
      step: 'updating',
      awaiting: [],
      changedAt: 0,
    };
  });
  return {
    schema: 1,
    id,
    planName: plan.name,
    app: plan.app,
    toImage: imageString(plan.image),
    createdAt: at,
    version: 0,
    status: 'pending',
    config: {
      maxParallelGroups: plan.maxParallelGroups,
      rollback: plan.rollback,
      onClusterLost: plan.onClusterLost ?? 'pause-group',
      soakAfterFortSec: gates.soakAfterFortSec,
      soakAfterBatchSec: gates.soakAfterBatchSec,
      approvalAfterFort: gates.approvalAfterFort,
      bakeSec: gates.bakeSec,
    },
    stages: plan.stages.map((s, i) => ({ name: s.name, approvalBefore: stageNeedsApproval(plan, i) })),
    started: false,
    aborted: false,
    stageIndex: 0,
    stageApproved: !stageNeedsApproval(plan, 0),
    stageWaitSince: 0,
    unreachable: [],
    groups,
    history: [],
  };
}
