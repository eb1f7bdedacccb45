/**
 * The release execution state machine as a pure reducer: applyEvent(state, event) returns the next
 * state or an error (never throws for a bad event; the state is untouched). Every accepted event
 * increments `version` and appends one history entry listing what changed, including what the
 * scheduler started as a consequence. Nothing here talks to a cluster: the executor service feeds
 * it events from the batch driver, the gate checks, the clock and the person at the keyboard.
 *
 * Safety rules encoded here: an approval carries the version of the state the person saw and is
 * rejected when the thing approved has changed since; an external edit pauses the group (never
 * overwritten silently); a group of an unreachable cluster cannot be resumed; nothing new starts
 * while the line is stopped or after something in the stage failed.
 */
import { err, ok, type Err, type Result } from '../result';
import { ACTIVE_PHASES, type ExecutionEvent, type ExecutionState, type GroupExecution, type PauseReason } from './execution-model';
import {
  completeCheck,
  deriveStatus,
  describeGroup,
  enterBatch,
  enterChecking,
  handedBackNote,
  isActive,
  isHandedBackPause,
  openDegraded,
  schedule,
  setPhase,
} from './execution-schedule';

export { handedBackNote };

export function applyEvent(state: ExecutionState, event: ExecutionEvent): Result<ExecutionState> {
  const s = structuredClone(state);
  s.version = state.version + 1;
  const changes: string[] = [];
  const handled = handle(s, state.version, event, changes);
  if (!handled.ok) return handled;
  schedule(s, changes, event.at);
  s.status = deriveStatus(s);
  s.history.push({ version: s.version, at: event.at, actor: event.actor, action: describeEvent(event, state), result: 'ok', changes });
  return ok(s);
}

/** Record a refused action in the history (who tried what, and why not) without changing state. */
export function recordRejection(state: ExecutionState, event: ExecutionEvent, error: Err): ExecutionState {
  return {
    ...state,
    history: [
      ...state.history,
      {
        version: state.version,
        at: event.at,
        actor: event.actor,
        action: describeEvent(event, state),
        result: 'rejected',
        changes: [error.error.message],
      },
    ],
  };
}

/** Batch numbers as people and the rest of the app count them: "batch 1/3", the fort apart. */
export function batchLabel(g: Pick<GroupExecution, 'fort' | 'batches'>, index: number): string {
  if (g.fort && index === 0) return 'fort';
  const n = g.batches.length - (g.fort ? 1 : 0);
  return `batch ${index - (g.fort ? 1 : 0) + 1}/${n}`;
}

export const RECOVERED_NOTE = 'Capstan restarted during the release; check the board, then resume';

/** How a hand-back reads in the history and the execution view. */
export const handBackLabel = (outcome: NonNullable<GroupExecution['handedBack']>['outcome']): string =>
  outcome === 'refused' ? 'not given back' : outcome === 'untouched' ? 'nothing to give back' : 'given back';

/** The pause note of a team release its driver handed back to the team (nobody drives it until taken over). */
export const isHandedBackToTeam = (s: ExecutionState): boolean => isHandedBackPause(s.stopped);

export function describeEvent(e: ExecutionEvent, state?: ExecutionState): string {
  const parts: string[] = [e.type];
  if ('group' in e && e.group) parts.push(e.group);
  if (e.type === 'batchDone' || e.type === 'acceptProgress') {
    const g = state?.groups.find((x) => x.key === e.group);
    parts.push(`${e.type === 'acceptProgress' ? 'as ' : ''}${g ? batchLabel(g, e.batch) : `batch ${e.batch + 1}`}`);
  }
  if (e.type === 'degraded') parts.push(`(${e.evidence.detail})`);
  if (e.type === 'stageBaked') parts.push(`stage ${e.stage + 1}`);
  if (e.type === 'overrideDegraded' || (e.type === 'approvalGiven' && e.override))
    parts.push(`override: "${e.type === 'overrideDegraded' ? e.reason : e.override}"`);
  if (e.type === 'externalEdit' && e.by) parts.push(`by ${e.by}`);
  if (e.type === 'gatePassed' || e.type === 'gateFailed') parts.push(e.gate);
  if (e.type === 'clusterLost' || e.type === 'clusterBack') parts.push(e.clusterId);
  if (e.type === 'approvalGiven') parts.push(`for version ${e.version}`);
  if ('detail' in e && e.type !== 'handedBack') parts.push(`(${e.detail})`); // a hand-back's detail is its change line
  if ('note' in e && e.note) parts.push(`(${e.note})`);
  return parts.join(' ');
}

