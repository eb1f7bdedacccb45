/**
 * Pure decisions of the batch driver (mechanism and reasoning: batch-driver.ts). Given what the
 * cluster shows and what the batch wants, say what to do next: one Deployment patch, one
 * ReplicaSet scale, wait, or an outcome. Idempotent: after a crash, the same observation yields
 * the same next action, so the executor resumes a half-done batch by simply stepping again; and
 * every state between two actions is one the controller holds by itself (see "RESTING STATES").
 */
import { surgeToGrowTo } from '../../src-shared/k8s/rolling-update';
import type { OriginalSpec } from '../../src-shared/releases/execution-model';
import {
  ANN,
  HOLD,
  type BatchGoal,
  type DeploymentPatch,
  type DriverOutcome,
  type Observation,
  type RollingStrategy,
} from './batch-driver';

export type Decision =
  | { kind: 'patch'; patch: DeploymentPatch; why: string }
  | { kind: 'scale'; replicaSet: string; replicas: number; why: string }
  | { kind: 'wait'; why: string }
  | { kind: 'outcome'; outcome: DriverOutcome };

const wait = (why: string): Decision => ({ kind: 'wait', why });
const outcome = (o: DriverOutcome): Decision => ({ kind: 'outcome', outcome: o });
const edit = (detail: string): Decision => outcome({ kind: 'external-edit', detail });

/** kubectl rollout status's "done" for the observed image. */
export function rolloutComplete(o: Observation): boolean {
  return (
    o.observedGeneration >= o.generation &&
    (o.newRS?.replicas ?? 0) === o.replicas &&
    o.oldReplicas === 0 &&
    (o.newRS?.available ?? 0) >= o.replicas
  );
}

/** What the Deployment was before a release touched it (the execution record wins over the annotation kubectl can wipe). */
export function originalOf(o: Observation, recorded: OriginalSpec | undefined): OriginalSpec {
  if (recorded) return recorded;
  try {
    const a = JSON.parse(o.annotations[ANN.original] ?? '') as Partial<OriginalSpec>;
    return {
      strategy: a.strategy ?? null,
      minReadySeconds: a.minReadySeconds ?? 0,
      progressDeadlineSeconds: a.progressDeadlineSeconds ?? null,
      paused: a.paused ?? false,
    };
  } catch {
    return { strategy: null, minReadySeconds: 0, progressDeadlineSeconds: null, paused: false };
  }
}

/** The Deployment as it is now, for the record, unless an earlier release left its own original behind. */
export function liveOriginal(o: Observation): OriginalSpec {
  if (o.annotations[ANN.original]) return originalOf(o, undefined);
  return {
    strategy: o.strategy ?? null,
    minReadySeconds: o.minReadySeconds,
    progressDeadlineSeconds: o.progressDeadlineSeconds ?? null,
    paused: o.paused,
  };
}

const surge = (maxSurge: number): RollingStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } });
/**
 * Between growth phases: maxSurge 1, maxUnavailable 0, with one old pod more than the boundary
 * needs (N + 1 pods): the controller can neither grow (all pods = N + maxSurge) nor take a pod
 * down (maxUnavailable 0), even from stale status or after someone else's template change. The
 * API refuses maxSurge 0 with maxUnavailable 0, and maxUnavailable 1 would let the controller
 * remove a Ready pod it does not count as Available.
 */
const HOLD_STRATEGY: RollingStrategy = surge(1);
const sameStrategy = (a: RollingStrategy | undefined, b: RollingStrategy) =>
  (a?.type ?? 'RollingUpdate') === b.type &&
  String(a?.rollingUpdate?.maxSurge) === String(b.rollingUpdate?.maxSurge) &&
  String(a?.rollingUpdate?.maxUnavailable) === String(b.rollingUpdate?.maxUnavailable);

/** Old pods kept at a boundary: N − target, plus the one that keeps the surge used up (none once all are new). */
const restingOld = (n: number, target: number) => (target < n ? n - target + 1 : 0);

/** The strategy that makes the controller grow the new ReplicaSet to exactly `target` and no further. */
function growStrategy(o: Observation, target: number): RollingStrategy {
  return surge(surgeToGrowTo(o.replicas, o.oldReplicas, target));
}

function claimPatch(
  o: Observation,
  goal: { releaseId: string; replicas: number },
  container: string,
  image: string,
  target: number,
  original: OriginalSpec,
): DeploymentPatch {
  return {
    metadata: {
      annotations: { [ANN.release]: goal.releaseId, [ANN.original]: JSON.stringify(original), [ANN.replicas]: String(goal.replicas) },
    },
    spec: {
      paused: false,
      minReadySeconds: HOLD.minReadySeconds,
      progressDeadlineSeconds: HOLD.progressDeadlineSeconds,
      strategy: growStrategy(o, target),
      template: { spec: { containers: [{ name: container, image }] } },
    },
  };
}

