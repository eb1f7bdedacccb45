/**
 * What a plan will do, step by step, before it runs: the exact batch split per group (fort
 * first), the stage order, an expected duration and what each step changes. Durations are
 * estimates: rollout time per batch is a parameter, soak times come from the plan, and approvals
 * are counted but never timed (a person's wait is unknown), so the total reads "≈ 1h20m + 3
 * approvals".
 */
import { batchLabel, splitBatches, type Batch } from './batch-pattern';
import { effectiveGates, stageNeedsApproval, type ReleasePlan } from './plan';
import { formatDurationSpec } from '../base/duration';
import { resolvePlan, type PlanIssue, type ResolvedTarget } from './resolve';
import type { Snapshot } from './snapshot';

export interface PreviewOptions {
  /** Estimated seconds for one batch to roll out and become ready. Default 60. */
  perBatchSeconds?: number;
}

export interface PreviewStep {
  stageIndex: number;
  targetKey: string;
  batchIndex: number;
  /** 'fort' or 'batch i/n'. */
  label: string;
  size: number;
  updatedAfter: number;
  replicas: number;
  fromImage?: string;
  toImage: string;
  /** Soak after this step, seconds (0: none). */
  soakAfterSec: number;
  /** A person approves after this step before the group goes on. */
  approvalAfter: boolean;
  description: string;
}

export interface GroupPreview {
  targetKey: string;
  clusterId: string;
  datacenter: string;
  namespace: string;
  deployment: string;
  replicas: number;
  fort: boolean;
  batchPattern: string;
  batches: Batch[];
  fromImage?: string;
  toImage: string;
  durationSec: number;
  approvals: number;
}

export interface StagePreview {
  index: number;
  name: string;
  approvalBefore: boolean;
  groups: GroupPreview[];
  /** With maxParallelGroups groups at a time, plus the stage soak. */
  durationSec: number;
}

export interface PlanPreview {
  stages: StagePreview[];
  steps: PreviewStep[];
  totalDurationSec: number;
  /** Approvals along the way; their waiting time is not in totalDurationSec. */
  approvals: number;
  summary: string;
  /** Resolution problems (unknown groups...): the preview leaves those groups out. */
  issues: PlanIssue[];
}

export function previewPlan(plan: ReleasePlan, snapshot: Snapshot, opts: PreviewOptions = {}): PlanPreview {
  const perBatch = opts.perBatchSeconds ?? 60;
  const gates = effectiveGates(plan.gates);
  const resolved = resolvePlan(plan, snapshot);
  const steps: PreviewStep[] = [];
  let approvals = 0;
  const stages = plan.stages.map((stage, si): StagePreview => {
    const approvalBefore = stageNeedsApproval(plan, si);
    if (approvalBefore) approvals++;
    const groups = (resolved.stages[si] ?? []).map((t) => {
      const g = previewGroup(t, t.toImage, perBatch, gates, steps);
      approvals += g.approvals;
      return g;
    });
    const makespan = parallelMakespan(
      groups.map((g) => g.durationSec),
      plan.maxParallelGroups,
    );
    return { index: si, name: stage.name, approvalBefore, groups, durationSec: makespan + gates.bakeSec };
  });
  const totalDurationSec = stages.reduce((a, s) => a + s.durationSec, 0);
  const summary = `${stages.length} stage(s), ${steps.length} step(s), ≈ ${formatDurationSpec(totalDurationSec)}${approvals ? ` + ${approvals} approval(s) (waiting time unknown)` : ''}`;
  return { stages, steps, totalDurationSec, approvals, summary, issues: resolved.issues };
}

function previewGroup(
  t: ResolvedTarget,
  toImage: string,
  perBatch: number,
  gates: ReturnType<typeof effectiveGates>,
  steps: PreviewStep[],
): GroupPreview {
  const split = t.batchPattern ? splitBatches(t.snapshot.replicas, t.batchPattern, { fort: t.fort, minOnline: t.minOnline }) : undefined;
  const batches = split?.batches ?? [];
  let duration = 0;
  let approvals = 0;
  batches.forEach((b, i) => {
    const last = i === batches.length - 1;
    const soak = b.fort ? gates.soakAfterFortSec : last ? 0 : gates.soakAfterBatchSec;
    const approval = b.fort && gates.approvalAfterFort && !last;
    if (approval) approvals++;
    duration += perBatch + soak;
    const label = batchLabel({ batches }, i);
    steps.push({
      stageIndex: t.stageIndex,
      targetKey: t.key,
      batchIndex: i,
      label,
      size: b.size,
      updatedAfter: b.cumulative,
      replicas: t.snapshot.replicas,
      fromImage: t.fromImage,
      toImage,
      soakAfterSec: soak,
      approvalAfter: approval,
      description:
        `${t.key} ${label}: ${t.fromImage ?? '(no matching container)'} → ${toImage} on ${b.size} instance(s), ` +
        `${b.cumulative}/${t.snapshot.replicas} updated${soak ? `, then soak ${formatDurationSpec(soak)}` : ''}${approval ? ', then wait for approval' : ''}`,
    });
  });
  if (batches.length === 0 && t.snapshot.replicas === 0) duration = perBatch; // template-only change
  return {
    targetKey: t.key,
    clusterId: t.clusterId,
    datacenter: t.datacenter,
    namespace: t.namespace,
    deployment: t.deployment,
    replicas: t.snapshot.replicas,
    fort: t.fort,
    batchPattern: t.batchPatternText,
    batches,
    fromImage: t.fromImage,
    toImage,
    durationSec: duration,
    approvals,
  };
}

/** Groups start in plan order on the first free slot (what the executor's scheduler does). */
export function parallelMakespan(durations: readonly number[], slots: number): number {
  const free = Array.from({ length: Math.max(1, slots) }, () => 0);
  for (const d of durations) {
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    free[best] = free[best]! + d;
  }
  return Math.max(...free);
}