const invalid = (message: string): Err => err('invalid-transition', message);

/**
 * What an aborted release still takes: rolling groups back (a person's way on after an abort, see
 * handBack in the executor) and the executor's bookkeeping while it does. Nothing that would make
 * it move forward again (retry, resume, approve, accept progress), whether it was aborted a minute
 * ago or loaded from disk after a restart.
 */
const AFTER_ABORT: readonly ExecutionEvent['type'][] = [
  'rollback',
  'rollbackDone',
  'fail',
  'note',
  'handedBack',
  'externalEdit',
  'originalRecorded',
  'clusterLost',
  'clusterBack',
  'abort',
  'recovered',
  'stopTheLine', // refused by their own rules, in their own words
];

function handle(s: ExecutionState, seen: number, e: ExecutionEvent, changes: string[]): Result<void> {
  if (e.type === 'start') {
    if (s.started || s.aborted) return invalid(`The release was already ${s.aborted ? 'aborted' : 'started'}.`);
    s.started = true;
    changes.push('release started');
    return ok(undefined);
  }
  if (!s.started) return invalid(`The release has not started; "${e.type}" is not possible yet.`);
  if (s.aborted && !AFTER_ABORT.includes(e.type)) {
    return invalid(
      `The release was aborted; "${e.type}" is not possible any more (an aborted release only rolls groups back). Roll a group back, or plan a new release.`,
    );
  }
  switch (e.type) {
    case 'fortDone':
    case 'batchDone':
      return withGroup(s, e.group, (g) => {
        const batch = e.type === 'fortDone' ? 0 : e.batch;
        if (e.type === 'fortDone' && !g.fort) return invalid(`${g.key} has no fort batch.`);
        if (!isActive(g) || g.step !== 'updating' || g.batch !== batch)
          return invalid(`${g.key} is ${describeGroup(g)}; it is not updating batch ${batch}.`);
        enterChecking(s, g, changes);
        return ok(undefined);
      });
    case 'bakeElapsed':
    case 'gatePassed': {
      const check = e.type === 'bakeElapsed' ? 'soak' : e.gate;
      return withGroup(s, e.group, (g) => {
        if (!isActive(g) || g.step !== 'checking' || !g.awaiting.includes(check))
          return invalid(`${g.key} is ${describeGroup(g)}; it is not waiting for ${check}.`);
        completeCheck(s, g, check, changes);
        return ok(undefined);
      });
    }
    case 'gateFailed':
      return withGroup(s, e.group, (g) => {
        if (!isActive(g)) return invalid(`${g.key} is ${describeGroup(g)}; no gate runs.`);
        if (s.config.rollback === 'auto') {
          changes.push(`${g.key}: gate ${e.gate} failed (${e.detail}); rolling back (policy auto)`);
          setPhase(s, g, 'rolling-back', changes);
        } else pauseGroup(s, g, { kind: 'gate-failed', gate: e.gate, detail: e.detail }, changes);
        return ok(undefined);
      });
    case 'approvalGiven':
      return approve(s, seen, e, changes);
    case 'pause':
      if (e.group) {
        return withGroup(s, e.group, (g) => {
          if (!isActive(g) && g.phase !== 'pending') return invalid(`${g.key} is ${describeGroup(g)}; it cannot be paused.`);
          pauseGroup(s, g, { kind: 'manual', note: e.note }, changes);
          return ok(undefined);
        });
      }
      if (s.stopped) return invalid('The release is already paused.');
      return stopAll(s, { kind: 'manual', note: e.note }, changes);
    case 'stopTheLine':
      return stopAll(s, { kind: 'stop-the-line', note: e.note }, changes);
    case 'recovered':
      // Never continue on our own after a restart: the world may have moved while we were gone.
      return stopAll(s, { kind: 'manual', note: RECOVERED_NOTE }, changes);
    case 'degraded':
      return withGroup(s, e.group, (g) => {
        if (g.phase !== 'succeeded') return invalid(`${g.key} is ${describeGroup(g)}; its own gates watch it.`);
        if (g.degraded && !g.degraded.overridden) return invalid(`${g.key} is already degraded (${g.degraded.detail}).`);
        g.degraded = { ...e.evidence };
        g.changedAt = s.version;
        if (s.config.rollback === 'auto') {
          changes.push(`${g.key}: degraded after its gate passed (${e.evidence.detail}); rolling back (policy auto)`);
          setPhase(s, g, 'rolling-back', changes);
        } else
          changes.push(
            `${g.key}: degraded after its gate passed (${e.evidence.detail}); nothing moves on until someone rolls back or overrides with a reason`,
          );
        return ok(undefined);
      });
    case 'stageBaked': {
      if (!s.bake || s.bake.stage !== e.stage) return invalid(`Stage ${e.stage + 1} is not baking.`);
      const bad = openDegraded(s);
      if (bad.length > 0) return invalid(`Stage ${e.stage + 1} cannot finish its bake: ${bad.map((g) => g.key).join(', ')} degraded.`);
      s.bake = undefined;
      s.bakedStage = e.stage;
      changes.push(`stage ${e.stage + 1} (${s.stages[e.stage]?.name}) baked: healthy for the whole bake`);
      return ok(undefined);
    }
    case 'overrideDegraded':
      return overrideDegraded(s, e.actor, e.reason, e.at, changes);
    case 'resume':
      return e.group ? withGroup(s, e.group, (g) => resumeGroup(s, g, changes)) : resumeAll(s, changes);
    case 'retry':
      return withGroup(s, e.group, (g) => {
        if (g.phase === 'paused' && g.pauseReason?.kind === 'gate-failed' && g.pausedFrom?.phase !== 'pending') {
          if (s.unreachable.includes(g.clusterId)) return invalid(`Cluster ${g.clusterId} is unreachable; retry when it is back.`);
          // setPhase clears the pause after describing it, so the history says what was resumed.
          const from = g.pausedFrom;
          if (from?.step === 'checking') enterChecking(s, g, changes);
          else enterBatch(s, g, g.batch, changes);
          return ok(undefined);
        }
        if (g.phase === 'failed') {
          g.failure = undefined;
          enterBatch(s, g, g.batch, changes);
          return ok(undefined);
        }
        return invalid(`${g.key} is ${describeGroup(g)}; only a failed gate or a failed group can be retried.`);
      });
    case 'abort':
      if (s.aborted) return invalid('The release was already aborted.');
      s.aborted = true;
      s.stopped = undefined;
      changes.push('release aborted; Capstan gives back every Deployment it claimed (what it restored or left is noted per group)');
      for (const g of s.groups)
        if (!['succeeded', 'aborted', 'rolled-back', 'failed', 'rolling-back'].includes(g.phase)) setPhase(s, g, 'aborted', changes);
      return ok(undefined);
    case 'rollback':
      if (e.group) {
        return withGroup(s, e.group, (g) => {
          if (['pending', 'rolling-back', 'rolled-back'].includes(g.phase))
            return invalid(`${g.key} is ${describeGroup(g)}; there is nothing to roll back.`);
          setPhase(s, g, 'rolling-back', changes);
          return ok(undefined);
        });
      }
      s.aborted = true; // the release is over; nothing new starts
      s.stopped = undefined;
      for (const g of s.groups) {
        if (g.phase === 'pending') setPhase(s, g, 'aborted', changes);
        else if (!['rolling-back', 'rolled-back'].includes(g.phase)) setPhase(s, g, 'rolling-back', changes);
      }
      return ok(undefined);
    case 'rollbackDone':
      return withGroup(s, e.group, (g) => {
        if (g.phase !== 'rolling-back') return invalid(`${g.key} is ${describeGroup(g)}; it is not rolling back.`);
        setPhase(s, g, 'rolled-back', changes);
        return ok(undefined);
      });
    case 'fail':
      return withGroup(s, e.group, (g) => {
        if (!isActive(g) && g.phase !== 'rolling-back') return invalid(`${g.key} is ${describeGroup(g)}; it cannot fail now.`);
        g.failure = e.detail;
        setPhase(s, g, 'failed', changes);
        return ok(undefined);
      });
    case 'clusterLost':
      if (s.unreachable.includes(e.clusterId)) return invalid(`Cluster ${e.clusterId} is already known to be unreachable.`);
      s.unreachable.push(e.clusterId);
      for (const g of s.groups)
        if (g.clusterId === e.clusterId && isActive(g)) pauseGroup(s, g, { kind: 'cluster-unreachable', clusterId: e.clusterId }, changes);
      if (s.config.onClusterLost === 'stop-the-line' && !s.stopped)
        stopAll(s, { kind: 'stop-the-line', note: `cluster ${e.clusterId} unreachable` }, changes);
      return ok(undefined);
    case 'clusterBack':
      if (!s.unreachable.includes(e.clusterId)) return invalid(`Cluster ${e.clusterId} was not unreachable.`);
      s.unreachable = s.unreachable.filter((c) => c !== e.clusterId);
      changes.push(`cluster ${e.clusterId} is back; its groups stay paused until someone resumes them`);
      return ok(undefined);
    case 'externalEdit':
      return withGroup(s, e.group, (g) => {
        const who = e.by ? ` by ${e.by}` : '';
        if (isActive(g) || g.phase === 'paused')
          pauseGroup(s, g, { kind: 'drift', detail: e.detail, by: e.by, acceptBatch: e.acceptBatch }, changes);
        else changes.push(`${g.key}: edited${who} (${e.detail}); noted`);
        return ok(undefined);
      });
    case 'originalRecorded':
      return withGroup(s, e.group, (g) => {
        if (g.original) return invalid(`${g.key}: the original Deployment settings were already recorded.`);
        g.original = e.original;
        const ru = e.original.strategy?.rollingUpdate;
        changes.push(
          `${g.key}: original settings recorded (${e.original.strategy?.type ?? 'RollingUpdate'} maxSurge ${ru?.maxSurge ?? 'default'}, maxUnavailable ${ru?.maxUnavailable ?? 'default'}, minReadySeconds ${e.original.minReadySeconds}, progressDeadlineSeconds ${e.original.progressDeadlineSeconds ?? 'default'}${e.original.paused ? ', paused' : ''})`,
        );
        return ok(undefined);
      });
    case 'acceptProgress':
      return withGroup(s, e.group, (g) => {
        if (g.phase !== 'paused' || g.pauseReason?.kind !== 'drift' || g.pauseReason.acceptBatch !== e.batch) {
          return invalid(`${g.key} is ${describeGroup(g)}; there is no progress past a batch boundary to accept as batch ${e.batch + 1}.`);
        }
        if (s.unreachable.includes(g.clusterId)) return invalid(`Cluster ${g.clusterId} is unreachable; decide when it is back.`);
        if (e.batch >= g.batches.length) return invalid(`${g.key} has no batch ${e.batch + 1}.`);
        changes.push(`${g.key}: progress accepted as batch ${e.batch + 1} of ${g.batches.length}; gating goes on from there`);
        enterBatch(s, g, e.batch, changes);
        return ok(undefined);
      });
    case 'handedBack':
      return withGroup(s, e.group, (g) => {
        if (g.phase !== 'aborted') return invalid(`${g.key} is ${describeGroup(g)}; only an aborted group is handed back.`);
        if (g.handedBack) return invalid(`${g.key} was already handed back.`);
        g.handedBack = { at: e.at, outcome: e.outcome, detail: e.detail };
        changes.push(`${g.key}: ${handBackLabel(e.outcome)}: ${e.detail}`);
        return ok(undefined);
      });
    case 'note':
      return withGroup(s, e.group, () => {
        changes.push(`${e.group}: ${e.detail}`);
        return ok(undefined);
      });
  }
}

