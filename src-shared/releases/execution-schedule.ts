/**
 * The parts of the execution state machine that run after every accepted event: moving a group to
 * its next batch when its checks are done, starting the next groups of the stage (at most
 * maxParallelGroups in flight), moving to the next stage, and deriving the release status.
 * All functions mutate the (already cloned) state they are given.
 */
import { formatDurationSpec } from '../base/duration';
import {
  ACTIVE_PHASES,
  TERMINAL_PHASES,
  type CheckName,
  type ExecutionState,
  type ExecutionStatus,
  type GroupExecution,
  type PauseReason,
} from './execution-model';

/** The pause note of a team release its driver handed back to the team unfinished. */
export const handedBackNote = (actor: string) => `handed back to the team by ${actor}`;

/** A pause (of the release or of one group) made by handing the release back to the team. */
export const isHandedBackPause = (r: PauseReason | undefined): boolean =>
  r?.kind === 'manual' && (r.note ?? '').startsWith(handedBackNote(''));

/** Why a group is paused, in a word: the reason's kind, or "handed back" for that manual pause. */
export const pauseWord = (g: GroupExecution): string =>
  isHandedBackPause(g.pauseReason) ? 'handed back' : (g.pauseReason?.kind ?? 'manual');

/** "fort", "baking", "batch 2/4 updating", "paused (gate-failed) at batch 1/4"... */
export function describeGroup(g: GroupExecution): string {
  const n = g.batches.length - (g.fort ? 1 : 0);
  const i = g.batch - (g.fort ? 1 : 0) + 1;
  const where = g.fort && g.batch === 0 ? (g.step === 'updating' ? 'fort' : 'baking') : `batch ${i}/${n} ${g.step}`;
  switch (g.phase) {
    case 'fort':
    case 'baking':
    case 'rolling':
      return where;
    case 'paused':
      return `paused (${pauseWord(g)}) at ${g.pausedFrom?.phase === 'pending' ? 'start' : where}`;
    default:
      return g.phase;
  }
}

export function setPhase(state: ExecutionState, g: GroupExecution, phase: GroupExecution['phase'], changes: string[]): void {
  const before = describeGroup(g);
  if (phase !== 'paused') {
    g.pausedFrom = undefined;
    g.pauseReason = undefined;
  }
  g.phase = phase;
  g.changedAt = state.version;
  const after = describeGroup(g);
  // "checking → checking" says nothing: only a visible change is history.
  if (after !== before) changes.push(`${g.key}: ${before} → ${after}`);
}

/** Groups degraded after their gate passed that nobody has overridden or rolled back: they block the way on. */
export const openDegraded = (state: ExecutionState): GroupExecution[] =>
  state.groups.filter((g) => g.degraded && !g.degraded.overridden && !['rolling-back', 'rolled-back', 'aborted'].includes(g.phase));

const bakeOf = (state: ExecutionState): number => state.config.bakeSec ?? 0;

/** Start updating batch `index` of the group. */
export function enterBatch(state: ExecutionState, g: GroupExecution, index: number, changes: string[]): void {
  g.batch = index;
  g.step = 'updating';
  g.awaiting = [];
  setPhase(state, g, g.fort && index === 0 ? 'fort' : 'rolling', changes);
}

/** The batch finished updating: check it (soak, health, approval as the plan says). */
export function enterChecking(state: ExecutionState, g: GroupExecution, changes: string[]): void {
  const last = g.batch === g.batches.length - 1;
  const fortBatch = g.fort && g.batch === 0;
  const awaiting: CheckName[] = ['health'];
  const soak = fortBatch ? state.config.soakAfterFortSec : last ? 0 : state.config.soakAfterBatchSec;
  if (soak > 0) awaiting.push('soak');
  if (fortBatch && state.config.approvalAfterFort && !last) awaiting.push('approval');
  g.step = 'checking';
  g.awaiting = awaiting;
  setPhase(state, g, fortBatch ? 'baking' : 'rolling', changes);
}

