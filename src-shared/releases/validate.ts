/**
 * Offline validation of a release plan against the last snapshot: everything that can be known
 * without a cluster. Errors block a run; warnings are shown for sign-off. The plan object may come
 * from the form rather than from YAML, so it is re-checked against the schema first.
 */
import { splitBatches } from './batch-pattern';
import { effectiveGates, planSchema, type ReleasePlan } from './plan';
import { TAG_RE } from '../base/image-ref';
import { resolvePlan, type PlanIssue, type ResolvedTarget } from './resolve';
import type { Snapshot } from './snapshot';

export type { PlanIssue } from './resolve';

export interface ValidateOptions {
  /** Epoch ms "now", to warn about an old snapshot. */
  now?: number;
  /** Snapshot older than this (ms) gets a warning. Default 24 h. */
  staleAfterMs?: number;
}

export function validatePlan(plan: ReleasePlan, snapshot: Snapshot, opts: ValidateOptions = {}): PlanIssue[] {
  const schema = planSchema.safeParse(plan);
  if (!schema.success) {
    return schema.error.issues.map((i) => ({ severity: 'error', path: i.path.map(String).join('.'), message: i.message }));
  }
  const issues: PlanIssue[] = [];
  if (!plan.image.tag) issues.push({ severity: 'error', path: 'image.tag', message: 'The target image needs a tag.' });
  else if (!TAG_RE.test(plan.image.tag))
    issues.push({ severity: 'error', path: 'image.tag', message: `Illegal image tag "${plan.image.tag}".` });

  const resolved = resolvePlan(plan, snapshot);
  issues.push(...resolved.issues);
  checkDuplicates(resolved.stages, issues);
  for (const t of resolved.stages.flat()) checkTarget(plan, t, issues);
  checkGates(plan, resolved.stages.flat(), issues);

  const now = opts.now;
  if (now !== undefined) {
    const limit = opts.staleAfterMs ?? 24 * 3600_000;
    for (const c of snapshot.clusters) {
      if (now - c.takenAt > limit) {
        const hours = Math.round((now - c.takenAt) / 3600_000);
        issues.push({
          severity: 'warning',
          path: '',
          message: `The snapshot of cluster ${c.clusterId} is ${hours} h old; run the drift check before starting.`,
        });
      }
    }
  }
  return issues;
}

export const hasErrors = (issues: readonly PlanIssue[]): boolean => issues.some((i) => i.severity === 'error');

function checkDuplicates(stages: ResolvedTarget[][], issues: PlanIssue[]): void {
  const seen = new Map<string, ResolvedTarget>();
  for (const t of stages.flat()) {
    const first = seen.get(t.key);
    if (!first) {
      seen.set(t.key, t);
      continue;
    }
    const where =
      first.stageIndex === t.stageIndex
        ? `twice in stage ${t.stageIndex + 1}`
        : `in stages ${first.stageIndex + 1} and ${t.stageIndex + 1}`;
    issues.push({
      severity: 'error',
      path: t.refPath,
      message: `Deployment ${t.key} appears ${where} (first at ${first.refPath}); a group is released once per plan.`,
    });
  }
}

function checkTarget(plan: ReleasePlan, t: ResolvedTarget, issues: PlanIssue[]): void {
  const name = t.key;
  if (!t.fromImage) {
    issues.push({
      severity: 'error',
      path: t.refPath,
      message: `Deployment ${name} runs no container from ${plan.image.repository} (it runs ${t.snapshot.images.join(', ') || 'nothing'}).`,
    });
  } else if (t.fromImage === t.toImage) {
    issues.push({
      severity: 'warning',
      path: t.refPath,
      message: `Deployment ${name} already runs ${t.toImage}; it will have nothing to change.`,
    });
  }
  if (t.snapshot.paused)
    issues.push({
      severity: 'warning',
      path: t.refPath,
      message: `Deployment ${name} is paused in the snapshot; someone may be working on it.`,
    });
  if (t.snapshot.replicas === 0)
    issues.push({ severity: 'warning', path: t.refPath, message: `Deployment ${name} has 0 replicas; only its template will change.` });
  if (!t.batchPattern) return;
  const split = splitBatches(t.snapshot.replicas, t.batchPattern, { fort: t.fort, minOnline: t.minOnline });
  for (const v of split.violations) issues.push({ severity: 'error', path: t.refPath, message: `${name}: ${v}` });
}

function checkGates(plan: ReleasePlan, targets: ResolvedTarget[], issues: PlanIssue[]): void {
  const g = effectiveGates(plan.gates);
  if (g.readyWithinSec <= 0)
    issues.push({
      severity: 'error',
      path: 'gates.health.readyWithin',
      message: 'readyWithin must be more than 0s: pods need time to become ready.',
    });
  if (!g.noNewRestarts && !g.noOOMKilled && !g.noCrashLoop) {
    issues.push({
      severity: 'warning',
      path: 'gates.health',
      message: 'All health gates are off: a crash-looping version would roll through every batch.',
    });
  }
  if (targets.some((t) => t.fort) && g.soakAfterFortSec === 0 && !g.approvalAfterFort) {
    issues.push({
      severity: 'warning',
      path: 'gates',
      message: 'No soak time and no approval after the fort: the fort is not baked before the other batches.',
    });
  }
}
