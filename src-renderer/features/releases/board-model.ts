/**
 * The board as data: apps × release groups across every cluster. A cell holds one line per
 * Deployment of that app and group (in any cluster): the target version (of a release in flight)
 * against a histogram of the versions its pods run, batch progress, health, state and how long it
 * has waited on a person. Pure, so the board renders from the store without asking main.
 */
import type { ExecutionState, GroupExecution } from '../../../src-shared/releases/execution-model';
import { pauseWord } from '../../../src-shared/releases/execution-schedule';
import { groupProgress, needsMe, type NeedsMe } from '../../../src-shared/releases/execution-views';
import type { DeploymentSummary, PodSummary } from '../../../src-shared/workloads/contract';
import { wasOomKilled } from '../../../src-shared/workloads/oom';
import { imageTag as tagOf } from '../../../src-shared/base/image-ref';

export type CellState =
  'idle' | 'rolling' | 'paused' | 'waiting' | 'failed' | 'failing' | 'rolled-back' | 'done' | 'baking' | 'degraded' | 'diverged';

export interface CellLine {
  key: string;
  app: string;
  clusterId: string;
  namespace: string;
  name: string;
  /** Tag → pod count, most pods first. */
  versions: { tag: string; pods: number }[];
  target?: string;
  progress?: string;
  ready: number;
  total: number;
  restarts: number;
  oomKilled: number;
  crashLooping: number;
  state: CellState;
  /** What is happening, in words: "waiting for approval", "rolling batch 2/3", "diverged: running 1.4.2, plan expects 1.5.0"... */
  label?: string;
  /** Epoch ms the post-stage bake of this line's group ends (the badge counts down). */
  bakeUntil?: number;
  /** Epoch ms since the group waits on a person. */
  waitingSince?: number;
  why?: string;
  paused: boolean;
  revision?: string;
  executionId?: string;
  /** Epoch ms of the snapshot this line comes from, until its cluster has synced (not actionable). */
  staleAsOf?: number;
}

export interface BoardRow {
  app: string;
  cells: Record<string, CellLine[]>;
}

export { tagOf };

const GROUP_ORDER = ['fat', 'uat', 'pro'];
export const sortGroups = (groups: Iterable<string>): string[] =>
  [...new Set(groups)].sort((a, b) => (GROUP_ORDER.indexOf(a) + 1 || 99) - (GROUP_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));

/** What the Deployment runs, as a tag list ("1.4.2", or "1.4.2, sidecar 2.0"). */
const runningTags = (d: DeploymentSummary): string => d.images.map(tagOf).join(', ') || 'nothing';

/**
 * The cell's state from the cluster first, the execution record second: a group the record calls
 * succeeded is "done" only while its Deployment runs the target template and is healthy; running
 * something else is "diverged" (someone changed it outside Capstan); a crash loop is "failing",
 * never "rolling".
 */