/** A check of the current batch passed; when none is left, go on to the next batch or finish. */
export function completeCheck(state: ExecutionState, g: GroupExecution, check: CheckName, changes: string[]): void {
  g.awaiting = g.awaiting.filter((c) => c !== check);
  changes.push(`${g.key}: ${check} passed${g.awaiting.length ? `, waiting for ${g.awaiting.join(', ')}` : ''}`);
  if (g.awaiting.length > 0) return;
  if (g.batch < g.batches.length - 1) enterBatch(state, g, g.batch + 1, changes);
  else setPhase(state, g, 'succeeded', changes);
}

const inFlight = (g: GroupExecution) =>
  ACTIVE_PHASES.includes(g.phase) || g.phase === 'rolling-back' || (g.phase === 'paused' && g.pausedFrom?.phase !== 'pending');

/**
 * Start what may start and move to the next stage when the current one is done: its groups
 * succeeded, none is degraded (unless overridden), and its post-stage bake has run.
 */
export function schedule(state: ExecutionState, changes: string[], at: number): void {
  if (!state.started || state.aborted || state.stopped) return;
  for (;;) {
    const stageGroups = state.groups.filter((g) => g.stageIndex === state.stageIndex);
    if (stageGroups.length > 0 && !stageGroups.every((g) => g.phase === 'succeeded')) break;
    // A degraded group stops automatic transitions as it stops approvals: a person decides.
    if (openDegraded(state).length > 0) return;
    if (bakeOf(state) > 0 && (state.bakedStage ?? -1) < state.stageIndex) {
      if (state.bake?.stage !== state.stageIndex) {
        state.bake = { stage: state.stageIndex, since: at };
        changes.push(
          `stage ${state.stageIndex + 1} (${state.stages[state.stageIndex]!.name}) bakes ${formatDurationSpec(bakeOf(state))}: its groups' health is watched before ${state.stageIndex < state.stages.length - 1 ? 'the next stage' : 'the release is done'}`,
        );
      }
      return;
    }
    if (state.stageIndex >= state.stages.length - 1) return;
    state.stageIndex++;
    state.stageApproved = !state.stages[state.stageIndex]!.approvalBefore;
    state.stageWaitSince = state.version;
    changes.push(
      `stage ${state.stageIndex + 1} (${state.stages[state.stageIndex]!.name}) ${state.stageApproved ? 'started' : 'waits for approval'}`,
    );
  }
  if (!state.stageApproved) return;
  // Nothing new starts in a stage where a group went wrong: a person decides first.
  const stageGroups = state.groups.filter((g) => g.stageIndex === state.stageIndex);
  if (stageGroups.some((g) => ['failed', 'rolled-back', 'rolling-back', 'aborted'].includes(g.phase))) return;
  if (openDegraded(state).length > 0) return;
  let active = state.groups.filter(inFlight).length;
  for (const g of stageGroups) {
    if (active >= state.config.maxParallelGroups) break;
    if (g.phase !== 'pending' || state.unreachable.includes(g.clusterId)) continue;
    enterBatch(state, g, 0, changes);
    active++;
  }
}

export function deriveStatus(state: ExecutionState): ExecutionStatus {
  const phases = state.groups.map((g) => g.phase);
  if (!state.started) return state.aborted ? 'aborted' : 'pending';
  if (phases.includes('rolling-back')) return 'rolling-back';
  const moving = state.groups.some((g) => ACTIVE_PHASES.includes(g.phase));
  if (!moving && phases.includes('failed')) return 'failed';
  if (!moving && phases.includes('rolled-back')) return 'rolled-back';
  if (state.aborted) return 'aborted';
  if (openDegraded(state).length > 0) return 'degraded';
  const allDone = phases.every((p) => p === 'succeeded');
  if (allDone && (bakeOf(state) === 0 || (state.bakedStage ?? -1) >= state.stages.length - 1)) return 'succeeded';
  if (state.stopped) return 'paused';
  if (state.bake && state.stageApproved && !moving) return 'baking';
  if (!state.stageApproved) return 'awaiting-approval';
  if (!moving && phases.includes('paused')) return 'paused';
  return 'running';
}

export const isTerminal = (g: GroupExecution): boolean => TERMINAL_PHASES.includes(g.phase);
export const isActive = (g: GroupExecution): boolean => ACTIVE_PHASES.includes(g.phase);
