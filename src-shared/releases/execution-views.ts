/**
 * Read-only views of an execution for the board: progress of a group ("fort done, batch 3/6") and
 * the "needs me" list (what waits on a person, since when, and the state version an approval must
 * carry). Waiting time is measured from the history entry that put the thing in its current state.
 */
import type { ExecutionState, GroupExecution } from './execution-model';

export interface GroupProgress {
  /** Instances on the new version once the batches done so far are counted. */
  updated: number;
  replicas: number;
  fortDone: boolean;
  /** 1-based batch number among the non-fort batches (0 while in the fort). */
  batch: number;
  batches: number;
  label: string;
}

export function groupProgress(g: GroupExecution): GroupProgress {
  const replicas = g.batches.reduce((a, b) => a + b, 0);
  const finished =
    g.phase === 'succeeded' ? g.batches.length : g.step === 'checking' || g.pausedFrom?.step === 'checking' ? g.batch + 1 : g.batch;
  const updated = g.batches.slice(0, finished).reduce((a, b) => a + b, 0);
  const fortDone = g.fort && finished >= 1;
  const batches = g.batches.length - (g.fort ? 1 : 0);
  const batch = g.fort ? g.batch : g.batch + 1;
  const parts: string[] = [];
  if (g.fort) parts.push(fortDone ? 'fort done' : 'fort');
  if (!g.fort || g.batch > 0) parts.push(`batch ${Math.min(batch, batches)}/${batches}`);
  return {
    updated,
    replicas,
    fortDone,
    batch: g.fort && g.batch === 0 ? 0 : batch,
    batches,
    label: g.phase === 'pending' ? 'not started' : parts.join(', '),
  };
}

export interface NeedsMe {
  kind: 'approve-stage' | 'approve-fort' | 'paused' | 'failed' | 'cluster-back' | 'degraded';
  group?: string;
  /** Epoch ms since when it has been waiting. */
  since: number;
  /** For approvals: the version to send with approvalGiven. */
  version: number;
  message: string;
}

/** Epoch ms of the history entry that produced `version` (0 before any event). */
export function atOfVersion(state: ExecutionState, version: number): number {
  return state.history.find((h) => h.version === version && h.result === 'ok')?.at ?? 0;
}

export function needsMe(state: ExecutionState): NeedsMe[] {
  const out: NeedsMe[] = [];
  if (state.started && !state.aborted && !state.stageApproved) {
    const stage = state.stages[state.stageIndex]!;
    // The first stage waits from the start (version 1), not from version 0, which has no time.
    const since = atOfVersion(state, state.stageWaitSince) || atOfVersion(state, 1) || state.createdAt;
    out.push({
      kind: 'approve-stage',
      since,
      version: state.version,
      message: `Approve stage ${state.stageIndex + 1} (${stage.name}) of ${state.planName}`,
    });
  }
  for (const g of state.groups) {
    const since = atOfVersion(state, g.changedAt);
    if (g.degraded && !g.degraded.overridden && !['rolling-back', 'rolled-back', 'aborted'].includes(g.phase)) {
      out.push({
        kind: 'degraded',
        group: g.key,
        since: g.degraded.at,
        version: state.version,
        message: `${g.key} degraded after its gate passed: ${g.degraded.detail}. The next stage is blocked: roll it back, or continue with an override and a reason`,
      });
      continue;
    }
    if (g.phase === 'baking' && g.awaiting.includes('approval') && g.awaiting.length === 1) {
      out.push({
        kind: 'approve-fort',
        group: g.key,
        since,
        version: state.version,
        message: `The fort of ${g.key} has baked: approve the remaining batches`,
      });
    } else if (g.phase === 'paused') {
      const r = g.pauseReason;
      const why =
        r?.kind === 'gate-failed'
          ? `gate ${r.gate} failed: ${r.detail}`
          : r?.kind === 'cluster-unreachable'
            ? `cluster ${r.clusterId} unreachable`
            : r?.kind === 'drift'
              ? `changed by ${r.by ?? 'someone else'}: ${r.detail}${r.acceptBatch !== undefined ? `; accept it as batch ${r.acceptBatch + 1}, hold, or roll back` : ''}`
              : `paused${r?.note ? `: ${r.note}` : ''}`;
      const back = r?.kind === 'cluster-unreachable' && !state.unreachable.includes(r.clusterId);
      out.push({
        kind: back ? 'cluster-back' : 'paused',
        group: g.key,
        since,
        version: state.version,
        message: `${g.key}: ${why}${back ? ' (cluster is back: resume when ready)' : ''}`,
      });
    } else if (g.phase === 'failed') {
      out.push({
        kind: 'failed',
        group: g.key,
        since,
        version: state.version,
        message: `${g.key} failed: ${g.failure ?? 'unknown'}; retry or roll back`,
      });
    }
  }
  return out.sort((a, b) => a.since - b.since);
}

/** The post-stage bake in progress: stage, plan seconds left (at `timeScale`), or undefined. */
export function bakeLeft(state: ExecutionState, now: number, timeScale = 1): { stage: number; leftSec: number } | undefined {
  if (!state.bake || !state.config.bakeSec) return undefined;
  const elapsed = ((now - state.bake.since) * timeScale) / 1000;
  return { stage: state.bake.stage, leftSec: Math.max(0, Math.ceil(state.config.bakeSec - elapsed)) };
}

/** Plan seconds left of a group's soak while it waits for it (the executor counts from the same moment). */
export function soakLeft(state: ExecutionState, g: GroupExecution, now: number, timeScale = 1): number | undefined {
  if (!g.awaiting.includes('soak') || g.step !== 'checking') return undefined;
  const soakSec = g.fort && g.batch === 0 ? state.config.soakAfterFortSec : state.config.soakAfterBatchSec;
  const since = atOfVersion(state, g.changedAt);
  if (!since) return undefined;
  return Math.max(0, Math.ceil(soakSec - ((now - since) * timeScale) / 1000));
}