function withGroup(s: ExecutionState, key: string, fn: (g: GroupExecution) => Result<void>): Result<void> {
  const g = s.groups.find((x) => x.key === key);
  return g ? fn(g) : invalid(`No group ${key} in release ${s.planName}.`);
}

function pauseGroup(s: ExecutionState, g: GroupExecution, reason: PauseReason, changes: string[]): void {
  if (g.phase !== 'paused') g.pausedFrom = { phase: g.phase as 'pending' | 'fort' | 'baking' | 'rolling', step: g.step };
  g.pauseReason = reason;
  setPhase(s, g, 'paused', changes);
}

function stopAll(s: ExecutionState, reason: PauseReason, changes: string[]): Result<void> {
  if (s.aborted || ['succeeded', 'rolled-back', 'failed'].includes(s.status))
    return invalid(`The release is ${s.status}; there is nothing to stop.`);
  s.stopped = reason;
  changes.push(reason.kind === 'stop-the-line' ? 'line stopped: every group in flight pauses' : 'release paused');
  for (const g of s.groups) if (ACTIVE_PHASES.includes(g.phase)) pauseGroup(s, g, reason, changes);
  return ok(undefined);
}

function resumeGroup(s: ExecutionState, g: GroupExecution, changes: string[]): Result<void> {
  if (g.phase !== 'paused' || !g.pausedFrom) return invalid(`${g.key} is ${describeGroup(g)}; it is not paused.`);
  if (s.unreachable.includes(g.clusterId)) return invalid(`Cluster ${g.clusterId} is unreachable; ${g.key} can resume when it is back.`);
  const from = g.pausedFrom;
  const before = describeGroup(g);
  g.step = from.step;
  setPhase(s, g, from.phase, changes);
  changes[changes.length - 1] = `${g.key}: resumed, ${before} → ${describeGroup(g)}`;
  return ok(undefined);
}

