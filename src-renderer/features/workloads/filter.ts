import type { WorkloadFilters } from '../../store/ui-slice';
import { recordDelta, rowsDelta } from './workload-index';

export interface FilterableRow {
  clusterId: string;
  namespace: string;
  app?: string;
  group?: string;
  searchKey: string;
}

export const hasActiveFilters = (f: WorkloadFilters): boolean =>
  f.cluster !== '' || f.namespace !== '' || f.app !== '' || f.group !== '' || f.status !== '' || f.text.trim() !== '';

/**
 * One pass over the rows, no allocation per row: equality checks on the facets and a substring test
 * on the precomputed lowercase search key (name and images). Returns `rows` itself when no filter is set.
 */
export function filterRows<T extends FilterableRow>(rows: readonly T[], f: WorkloadFilters, statusOf: (row: T) => string): readonly T[] {
  if (!hasActiveFilters(f)) return rows;
  const text = f.text.trim().toLowerCase();
  const { cluster, namespace, app, group, status } = f;
  const out: T[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (cluster !== '' && r.clusterId !== cluster) continue;
    if (namespace !== '' && r.namespace !== namespace) continue;
    if (app !== '' && (r.app ?? '') !== app) continue;
    if (group !== '' && (r.group ?? '') !== group) continue;
    if (status !== '' && statusOf(r) !== status) continue;
    if (text !== '' && !r.searchKey.includes(text)) continue;
    out.push(r);
  }
  return out;
}

export interface Facets {
  clusters: string[];
  namespaces: string[];
  apps: string[];
  groups: string[];
  statuses: string[];
}

/** Distinct values for the filter dropdowns, sorted. */
export function facetsOf<T extends FilterableRow>(rows: readonly T[], statusOf: (row: T) => string): Facets {
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  const apps = new Set<string>();
  const groups = new Set<string>();
  const statuses = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    clusters.add(r.clusterId);
    namespaces.add(r.namespace);
    if (r.app) apps.add(r.app);
    if (r.group) groups.add(r.group);
    statuses.add(statusOf(r));
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    clusters: sorted(clusters),
    namespaces: sorted(namespaces),
    apps: sorted(apps),
    groups: sorted(groups),
    statuses: sorted(statuses),
  };
}

/**
 * filterRows with memory: when the input is the previous input plus a delta (see RowsDelta) and
 * the filters did not change, the output gets the matching delta too, so the sorter can splice.
 */
export function createFilter<T extends FilterableRow>() {
  let prevInput: readonly T[] | null = null;
  let prevFilters: WorkloadFilters | null = null;
  let prevOut: readonly T[] = [];
  return (rows: readonly T[], f: WorkloadFilters, statusOf: (row: T) => string): readonly T[] => {
    if (rows === prevInput && f === prevFilters) return prevOut;
    const out = filterRows(rows, f, statusOf);
    const delta = rowsDelta(rows);
    if (out !== rows && delta && delta.from === prevInput && f === prevFilters) {
      const added = filterRows(delta.added, f, statusOf);
      const removed = filterRows(delta.removed, f, statusOf);
      recordDelta(out, { from: prevOut, added, removed });
    }
    prevInput = rows;
    prevFilters = f;
    prevOut = out;
    return out;
  };
}