export function restorePatch(original: OriginalSpec): DeploymentPatch {
  return {
    metadata: { annotations: { [ANN.release]: null, [ANN.original]: null, [ANN.replicas]: null } },
    spec: {
      paused: original.paused,
      minReadySeconds: original.minReadySeconds,
      progressDeadlineSeconds: original.progressDeadlineSeconds,
      strategy: original.strategy,
    },
  };
}

/**
 * Move the observed image's ReplicaSet to exactly `target` of N pods, new pods first: grow with
 * maxSurge (maxUnavailable 0) until `target` run and are Ready, then freeze growth (maxSurge 1,
 * all pods = N + 1) and retire old pods ourselves, oldest ReplicaSet first, down to the resting
 * count. `done` is what to do once there.
 */
function move(o: Observation, target: number, done: () => Decision): Decision {
  const updated = o.newRS?.replicas ?? 0;
  const ready = o.newRS?.ready ?? 0;
  const n = o.replicas;
  if (updated > target) return outcome({ kind: 'overshoot', expected: target, actual: updated });
  if (updated < target) {
    const want = growStrategy(o, target);
    if (!sameStrategy(o.strategy, want))
      return {
        kind: 'patch',
        patch: { spec: { strategy: want } },
        why: `grow to ${target}: maxSurge=${want.rollingUpdate?.maxSurge}, maxUnavailable=0`,
      };
    return wait(`controller creating new pods towards ${target} (${updated} so far)`);
  }
  if (ready < target) return wait(`${ready}/${target} new pods ready`);
  if (o.oldReplicas < n - target)
    return edit(`old ReplicaSets were scaled down to ${o.oldReplicas} by someone else (${n - target} expected)`);
  if (!sameStrategy(o.strategy, HOLD_STRATEGY))
    return {
      kind: 'patch',
      patch: { spec: { strategy: HOLD_STRATEGY } },
      why: `${target} new pods ready: freeze growth (maxSurge 1) before retiring old pods`,
    };
  const keep = restingOld(n, target);
  if (o.oldReplicas > keep) {
    const rs = o.oldSets.find((r) => r.replicas > 0)!;
    const next = Math.max(0, rs.replicas - (o.oldReplicas - keep));
    return { kind: 'scale', replicaSet: rs.name, replicas: next, why: `retire old pods: ${rs.name} ${rs.replicas} → ${next}` };
  }
  return done();
}

/**
 * Checks of a Deployment this release holds: anything that is not ours is someone else's edit.
 * After a person has seen such an edit and resumed (`reassert`), the hold settings are put back.
 */
function heldProblem(o: Observation, reassert = false): Decision | undefined {
  if (String(o.replicas) !== o.annotations[ANN.replicas])
    return edit(`replicas was changed to ${o.replicas} (was ${o.annotations[ANN.replicas]})`);
  const settingsMoved =
    o.paused || o.minReadySeconds !== HOLD.minReadySeconds || o.progressDeadlineSeconds !== HOLD.progressDeadlineSeconds;
  if (settingsMoved && reassert) {
    return {
      kind: 'patch',
      patch: { spec: { paused: false, minReadySeconds: HOLD.minReadySeconds, progressDeadlineSeconds: HOLD.progressDeadlineSeconds } },
      why: 'resumed after a change by someone else: hold settings put back',
    };
  }
  if (o.paused) return edit('the Deployment was paused by someone else (kubectl rollout pause?); resume it there or roll back');
  if (o.minReadySeconds !== HOLD.minReadySeconds || o.progressDeadlineSeconds !== HOLD.progressDeadlineSeconds) {
    return edit(
      `minReadySeconds/progressDeadlineSeconds were changed to ${o.minReadySeconds}/${o.progressDeadlineSeconds ?? 'default'}: the controller could pass the batch boundary on its own`,
    );
  }
  return undefined;
}

