/**
 * What a risky release step will change and the evidence for deciding it, as data for the confirm
 * dialog: which groups, from which version to which, how many pods, and per group how healthy it
 * has been (since when, soak/bake done, restarts of its new pods). Pure: the dialog renders it.
 * Routine steps (pause, a UAT approval) are not confirmed; which ones are is `needsConfirm`.
 */
import { batchLabel, RECOVERED_NOTE } from '../../../src-shared/releases/execution';
import type { ExecutionState, GroupExecution } from '../../../src-shared/releases/execution-model';
import { isTerminal, openDegraded } from '../../../src-shared/releases/execution-schedule';
import { atOfVersion } from '../../../src-shared/releases/execution-views';
import type { PodSummary } from '../../../src-shared/workloads/contract';
import { tagOf } from './board-model';

export type RiskyStep =
  | { kind: 'rollback-all' }
  | { kind: 'abort' }
  | { kind: 'approve-stage' }
  | { kind: 'approve-fort'; group: string }
  | { kind: 'resume' }
  | { kind: 'resume-group'; group: string }
  | { kind: 'override' };

export interface ScopeRow {
  group: string;
  change: string;
  pods: number;
  evidence: string;
}

export interface ConfirmModel {
  title: string;
  confirmLabel: string;
  danger: boolean;
  /** A reason is required (an override of a degraded group). */
  needsReason: boolean;
  rows: ScopeRow[];
  /** Degraded groups' evidence lines, shown above the table. */
  warnings: string[];
}

const clock = (ms: number) => (ms ? new Date(ms).toLocaleTimeString() : '?');
const replicasOf = (g: GroupExecution) => g.batches.reduce((a, b) => a + b, 0);
const from = (g: GroupExecution) => (g.fromImage ? tagOf(g.fromImage) : '?');

/** Is this stage production (its groups have a fort, or its name says pro)? */
export const isProStage = (e: ExecutionState, stage: number): boolean =>
  /^pro/i.test(e.stages[stage]?.name ?? '') || e.groups.some((g) => g.stageIndex === stage && g.fort);

export const isRecoveredHold = (e: ExecutionState): boolean => e.stopped?.kind === 'manual' && e.stopped.note === RECOVERED_NOTE;

/** A group held because Capstan restarted (not paused by a person, a gate or a drift). */
export const isRecoveredGroup = (g: GroupExecution): boolean =>
  g.phase === 'paused' && g.pauseReason?.kind === 'manual' && g.pauseReason.note === RECOVERED_NOTE;

/** Which steps ask first: the whole-release ones, forts, PRO stages, anything past a degraded group, a recovered release. */
export function needsConfirm(e: ExecutionState, step: RiskyStep): boolean {
  switch (step.kind) {
    case 'approve-stage':
      return isProStage(e, e.stageIndex) || openDegraded(e).length > 0;
    case 'resume':
      return isRecoveredHold(e);
    case 'resume-group': {
      const g = e.groups.find((x) => x.key === step.group);
      return g !== undefined && isRecoveredGroup(g);
    }
    default:
      return true;
  }
}

/** Evidence of one group: state, healthy since, soak/bake done, restarts of its new pods. */
export function evidenceOf(e: ExecutionState, g: GroupExecution, pods: readonly PodSummary[]): string {
  const mine = pods.filter(
    (p) =>
      p.clusterId === g.clusterId &&
      p.namespace === g.namespace &&
      p.deployment === g.deployment &&
      !p.deleting &&
      p.images.includes(g.toImage),
  );
  const restarts = mine.reduce((a, p) => a + p.restarts, 0);
  if (g.phase === 'pending') return `not started: runs ${from(g)} now`;
  const parts: string[] = [];
  if (g.degraded && !g.degraded.overridden)
    parts.push(
      `DEGRADED since ${clock(g.degraded.at)} (${g.degraded.what === 'oom' ? 'OOMKilled' : g.degraded.what}), healthy ${clock(g.degraded.healthySince)}–${clock(g.degraded.at)}`,
    );
  else if (g.phase === 'succeeded') parts.push(`healthy since ${clock(atOfVersion(e, g.changedAt))}`);
  else if (g.phase === 'baking')
    parts.push(`fort healthy since ${clock(atOfVersion(e, g.changedAt))}, soak ${g.awaiting.includes('soak') ? 'not done' : 'done'}`);
  else parts.push(g.phase);
  if (g.phase === 'succeeded' && e.bake?.stage === g.stageIndex) parts.push('bake running');
  else if (g.phase === 'succeeded' && (e.bakedStage ?? -1) >= g.stageIndex) parts.push('bake done');
  parts.push(`${restarts} restart(s) on ${mine.length} new pod(s)`);
  return parts.join(' · ');
}

