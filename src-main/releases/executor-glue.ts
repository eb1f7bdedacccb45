/**
 * Pure glue between the execution state machine and the outside world, for the executor service
 * that the foundation will wire: what the batch driver must do for a group now, and which event a
 * driver outcome or a health verdict becomes. Keeping this pure keeps the service a thin loop
 * (read state → step driver / check gates → applyEvent → save).
 */
import type { ExecutionEvent, ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import type { HealthVerdict } from '../../src-shared/releases/health-gates';
import { imageName, splitRegistry } from '../../src-shared/base/image-ref';
import { originalOf, restorePatch } from './batch-decide';
import {
  ANN,
  HOLD,
  type BatchGoal,
  type DeploymentPatch,
  type DeploymentWithStrategy,
  type DriverOutcome,
  type Observation,
} from './batch-driver';

/** The batch the driver must move for this group now, or undefined when the group is not updating. */
export function goalForGroup(state: ExecutionState, g: GroupExecution): BatchGoal | undefined {
  if (!['fort', 'rolling'].includes(g.phase) || g.step !== 'updating' || !g.fromImage) return undefined;
  const replicas = g.batches.reduce((a, b) => a + b, 0);
  return {
    releaseId: state.id,
    fromImage: g.fromImage,
    toImage: g.toImage,
    replicas,
    target: g.batches.slice(0, g.batch + 1).reduce((a, b) => a + b, 0),
    batchSize: Math.max(1, g.batches[g.batch] ?? 1),
    last: g.batch === g.batches.length - 1,
    original: g.original,
  };
}

/**
 * Someone moved the rollout to `updated` new pods: past this group's current boundary, the batch
 * whose end first covers it (undefined when the boundary was not passed).
 */
export function acceptableBatch(g: GroupExecution, updated: number): number | undefined {
  let cum = 0;
  const ends = g.batches.map((b) => (cum += b));
  if (updated <= (ends[g.batch] ?? 0)) return undefined;
  const j = ends.findIndex((end) => end >= updated);
  return j < 0 ? g.batches.length - 1 : j;
}

/** How a hand-back ended (recorded on the group; release-events.ts turns it into an Event). */
export type HandBackOutcome = 'restored' | 'held' | 'untouched' | 'refused';

/**
 * What an abort does to a Deployment this release holds (executor.ts handBack). Idempotent: a
 * Deployment that no longer carries this release's claim (given back already, e.g. just before a
 * crash, or by someone else) is left as it is.
 */
export function handBackPlan(
  o: Observation,
  releaseId: string,
  g: GroupExecution,
): { patch?: DeploymentPatch; outcome: HandBackOutcome; note: string } {
  const owner = o.annotations[ANN.release];
  if (owner !== releaseId)
    return {
      outcome: 'untouched',
      note: owner
        ? `the Deployment is claimed by ${owner}; left as it is`
        : 'the Deployment carries no claim of this release (its first write had not landed, or it was given back already); left as it is',
    };
  const updated = o.newRS?.replicas ?? 0;
  const restore = restorePatch(originalOf(o, g.original));
  if (updated === 0 && g.fromImage) {
    restore.spec = { ...restore.spec, template: { spec: { containers: [{ name: o.container, image: g.fromImage }] } } };
    return {
      patch: restore,
      outcome: 'restored',
      note: `no pod was updated yet: image ${g.fromImage}, the original strategy, minReadySeconds and progress deadline restored, Capstan's annotations removed`,
    };
  }
  if (updated === o.replicas && o.oldReplicas === 0) {
    return {
      patch: restore,
      outcome: 'restored',
      note: "every pod was already updated: the original strategy, minReadySeconds and progress deadline restored, Capstan's annotations removed",
    };
  }
  return {
    patch: { metadata: { annotations: { [ANN.release]: null, [ANN.replicas]: null } } },
    outcome: 'held',
    note: `left held at ${updated} of ${o.replicas} pods on ${g.toImage} (${o.oldReplicas} old): minReadySeconds ${HOLD.minReadySeconds} and no progress deadline keep the controller from going on by itself, and restoring the original strategy would let it finish ungated. Capstan's claim is removed; the original settings stay in this record and in ${ANN.original}. Roll this group back, or release again, to move it.`,
  };
}

/** The container of the Deployment that runs the release's repository (any regional registry). */
export function containerFor(d: DeploymentWithStrategy, toImage: string): string | undefined {
  const path = splitRegistry(imageName(toImage)).path;
  return d.spec?.template?.spec?.containers.find((c) => c.image !== undefined && splitRegistry(imageName(c.image)).path === path)?.name;
}

const by = { at: 0, actor: 'capstan' };

/** The event a driver outcome becomes (undefined: still progressing, nothing to record). */
export function eventForOutcome(g: GroupExecution, outcome: DriverOutcome, at: number): ExecutionEvent | undefined {
  const base = { ...by, at, group: g.key };
  switch (outcome.kind) {
    case 'progressing':
      return undefined;
    case 'batch-done':
      return g.fort && g.batch === 0 ? { ...base, type: 'fortDone' } : { ...base, type: 'batchDone', batch: g.batch };
    case 'rolled-back':
      return { ...base, type: 'rollbackDone' };
    case 'external-edit':
      return { ...base, type: 'externalEdit', detail: outcome.detail };
    case 'overshoot':
      return {
        ...base,
        type: 'externalEdit',
        detail: `the rollout went past the batch: ${outcome.actual} pods updated, the batch stops at ${outcome.expected}`,
        acceptBatch: acceptableBatch(g, outcome.actual),
      };
    case 'failed':
      return { ...base, type: 'fail', detail: outcome.detail };
  }
}

export function eventForHealth(g: GroupExecution, verdict: HealthVerdict, at: number): ExecutionEvent | undefined {
  if (verdict.verdict === 'pending') return undefined;
  if (verdict.verdict === 'pass') return { ...by, at, type: 'gatePassed', group: g.key, gate: 'health' };
  return { ...by, at, type: 'gateFailed', group: g.key, gate: verdict.gate, detail: verdict.detail };
}
