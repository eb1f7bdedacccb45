/**
 * Pure helpers of the Resources view: one column list over clusters (each cluster's server prints
 * its own; they agree unless versions differ), cell lookup by column name, filtering.
 */
import type { Cell, Column, ResourceRow } from '../../../src-shared/resources/contract';
import type { ResourceFilters } from './resources-slice';

export interface MergedColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
}

/** Columns `kubectl get` shows (priority 0), in the first cluster's order, then any others; Name first. */
export function mergeColumns(byCluster: ReadonlyMap<string, readonly Column[]>): MergedColumn[] {
  const out: MergedColumn[] = [];
  const seen = new Set<string>();
  for (const cols of byCluster.values()) {
    for (const c of cols) {
      if (c.priority !== 0 || seen.has(c.name)) continue;
      seen.add(c.name);
      out.push({
        name: c.name,
        type: c.type,
        ...(c.format ? { format: c.format } : {}),
        ...(c.description ? { description: c.description } : {}),
      });
    }
  }
  return out;
}

/** For each cluster, the index of each merged column in that cluster's cells (-1 when absent). */
export function cellIndex(byCluster: ReadonlyMap<string, readonly Column[]>, merged: readonly MergedColumn[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [clusterId, cols] of byCluster)
    out.set(
      clusterId,
      merged.map((m) => cols.findIndex((c) => c.name === m.name)),
    );
  return out;
}

export const cellText = (c: Cell | undefined): string => (c === null || c === undefined ? '' : String(c));

/** The Age column is printed relative to when the server answered: the view recomputes it from the creation time. */
export const isAgeColumn = (c: MergedColumn) => c.name === 'Age';

export function filterRows(rows: readonly ResourceRow[], f: ResourceFilters): ResourceRow[] {
  const text = f.text.trim().toLowerCase();
  if (!f.cluster && !f.namespace && !text) return rows as ResourceRow[];
  return rows.filter(
    (r) =>
      (!f.cluster || r.clusterId === f.cluster) &&
      (!f.namespace || r.namespace === f.namespace) &&
      (!text || r.name.toLowerCase().includes(text) || r.namespace.toLowerCase().includes(text)),
  );
}

export function compareRows(a: ResourceRow, b: ResourceRow): number {
  return a.clusterId.localeCompare(b.clusterId) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

export const typeId = (t: { group: string; version: string; resource: string }) => `${t.group}/${t.version}/${t.resource}`;
