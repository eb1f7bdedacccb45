/**
 * The board kept up to date by deltas instead of rebuilt: at 50,000 pods a rebuild walks every pod
 * on every store update (tens of ms per pod change, and a new object for every one of 2,000 lines,
 * so React re-renders every cell). The store's arrays carry their delta from the previous array
 * (rowsDelta, features/workloads/workload-index.ts); this index applies it to the Deployments it touches, and
 * rebuilds only their lines and rows. Unchanged lines, rows and the rows array keep their identity,
 * so memoised components skip them. Without a matching delta (a reset, a relist, a skipped
 * version) it rebuilds, which gives the same board as buildBoard.
 */
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import type { DeploymentSummary, PodSummary } from '../../../src-shared/workloads/contract';
import { rowsDelta } from '../workloads/workload-index';
import {
  compareLines,
  compareRows,
  deploymentKey,
  groupsByKey,
  lineOf,
  podDeploymentKey,
  sortGroups,
  type Board,
  type BoardRow,
  type CellLine,
  type ExecutionEntry,
} from './board-model';

/** Same content: an unchanged line keeps its object, so its row and cell do not re-render. */
export function sameLine(a: CellLine, b: CellLine): boolean {
  for (const k of Object.keys(a) as (keyof CellLine)[]) {
    if (k === 'versions') continue;
    if (a[k] !== b[k]) return false;
  }
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  if (a.versions.length !== b.versions.length) return false;
  return a.versions.every((v, i) => v.tag === b.versions[i]!.tag && v.pods === b.versions[i]!.pods);
}

export interface BoardIndex {
  update(deployments: readonly DeploymentSummary[], pods: readonly PodSummary[], executions: readonly ExecutionState[]): Board;
  /** Lines recomputed by the last update (all of them when it had no delta to go by). */
  readonly recomputed: number;
}

export function createBoardIndex(): BoardIndex {
  let lastPods: readonly PodSummary[] | null = null;
  let lastDeployments: readonly DeploymentSummary[] | null = null;
  let lastExecutions: readonly ExecutionState[] | null = null;
  /** Deployment key → pod uid → pod. */
  let podsByKey = new Map<string, Map<string, PodSummary>>();
  let deploymentsByKey = new Map<string, DeploymentSummary>();
  let execByKey = new Map<string, ExecutionEntry>();
  /** Lines on the board, with the app and group they sit in. */
  const lines = new Map<string, { line: CellLine; group: string }>();
  const keysByApp = new Map<string, Set<string>>();
  const rowsByApp = new Map<string, BoardRow>();
  let board: Board = { rows: [], groups: [] };
  let recomputed = 0;

  const addPod = (p: PodSummary, dirty: Set<string>) => {
    const k = podDeploymentKey(p);
    if (!k) return;
    let m = podsByKey.get(k);
    if (!m) podsByKey.set(k, (m = new Map()));
    m.set(p.uid, p);
    dirty.add(k);
  };
  const removePod = (p: PodSummary, dirty: Set<string>) => {
    const k = podDeploymentKey(p);
    const m = k ? podsByKey.get(k) : undefined;
    // Only the object that went away: its replacement may already be in (same uid).
    if (!k || m?.get(p.uid) !== p) return;
    m.delete(p.uid);
    if (m.size === 0) podsByKey.delete(k);
    dirty.add(k);
  };

  /** Recompute the lines of `keys`; returns the apps whose rows changed. */
  const relines = (keys: Iterable<string>): Set<string> => {
    const touched = new Set<string>();
    recomputed = 0;
    for (const key of keys) {
      recomputed++;
      const d = deploymentsByKey.get(key);
      const old = lines.get(key);
      if (!d || !d.app || !d.group) {
        if (old) {
          lines.delete(key);
          keysByApp.get(old.line.app)?.delete(key);
          touched.add(old.line.app);
        }
        continue;
      }
      const next = lineOf(d, podsByKey.get(key)?.values() ?? [], execByKey.get(key));
      if (old && old.group === d.group && old.line.app === d.app && sameLine(old.line, next)) continue;
      if (old) {
        keysByApp.get(old.line.app)?.delete(key);
        touched.add(old.line.app);
      }
      lines.set(key, { line: next, group: d.group });
      let ks = keysByApp.get(d.app);
      if (!ks) keysByApp.set(d.app, (ks = new Set()));
      ks.add(key);
      touched.add(d.app);
    }
    return touched;
  };

  const rebuildRows = (apps: Set<string>) => {
    let membership = false;
    for (const app of apps) {
      const keys = keysByApp.get(app);
      if (!keys || keys.size === 0) {
        keysByApp.delete(app);
        if (rowsByApp.delete(app)) membership = true;
        continue;
      }
      const cells: Record<string, CellLine[]> = {};
      for (const k of keys) {
        const { line, group } = lines.get(k)!;
        (cells[group] ??= []).push(line);
      }
      for (const ls of Object.values(cells)) ls.sort(compareLines);
      if (!rowsByApp.has(app)) membership = true;
      rowsByApp.set(app, { app, cells });
    }
    if (apps.size === 0) return;
    const rows = membership ? [...rowsByApp.values()].sort(compareRows) : board.rows.map((r) => rowsByApp.get(r.app)!);
    const groups = new Set<string>();
    for (const { group } of lines.values()) groups.add(group);
    const sorted = sortGroups(groups);
    board = { rows, groups: sorted.join('\n') === board.groups.join('\n') ? board.groups : sorted };
  };

  return {
    get recomputed() {
      return recomputed;
    },
    update(deployments, pods, executions) {
      if (pods === lastPods && deployments === lastDeployments && executions === lastExecutions) return board;
      const dirty = new Set<string>();
      let all = false;
      if (pods !== lastPods) {
        const delta = rowsDelta(pods);
        if (delta && lastPods && delta.from === lastPods) {
          for (const p of delta.removed) removePod(p, dirty);
          for (const p of delta.added) addPod(p, dirty);
        } else {
          podsByKey = new Map();
          for (const p of pods) addPod(p, dirty);
          all = true;
        }
      }
      if (deployments !== lastDeployments) {
        const delta = rowsDelta(deployments);
        if (delta && lastDeployments && delta.from === lastDeployments) {
          for (const d of delta.removed) {
            const k = deploymentKey(d);
            if (deploymentsByKey.get(k) === d) deploymentsByKey.delete(k);
            dirty.add(k);
          }
          for (const d of delta.added) {
            const k = deploymentKey(d);
            deploymentsByKey.set(k, d);
            dirty.add(k);
          }
        } else {
          deploymentsByKey = new Map(deployments.map((d) => [deploymentKey(d), d]));
          all = true;
        }
      }
      if (executions !== lastExecutions) {
        const next = groupsByKey(executions);
        for (const k of execByKey.keys()) dirty.add(k);
        for (const k of next.keys()) dirty.add(k);
        execByKey = next;
      }
      lastPods = pods;
      lastDeployments = deployments;
      lastExecutions = executions;
      rebuildRows(relines(all ? new Set([...deploymentsByKey.keys(), ...lines.keys()]) : dirty));
      return board;
    },
  };
}
