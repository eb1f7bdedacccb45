import { describe, expect, it } from 'vitest';
import type { MatrixRow, SyncMatrix } from './contract';
import { applyMatrixDiff, diffMatrix, isEmptyDiff } from './matrix-diff';

const row = (repository: string, tag: string, state: MatrixRow['cells'][number]['state'], pushedAt: number): MatrixRow => ({
  repository,
  tag,
  project: repository.split('/')[0]!,
  priority: false,
  sourcePushedAt: pushedAt,
  cells: [{ region: 'west', state, stuck: false }],
});
const matrix = (rows: MatrixRow[], computedAt = 1): SyncMatrix => ({
  computedAt,
  regions: ['west'],
  rows,
  summary: [
    {
      region: 'west',
      state: 'in-sync',
      outOfSync: rows.filter((r) => r.cells[0]!.state !== 'synced').length,
      unknown: 0,
      notFollowed: 0,
      stuck: 0,
    },
  ],
  errors: [],
  truncated: false,
});

describe('matrix diffs', () => {
  it('sends changed and new rows and removed keys; applying it gives the new matrix', () => {
    const a = matrix([row('p/a', '1', 'synced', 10), row('p/b', '1', 'missing', 20), row('p/c', '1', 'synced', 5)]);
    const b = matrix([row('p/d', '2', 'replicating', 30), row('p/b', '1', 'synced', 20), row('p/a', '1', 'synced', 10)], 2); // in matrix order
    const d = diffMatrix(a, b);
    expect(d.upserts.map((r) => `${r.repository}:${r.tag}`)).toEqual(['p/d:2', 'p/b:1']);
    expect(d.removed).toEqual(['p/c:1']);
    expect(applyMatrixDiff(a, d)).toEqual(b);
    expect(isEmptyDiff(d, a)).toBe(false);
    const same = diffMatrix(b, { ...b, computedAt: 3 });
    expect(isEmptyDiff(same, b)).toBe(true);
  });
});
