/**
 * Pure decisions of the batch driver (mechanism and reasoning: batch-driver.ts). Given what the
 * cluster shows and what the batch wants, say what to do next: one patch, wait, or an outcome.
 * Idempotent: after a crash, the same observation yields the same next action, so the executor
 * resumes a half-done batch by simply stepping again.
 */
import { ANN, type BatchGoal, type DeploymentPatch, type DriverOutcome, type Observation, type RollingStrategy } from './batch-driver';

export type Decision = { kind: 'patch'; patch: DeploymentPatch; why: string } | { kind: 'wait'; why: string } | { kind: 'outcome'; outcome: DriverOutcome };

const wait = (why: string): Decision => ({ kind: 'wait', why });
const outcome = (o: DriverOutcome): Decision => ({ kind: 'outcome', outcome: o });

/** kubectl rollout status's "done" for the target image. */
export function rolloutComplete(o: Observation): boolean {
  return o.observedGeneration >= o.generation && (o.newRS?.replicas ?? 0) === o.replicas && o.oldReplicas === 0 && (o.newRS?.available ?? 0) >= o.replicas;
}

interface Original {
  strategy: RollingStrategy | null;
  minReadySeconds: number;
}

function restorePatch(o: Observation): DeploymentPatch {
  let original: Original = { strategy: null, minReadySeconds: 0 };
  try {
    original = JSON.parse(o.annotations[ANN.original] ?? '') as Original;
  } catch {
    /* annotation missing: fall back to the API defaults */
  }
  return {
    metadata: { annotations: { [ANN.release]: null, [ANN.original]: null, [ANN.replicas]: null } },
    spec: { paused: false, minReadySeconds: original.minReadySeconds, strategy: original.strategy },
  };
}

export function decideBatchStep(o: Observation, goal: BatchGoal, container: string): Decision {
  const owner = o.annotations[ANN.release];
  if (owner !== undefined && owner !== goal.releaseId) return outcome({ kind: 'external-edit', detail: `the Deployment is being released by ${owner}` });
  if (owner === undefined) {
    // Not (or no longer) ours: either the release has not touched it, or the last batch finished.
    if (o.image === goal.toImage) {
      if (!goal.last) return outcome({ kind: 'external-edit', detail: `someone else set the image to ${goal.toImage}` });
      return rolloutComplete(o) ? outcome({ kind: 'batch-done', updated: o.replicas }) : wait('finishing: the controller applies the restored strategy');
    }
    if (o.image !== goal.fromImage) return outcome({ kind: 'external-edit', detail: `image is ${o.image ?? 'missing'}, expected ${goal.fromImage}` });
    if (o.replicas !== goal.replicas) return outcome({ kind: 'external-edit', detail: `replicas is ${o.replicas}, the plan expected ${goal.replicas}` });
    if (o.paused) return outcome({ kind: 'external-edit', detail: 'the Deployment was paused by someone else; resume it there or check why' });
    if ((o.newRS?.replicas ?? 0) > 0) return outcome({ kind: 'external-edit', detail: `someone else is already rolling out ${goal.toImage}` });
    const original: Original = { strategy: o.strategy ?? null, minReadySeconds: o.minReadySeconds };
    return {
      kind: 'patch',
      why: 'prepare: record the original strategy, pause, set the new image (no pod changes while paused)',
      patch: {
        metadata: { annotations: { [ANN.release]: goal.releaseId, [ANN.original]: JSON.stringify(original), [ANN.replicas]: String(goal.replicas) } },
        spec: { paused: true, minReadySeconds: Math.max(o.minReadySeconds, goal.windowSec), template: { spec: { containers: [{ name: container, image: goal.toImage }] } } },
      },
    };
  }

  // Only once the rollout is ours: a deadline exceeded by the previous (e.g. crash-looping) rollout
  // is exactly what a fix release replaces.
  if (o.progressDeadlineExceeded && !o.paused) return outcome({ kind: 'failed', detail: 'ProgressDeadlineExceeded: new pods did not become available in time' });
  if (o.image !== goal.toImage) return outcome({ kind: 'external-edit', detail: `image was changed to ${o.image ?? 'nothing'} by someone else` });
  if (String(o.replicas) !== o.annotations[ANN.replicas]) return outcome({ kind: 'external-edit', detail: `replicas was changed to ${o.replicas} (was ${o.annotations[ANN.replicas]})` });
  if (o.observedGeneration < o.generation) return wait('the controller has not observed the last change yet');
  const updated = o.newRS?.replicas ?? 0;
  const surge = { type: 'RollingUpdate', rollingUpdate: { maxSurge: goal.batchSize, maxUnavailable: 0 } };

  if (goal.last) {
    if (rolloutComplete(o)) return { kind: 'patch', patch: restorePatch(o), why: 'rollout complete: restore the original strategy and minReadySeconds' };
    if (o.paused) return { kind: 'patch', patch: { spec: { paused: false, strategy: surge } }, why: `last batch: let the rollout complete with maxSurge=${goal.batchSize}` };
    return wait(`rolling out the last batch (${updated}/${o.replicas} updated)`);
  }
  if (updated > goal.target) return outcome({ kind: 'overshoot', expected: goal.target, actual: updated });
  if (!o.paused) {
    if (updated === goal.target) return { kind: 'patch', patch: { spec: { paused: true } }, why: `new ReplicaSet at ${goal.target}: hold before its pods become available` };
    return wait(`controller scaling towards ${goal.target} (${updated} so far)`);
  }
  if (updated < goal.target) {
    return { kind: 'patch', patch: { spec: { paused: false, strategy: surge } }, why: `batch to ${goal.target}: unpause with maxSurge=${goal.batchSize}, maxUnavailable=0` };
  }
  if ((o.newRS?.available ?? 0) >= goal.target) return outcome({ kind: 'batch-done', updated });
  return wait(`${o.newRS?.available ?? 0}/${goal.target} new pods available`);
}

/** Roll back (kubectl undo semantics: the old template comes back; undo refuses a paused Deployment, so unpause in the same patch). */
export function decideRollbackStep(o: Observation, goal: Pick<BatchGoal, 'releaseId' | 'fromImage'>, container: string): Decision {
  const owner = o.annotations[ANN.release];
  if (owner !== undefined && owner !== goal.releaseId) return outcome({ kind: 'external-edit', detail: `the Deployment is being released by ${owner}` });
  if (owner !== undefined || o.image !== goal.fromImage) {
    const patch = owner !== undefined ? restorePatch(o) : { spec: { paused: false } };
    patch.spec = { ...patch.spec, template: { spec: { containers: [{ name: container, image: goal.fromImage }] } } };
    return { kind: 'patch', patch, why: `restore ${goal.fromImage} and the original strategy` };
  }
  if (o.observedGeneration < o.generation) return wait('the controller has not observed the rollback yet');
  // "old" is whatever does not run the new image: after a rollback, that is the restored version.
  if ((o.newRS?.replicas ?? 0) === 0 && o.oldAvailable >= o.replicas) return outcome({ kind: 'rolled-back' });
  return wait(`rolling back (${o.newRS?.replicas ?? 0} pods still on the new version)`);
}