function stateOf(
  x: ExecutionEntry | undefined,
  d: DeploymentSummary,
  health: { ready: number; crashLooping: number },
  waiting: boolean,
): { state: CellState; label?: string } {
  const unhealthy = health.crashLooping > 0 || d.rollout === 'failed';
  const g = x?.g;
  if (g) {
    const onTarget = d.images.includes(g.toImage);
    // Past its update the group's Deployment must run the target; before it, anything may run.
    const shouldRunTarget = g.phase === 'succeeded' || g.step === 'checking' || g.pausedFrom?.step === 'checking';
    if (shouldRunTarget && !onTarget && !['rolling-back', 'rolled-back', 'aborted', 'failed'].includes(g.phase)) {
      const who = [d.specManager ? `changed by ${d.specManager}` : '', d.changeCause ? `"${d.changeCause}"` : '']
        .filter(Boolean)
        .join(', ');
      return { state: 'diverged', label: `diverged: running ${runningTags(d)}, plan expects ${tagOf(g.toImage)}${who ? ` (${who})` : ''}` };
    }
    if (g.degraded && !g.degraded.overridden && !['rolling-back', 'rolled-back'].includes(g.phase))
      return { state: 'degraded', label: `degraded: ${g.degraded.what === 'oom' ? 'OOMKilled' : g.degraded.what}` };
    if (g.phase === 'failed') return { state: 'failed' };
    if (g.phase === 'rolled-back') return { state: 'rolled-back' };
    if (g.phase === 'paused' && g.pauseReason?.kind === 'drift') return { state: 'diverged', label: `diverged: ${g.pauseReason.detail}` };
    if (waiting) {
      if (g.phase === 'paused')
        return {
          state: 'paused',
          label: pauseWord(g) === 'manual' ? 'paused' : `paused (${pauseWord(g)})`,
        };
      return { state: 'waiting', label: 'waiting for approval' };
    }
    if (['fort', 'baking', 'rolling', 'rolling-back'].includes(g.phase)) {
      if (unhealthy)
        return { state: 'failing', label: health.crashLooping ? 'failing: crash loop' : 'failing: progress deadline exceeded' };
      if (g.phase === 'rolling-back') return { state: 'rolling', label: 'rolling back' };
      const p = groupProgress(g);
      const where = g.fort && g.batch === 0 ? (g.step === 'updating' ? 'fort' : 'fort baking') : `batch ${p.batch}/${p.batches}`;
      return { state: 'rolling', label: g.step === 'checking' ? `checking ${where}` : `rolling ${where}` };
    }
    if (g.phase === 'succeeded') {
      if (unhealthy || health.ready < d.replicas)
        return { state: 'failing', label: unhealthy ? 'failing' : `${health.ready}/${d.replicas} ready` };
      if (x.e.bake?.stage === g.stageIndex) return { state: 'baking', label: 'baking' };
      return { state: 'done' };
    }
  }
  if (unhealthy) return { state: 'failing', label: health.crashLooping ? 'failing: crash loop' : 'failing' };
  if (d.paused) return { state: 'paused' };
  return d.rollout === 'progressing' ? { state: 'rolling' } : { state: 'idle' };
}

/** What the board knows of the release touching one Deployment: the newest execution and its group. */
export interface ExecutionEntry {
  e: ExecutionState;
  g: GroupExecution;
  needs?: NeedsMe;
}

/** The newest execution touching each Deployment key, with its group. */
export function groupsByKey(executions: readonly ExecutionState[]): Map<string, ExecutionEntry> {
  const out = new Map<string, ExecutionEntry>();
  for (const e of [...executions].sort((a, b) => a.createdAt - b.createdAt)) {
    const needs = needsMe(e);
    const over = e.aborted || ['succeeded', 'rolled-back', 'failed'].includes(e.status);
    for (const g of e.groups) {
      // A group that never started in a release that is over says nothing about its Deployment.
      if (g.phase === 'pending' && (over || out.has(g.key))) continue;
      out.set(g.key, { e, g, needs: needs.find((n) => n.group === g.key) });
    }
  }
  return out;
}

export const deploymentKey = (d: { clusterId: string; namespace: string; name: string }): string =>
  `${d.clusterId}/${d.namespace}/${d.name}`;
/** The key of the Deployment a pod belongs to, or undefined for a pod of no Deployment. */
export const podDeploymentKey = (p: PodSummary): string | undefined =>
  p.deployment ? `${p.clusterId}/${p.namespace}/${p.deployment}` : undefined;

