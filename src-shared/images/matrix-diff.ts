import type { MatrixDiff, MatrixRow, SyncMatrix } from './contract';
import { compareRows, imageKey } from './matrix';

/**
 * Diffs between successive matrices, so a watch sends only what changed (DESIGN: batched diffs,
 * not whole lists). Rows are keyed by `repository:tag`.
 */

const rowKey = (r: MatrixRow) => imageKey(r.repository, r.tag);

export function diffMatrix(prev: SyncMatrix, next: SyncMatrix): MatrixDiff {
  const before = new Map(prev.rows.map((r) => [rowKey(r), JSON.stringify(r)]));
  const upserts: MatrixRow[] = [];
  const seen = new Set<string>();
  for (const row of next.rows) {
    const key = rowKey(row);
    seen.add(key);
    if (before.get(key) !== JSON.stringify(row)) upserts.push(row);
  }
  const removed = [...before.keys()].filter((k) => !seen.has(k));
  const { rows: _rows, ...rest } = next;
  void _rows;
  return { ...rest, upserts, removed };
}

/** True when the diff changes nothing but the timestamp. */
export const isEmptyDiff = (d: MatrixDiff, prev: SyncMatrix) =>
  d.upserts.length === 0 &&
  d.removed.length === 0 &&
  JSON.stringify([d.regions, d.summary, d.errors, d.truncated]) ===
    JSON.stringify([prev.regions, prev.summary, prev.errors, prev.truncated]);

export function applyMatrixDiff(prev: SyncMatrix, diff: MatrixDiff): SyncMatrix {
  const rows = new Map(prev.rows.map((r) => [rowKey(r), r]));
  for (const k of diff.removed) rows.delete(k);
  for (const r of diff.upserts) rows.set(rowKey(r), r);
  const { upserts: _u, removed: _r, ...rest } = diff;
  void _u;
  void _r;
  return { ...rest, rows: [...rows.values()].sort(compareRows) };
}