/** Where a paused group stands: "fort", "batch 2/3" (updated pods follow in the Pods column). */
const groupPoint = (g: GroupExecution) => batchLabel(g, g.batch);

export function confirmModel(e: ExecutionState, step: RiskyStep, pods: readonly PodSummary[]): ConfirmModel {
  const degraded = openDegraded(e);
  const warnings = degraded.map((g) => `${g.key}: ${g.degraded!.detail}`);
  const row = (g: GroupExecution, change: string): ScopeRow => ({
    group: g.key,
    change,
    pods: replicasOf(g),
    evidence: evidenceOf(e, g, pods),
  });
  const to = (g: GroupExecution) => `${from(g)} → ${tagOf(g.toImage)}`;
  switch (step.kind) {
    case 'rollback-all': {
      const moved = e.groups.filter((g) => !['pending', 'rolled-back'].includes(g.phase));
      return {
        title: `Roll back every group of ${e.planName}?`,
        confirmLabel: `Roll back ${moved.length} group(s)`,
        danger: true,
        needsReason: false,
        warnings,
        rows: moved.map((g) => row(g, `${tagOf(g.toImage)} → ${from(g)}`)),
      };
    }
    case 'abort': {
      const left = e.groups.filter((g) => !isTerminal(g));
      return {
        title: `Abort ${e.planName}?`,
        confirmLabel: 'Abort the release',
        danger: true,
        needsReason: false,
        warnings,
        rows: left.map((g) => row(g, g.phase === 'pending' ? 'will not start' : 'stays as it is now (not rolled back)')),
      };
    }
    case 'approve-stage': {
      const next = e.groups.filter((g) => g.stageIndex === e.stageIndex);
      const before = e.groups.filter((g) => g.stageIndex < e.stageIndex);
      const name = e.stages[e.stageIndex]?.name ?? '';
      if (!before.some((g) => g.phase === 'succeeded'))
        warnings.push(`No earlier stage of this release has run ${tagOf(e.toImage)}: this approval is its first exposure.`);
      return {
        title: `Approve stage ${e.stageIndex + 1} (${name})${isProStage(e, e.stageIndex) ? ': production' : ''}?`,
        confirmLabel: degraded.length ? 'Approve anyway (override)' : `Approve stage ${e.stageIndex + 1}`,
        danger: degraded.length > 0,
        needsReason: degraded.length > 0,
        warnings,
        rows: [...before.map((g) => row(g, `done: ${to(g)}`)), ...next.map((g) => row(g, `will move ${to(g)}`))],
      };
    }
    case 'approve-fort': {
      const g = e.groups.find((x) => x.key === step.group)!;
      const rest = replicasOf(g) - (g.batches[0] ?? 0);
      return {
        title: `Approve the fort of ${g.key}?`,
        confirmLabel: degraded.length ? 'Approve anyway (override)' : 'Approve the remaining batches',
        danger: degraded.length > 0,
        needsReason: degraded.length > 0,
        warnings,
        rows: [row(g, `remaining ${rest} pod(s) move ${to(g)} in ${g.batches.length - 1} batch(es)`)],
      };
    }
    case 'resume': {
      const paused = e.groups.filter((g) => g.phase === 'paused');
      return {
        title: `Resume ${e.planName} after Capstan restarted?`,
        confirmLabel: 'Resume',
        danger: false,
        needsReason: false,
        warnings,
        rows: paused.map((g) => row(g, `continues ${to(g)}`)),
      };
    }
    case 'resume-group': {
      const g = e.groups.find((x) => x.key === step.group)!;
      const checking = g.pausedFrom?.step === 'checking' ? ', being checked' : ', updating';
      warnings.push(
        `Capstan restarted while ${g.key} was at ${groupPoint(g)}${checking}; the rest of the release stays paused. Check the board before it moves again.`,
      );
      return {
        title: `Resume ${g.key} after Capstan restarted?`,
        confirmLabel: `Resume ${g.key}`,
        danger: false,
        needsReason: false,
        warnings,
        rows: [row(g, `continues ${to(g)} from ${groupPoint(g)}`)],
      };
    }
    case 'override':
      return {
        title: 'Continue although a group is degraded?',
        confirmLabel: 'Continue anyway',
        danger: true,
        needsReason: true,
        warnings,
        rows: degraded.map((g) => row(g, `stays on ${tagOf(g.toImage)}`)),
      };
  }
}
