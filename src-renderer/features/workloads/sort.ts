import { rowsDelta } from './workload-index';

export type SortValue = string | number;

export interface SortableRow {
  name: string;
  clusterId: string;
  uid: string;
}

/**
 * The one total order used everywhere: the column's key, then name, cluster and uid, so that a
 * full sort and an incremental update give exactly the same result. Strings compare by code unit,
 * which is what Kubernetes names (lowercase ASCII) need and far faster than localeCompare.
 */
function compareRows<T extends SortableRow>(a: T, ka: SortValue, b: T, kb: SortValue, sign: number): number {
  if (ka < kb) return -sign;
  if (ka > kb) return sign;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.clusterId !== b.clusterId) return a.clusterId < b.clusterId ? -1 : 1;
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

/**
 * Full sort. Keys are read once per row (not once per comparison) and an index permutation is
 * sorted, so there is no per-comparison allocation.
 */
export function sortRows<T extends SortableRow>(rows: readonly T[], keyOf: (row: T) => SortValue, dir: 'asc' | 'desc'): T[] {
  const n = rows.length;
  const keys = new Array<SortValue>(n);
  for (let i = 0; i < n; i++) keys[i] = keyOf(rows[i]!);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = dir === 'asc' ? 1 : -1;
  order.sort((a, b) => compareRows(rows[a]!, keys[a]!, rows[b]!, keys[b]!, sign));
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = rows[order[i]!]!;
  return out;
}

/** First index whose row sorts at or after `row`. */
function lowerBound<T extends SortableRow>(
  sorted: readonly T[],
  row: T,
  key: SortValue,
  keyOf: (row: T) => SortValue,
  sign: number,
): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = sorted[mid]!;
    if (compareRows(m, keyOf(m), row, key, sign) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A sorter that remembers its last input and output. When the new input is the old one plus a
 * small delta (WorkloadIndex and createFilter record one), it splices the removed and added rows
 * in with binary search: O(k log n) comparisons for k changes instead of a full O(n log n) sort.
 * Anything else (new sort order, a filter change, a relist) gets a full sort.
 */
export function createSorter<T extends SortableRow>() {
  let prevInput: readonly T[] | null = null;
  let prevOut: T[] = [];
  let prevOrder = '';

  const applyDelta = (rows: readonly T[], keyOf: (row: T) => SortValue, sign: number): T[] | null => {
    const delta = rowsDelta(rows);
    if (!delta || delta.from !== prevInput || delta.added.length + delta.removed.length > Math.max(64, rows.length >> 3)) return null;
    const out = prevOut.slice();
    for (const row of delta.removed) {
      const i = lowerBound(out, row, keyOf(row), keyOf, sign);
      if (out[i] !== row) return null;
      out.splice(i, 1);
    }
    for (const row of delta.added) out.splice(lowerBound(out, row, keyOf(row), keyOf, sign), 0, row);
    return out.length === rows.length ? out : null;
  };

  return (rows: readonly T[], order: string, keyOf: (row: T) => SortValue, dir: 'asc' | 'desc'): T[] => {
    const orderId = `${order}:${dir}`;
    if (rows === prevInput && orderId === prevOrder) return prevOut;
    const out = (orderId === prevOrder ? applyDelta(rows, keyOf, dir === 'asc' ? 1 : -1) : null) ?? sortRows(rows, keyOf, dir);
    prevInput = rows;
    prevOut = out;
    prevOrder = orderId;
    return out;
  };
}
