/**
 * Pure glue between the execution state machine and the outside world, for the executor service
 * that the foundation will wire: what the batch driver must do for a group now, and which event a
 * driver outcome or a health verdict becomes. Keeping this pure keeps the service a thin loop
 * (read state → step driver / check gates → applyEvent → save).
 */
import type { ExecutionEvent, ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import type { HealthVerdict } from '../../src-shared/releases/health-gates';
import { repositoryOf, splitRegistry } from '../../src-shared/releases/plan';
import type { BatchGoal, DeploymentWithStrategy, DriverOutcome } from './batch-driver';

/** The batch the driver must move for this group now, or undefined when the group is not updating. */
export function goalForGroup(state: ExecutionState, g: GroupExecution, windowSec = 30): BatchGoal | undefined {
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
    windowSec,
  };
}

/** The container of the Deployment that runs the release's repository (any regional registry). */
export function containerFor(d: DeploymentWithStrategy, toImage: string): string | undefined {
  const path = splitRegistry(repositoryOf(toImage)).path;
  return d.spec?.template?.spec?.containers.find((c) => c.image !== undefined && splitRegistry(repositoryOf(c.image)).path === path)?.name;
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
      return { ...base, type: 'externalEdit', detail: `the rollout went past the batch: ${outcome.actual} pods updated, the batch stops at ${outcome.expected}` };
    case 'failed':
      return { ...base, type: 'fail', detail: outcome.detail };
  }
}

export function eventForHealth(g: GroupExecution, verdict: HealthVerdict, at: number): ExecutionEvent | undefined {
  if (verdict.verdict === 'pending') return undefined;
  if (verdict.verdict === 'pass') return { ...by, at, type: 'gatePassed', group: g.key, gate: 'health' };
  return { ...by, at, type: 'gateFailed', group: g.key, gate: verdict.gate, detail: verdict.detail };
}