function resumeAll(s: ExecutionState, changes: string[]): Result<void> {
  if (!s.stopped) return invalid('The release is not paused; resume a group instead.');
  s.stopped = undefined;
  changes.push('release resumed');
  for (const g of s.groups) {
    if (g.phase !== 'paused') continue;
    const kind = g.pauseReason?.kind;
    if ((kind === 'manual' || kind === 'stop-the-line') && !s.unreachable.includes(g.clusterId)) resumeGroup(s, g, changes);
    else changes.push(`${g.key} stays paused (${kind}); resume it on its own`);
  }
  return ok(undefined);
}

/** Mark every open degradation as overridden by `actor` for `reason` (recorded in the history). */
function overrideDegraded(s: ExecutionState, actor: string, reason: string, at: number, changes: string[]): Result<void> {
  const bad = openDegraded(s);
  if (bad.length === 0) return invalid('No group is degraded; there is nothing to override.');
  if (reason.trim().length < 3) return invalid('Say why you continue although a group is degraded (a reason of a few words).');
  for (const g of bad) {
    g.degraded!.overridden = { actor, reason: reason.trim(), at };
    changes.push(`${g.key}: degraded (${g.degraded!.detail}) overridden by ${actor}: ${reason.trim()}`);
  }
  return ok(undefined);
}