/** One Deployment's line on the board, from its pods (any order, deleting ones included) and its release. */
export function lineOf(d: DeploymentSummary, pods: Iterable<PodSummary>, x: ExecutionEntry | undefined): CellLine {
  const hist = new Map<string, number>();
  let ready = 0;
  let restarts = 0;
  let oomKilled = 0;
  let crashLooping = 0;
  for (const p of pods) {
    if (p.deleting) continue;
    const img = p.images[0];
    if (img !== undefined) {
      const tag = tagOf(img);
      hist.set(tag, (hist.get(tag) ?? 0) + 1);
    }
    if (p.ready) ready++;
    restarts += p.restarts;
    if (wasOomKilled(p)) oomKilled++;
    if (p.status === 'CrashLoopBackOff') crashLooping++;
  }
  const live = x && !['succeeded', 'rolled-back', 'aborted'].includes(x.g.phase) ? x : undefined;
  const waiting =
    live?.needs !== undefined ||
    (live !== undefined &&
      !live.e.stageApproved &&
      live.g.stageIndex === live.e.stageIndex &&
      live.g.phase === 'pending' &&
      live.e.started);
  const judged = x && (x.g.phase !== 'pending' || waiting) ? x : undefined;
  const { state, label } = stateOf(judged, d, { ready, crashLooping }, waiting);
  const needs = x?.needs ?? live?.needs;
  const bake =
    x?.e.bake && x.e.bake.stage === x.g.stageIndex && x.e.config.bakeSec ? x.e.bake.since + x.e.config.bakeSec * 1000 : undefined;
  return {
    key: deploymentKey(d),
    app: d.app!,
    clusterId: d.clusterId,
    namespace: d.namespace,
    name: d.name,
    versions: [...hist.entries()].map(([tag, n]) => ({ tag, pods: n })).sort((a, b) => b.pods - a.pods || a.tag.localeCompare(b.tag)),
    // The target matters while the release moves this Deployment; once done the histogram says it.
    target: live ? tagOf(live.g.toImage) : undefined,
    // A group that went bad after its gate is "succeeded" in the record; never say that beside OOMKilled.
    progress: x
      ? `${groupProgress(x.g).label} · ${x.g.degraded && !x.g.degraded.overridden && x.g.phase === 'succeeded' ? 'degraded after its gate passed' : x.g.phase}`
      : undefined,
    ready,
    total: d.replicas,
    restarts,
    oomKilled,
    crashLooping,
    state,
    ...(label ? { label } : {}),
    ...(state === 'baking' && bake ? { bakeUntil: bake } : {}),
    waitingSince: needs?.since,
    why: needs?.message,
    paused: d.paused,
    revision: d.revision,
    executionId: x?.e.id,
    ...(d.staleAsOf !== undefined ? staleFacts(d) : {}),
  };
}

/** A line from the snapshot has no pods: its template's version with the ready count it had then. */
const staleFacts = (d: DeploymentSummary): Pick<CellLine, 'staleAsOf' | 'versions' | 'ready'> => ({
  staleAsOf: d.staleAsOf,
  versions: d.images[0] !== undefined && d.readyReplicas > 0 ? [{ tag: tagOf(d.images[0]), pods: d.readyReplicas }] : [],
  ready: d.readyReplicas,
});

export const compareLines = (a: CellLine, b: CellLine): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
export const compareRows = (a: BoardRow, b: BoardRow): number => a.app.localeCompare(b.app);

export interface Board {
  rows: BoardRow[];
  groups: string[];
}

/** The whole board from scratch (createBoardIndex in board-index.ts keeps one up to date by deltas). */
export function buildBoard(
  deployments: readonly DeploymentSummary[],
  pods: readonly PodSummary[],
  executions: readonly ExecutionState[],
): Board {
  const podsByDeployment = new Map<string, PodSummary[]>();
  for (const p of pods) {
    const k = podDeploymentKey(p);
    if (!k) continue;
    const list = podsByDeployment.get(k);
    if (list) list.push(p);
    else podsByDeployment.set(k, [p]);
  }
  const execByKey = groupsByKey(executions);
  const rows = new Map<string, BoardRow>();
  const groups = new Set<string>();
  for (const d of deployments) {
    if (!d.app || !d.group) continue;
    groups.add(d.group);
    const key = deploymentKey(d);
    const line = lineOf(d, podsByDeployment.get(key) ?? [], execByKey.get(key));
    let row = rows.get(d.app);
    if (!row) rows.set(d.app, (row = { app: d.app, cells: {} }));
    (row.cells[d.group] ??= []).push(line);
  }
  for (const r of rows.values()) for (const lines of Object.values(r.cells)) lines.sort(compareLines);
  return { rows: [...rows.values()].sort(compareRows), groups: sortGroups(groups) };
}

/** "needs me" across every execution, oldest wait first. */
export const needsMeAll = (executions: readonly ExecutionState[]): (NeedsMe & { executionId: string; planName: string })[] =>
  executions.flatMap((e) => needsMe(e).map((n) => ({ ...n, executionId: e.id, planName: e.planName }))).sort((a, b) => a.since - b.since);