export function decideBatchStep(o: Observation, goal: BatchGoal, container: string): Decision {
  const owner = o.annotations[ANN.release];
  if (owner !== undefined && owner !== goal.releaseId) return edit(`the Deployment is being released by ${owner}`);
  if (owner === undefined) {
    // Not (or no longer) ours: either the release has not touched it, or the last batch finished.
    if (o.image === goal.toImage) {
      if (!goal.last) return edit(`someone else set the image to ${goal.toImage}`);
      return rolloutComplete(o)
        ? outcome({ kind: 'batch-done', updated: o.replicas })
        : wait('finishing: the controller applies the restored settings');
    }
    if (o.image !== goal.fromImage) return edit(`image is ${o.image ?? 'missing'}, expected ${goal.fromImage}`);
    if (o.replicas !== goal.replicas) return edit(`replicas is ${o.replicas}, the plan expected ${goal.replicas}`);
    if (o.paused) return edit('the Deployment was paused by someone else; resume it there or check why');
    if ((o.newRS?.replicas ?? 0) > 0) {
      // Our claim is gone but our pods are there: kubectl rollout undo replaces the annotations.
      if (goal.original)
        return edit(
          `the Deployment was set back to ${goal.fromImage} by someone else (kubectl rollout undo?) and Capstan's annotations are gone; roll this group back to finish the rollback with the original settings kept in the record`,
        );
      return edit(`someone else is already rolling out ${goal.toImage}`);
    }
    return {
      kind: 'patch',
      patch: claimPatch(o, goal, container, goal.toImage, goal.target, originalOf(o, goal.original ?? liveOriginal(o))),
      why: `claim: inflate minReadySeconds/progressDeadlineSeconds, set the new image, grow to ${goal.target} with maxSurge`,
    };
  }
  if (o.image !== goal.toImage) return edit(`image was changed to ${o.image ?? 'nothing'} by someone else`);
  const problem = heldProblem(o, goal.reassert);
  if (problem) return problem;
  if (o.observedGeneration < o.generation) return wait('the controller has not observed the last change yet');
  return move(o, goal.target, () => {
    if (!goal.last) return outcome({ kind: 'batch-done', updated: goal.target });
    return {
      kind: 'patch',
      patch: restorePatch(originalOf(o, goal.original)),
      why: 'every pod updated and ready: restore the original strategy, minReadySeconds and progress deadline',
    };
  });
}

export interface RollbackGoal {
  releaseId: string;
  fromImage: string;
  toImage: string;
  /** Pods brought back per step: the largest batch of the release (the surge the cluster already carried). */
  stepSize: number;
  original?: OriginalSpec;
  /** Who rolled back: named in the Deployment's change cause. */
  by?: string;
}

/**
 * Roll back with the release's own safe mechanism: the old image is the one grown (maxSurge, no
 * pod down before its replacement is Ready), step by step, then the original settings come back.
 * `o` is observed for the OLD image (its ReplicaSet is `newRS`).
 */
export function decideRollbackStep(o: Observation, goal: RollbackGoal, container: string): Decision {
  const owner = o.annotations[ANN.release];
  if (owner !== undefined && owner !== goal.releaseId) return edit(`the Deployment is being released by ${owner}`);
  const n = o.replicas;
  const from = o.newRS?.replicas ?? 0;
  // The step's target: in flight (more pods than the resting N + 1) it is what runs already, else one step further.
  const target = from + o.oldReplicas > n + 1 ? from : Math.min(n, from + Math.max(1, goal.stepSize));
  if (owner === undefined) {
    if (o.image === goal.fromImage && o.oldReplicas === 0) {
      if (o.observedGeneration < o.generation) return wait('the controller has not observed the rollback yet');
      return rolloutComplete(o) ? outcome({ kind: 'rolled-back' }) : wait(`rolling back (${o.newRS?.available ?? 0}/${n} available)`);
    }
    return {
      kind: 'patch',
      patch: claimPatch(
        o,
        { releaseId: goal.releaseId, replicas: n },
        container,
        goal.fromImage,
        target,
        originalOf(o, goal.original ?? liveOriginal(o)),
      ),
      why: `roll back: claim, set ${goal.fromImage}, grow it to ${target}`,
    };
  }
  // Whatever image is set now (ours, or someone else's kubectl set image), a rollback sets the old one.
  if (o.image !== goal.fromImage) {
    return {
      kind: 'patch',
      patch: {
        spec: {
          paused: false,
          strategy: growStrategy(o, target),
          template: { spec: { containers: [{ name: container, image: goal.fromImage }] } },
        },
      },
      why: `roll back: set ${goal.fromImage}, grow it to ${target}`,
    };
  }
  // A rollback is itself the answer to whatever happened: the hold settings go back on.
  const problem = heldProblem(o, true);
  if (problem) return problem;
  if (o.observedGeneration < o.generation) return wait('the controller has not observed the last change yet');
  return move(o, target, () => {
    if (target < n) return wait(`rolled back ${target}/${n}; next step`);
    return {
      kind: 'patch',
      patch: restorePatch(originalOf(o, goal.original)),
      why: 'old version on every pod and ready: restore the original settings',
    };
  });
}