function approve(s: ExecutionState, seen: number, e: Extract<ExecutionEvent, { type: 'approvalGiven' }>, changes: string[]): Result<void> {
  // Promoting past a group that went bad after its gate needs an explicit override with a reason.
  const bad = openDegraded(s);
  if (bad.length > 0) {
    if (!e.override) {
      const first = bad[0]!.degraded!;
      return err(
        'invalid-transition',
        `Not approved: ${bad.map((g) => g.key).join(', ')} degraded after passing its gate (${first.detail}). Roll it back, or approve with an override and a reason.`,
      );
    }
    const o = overrideDegraded(s, e.actor, e.override, e.at, changes);
    if (!o.ok) return o;
  }
  const stale = (since: number, what: string): Result<void> | undefined =>
    e.version < since || e.version > seen
      ? err(
          'stale-state',
          `This approval was given for version ${e.version}, but ${what} has changed since (now version ${seen}); look again and approve the current state.`,
        )
      : undefined;
  if (e.group) {
    return withGroup(s, e.group, (g) => {
      if (g.phase !== 'baking' || !g.awaiting.includes('approval'))
        return invalid(`${g.key} is ${describeGroup(g)}; it is not waiting for an approval.`);
      return stale(g.changedAt, g.key) ?? (completeCheck(s, g, 'approval', changes), ok(undefined));
    });
  }
  if (s.stageApproved) return invalid(`Stage ${s.stageIndex + 1} is not waiting for an approval.`);
  const refused = stale(s.stageWaitSince, `stage ${s.stageIndex + 1}`);
  if (refused) return refused;
  s.stageApproved = true;
  changes.push(`stage ${s.stageIndex + 1} (${s.stages[s.stageIndex]!.name}) approved`);
  return ok(undefined);
}
