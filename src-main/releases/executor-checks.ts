/**
 * What the executor loop decides for a group that is checking (health and soak) and the per-batch
 * memory it needs (restart baseline and start time). Times are scaled by `timeScale` so that a
 * sandbox running its clock N times faster also soaks N times faster; in production it is 1.
 * After a restart the memory is gone: the check then counts from the persisted moment the group
 * entered its current step (atOfVersion of changedAt) and takes a fresh restart baseline.
 */
import type { ExecutionEvent, ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import { atOfVersion } from '../../src-shared/releases/execution-views';
import { evaluateHealth, restartBaseline, type HealthVerdict } from '../../src-shared/releases/health-gates';
import type { EffectiveGates } from '../../src-shared/releases/plan';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { eventForHealth } from './executor-glue';

export interface BatchMemory {
  startedAt: number;
  baseline: Record<string, number>;
}

export const batchKey = (g: GroupExecution): string => `${g.key}#${g.batch}`;

export function rememberBatch(
  mem: Map<string, BatchMemory>,
  state: ExecutionState,
  g: GroupExecution,
  pods: readonly PodSummary[],
  now: number,
): BatchMemory {
  const k = batchKey(g);
  let m = mem.get(k);
  if (!m) {
    m = { startedAt: g.step === 'updating' ? now : atOfVersion(state, g.changedAt) || now, baseline: restartBaseline(pods) };
    mem.set(k, m);
  }
  return m;
}

export interface CheckInput {
  state: ExecutionState;
  g: GroupExecution;
  gates: EffectiveGates;
  pods: readonly PodSummary[];
  memory: BatchMemory;
  now: number;
  timeScale: number;
}

/** Events for a checking group: a failed health gate at any time, health passed, soak elapsed. */
export function checkEvents(c: CheckInput): { events: ExecutionEvent[]; verdict: HealthVerdict } {
  const { g, state } = c;
  const expectedNew = g.batches.slice(0, g.batch + 1).reduce((a, b) => a + b, 0);
  const scaled = (since: number) => since + (c.now - since) * c.timeScale;
  const verdict = evaluateHealth({
    gates: c.gates,
    baselineRestarts: c.memory.baseline,
    pods: c.pods,
    toImage: g.toImage,
    expectedNew,
    startedAt: c.memory.startedAt,
    now: scaled(c.memory.startedAt),
  });
  const events: ExecutionEvent[] = [];
  // A failure counts while any check is outstanding (an OOM during the soak fails the batch too).
  if (verdict.verdict === 'fail' || g.awaiting.includes('health')) {
    const e = eventForHealth(g, verdict, c.now);
    if (e) events.push(e);
  }
  if (verdict.verdict !== 'fail' && g.awaiting.includes('soak')) {
    const since = atOfVersion(state, g.changedAt) || c.memory.startedAt;
    const soakSec = g.fort && g.batch === 0 ? state.config.soakAfterFortSec : state.config.soakAfterBatchSec;
    if ((scaled(since) - since) / 1000 >= soakSec) events.push({ type: 'bakeElapsed', group: g.key, at: c.now, actor: 'capstan' });
  }
  return { events, verdict };
}
