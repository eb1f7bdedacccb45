import { describe, expect, it } from 'vitest';
import { columnsOf, toResourceRow, unwrapTableRow } from './table-rows';

describe('table rows', () => {
  const row = {
    cells: ['web', 'ClusterIP', { odd: 1 }, 3, null],
    object: {
      kind: 'PartialObjectMetadata',
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: 'u1',
        resourceVersion: '7',
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { a: 'b' },
        managedFields: [{}],
      },
    },
  };

  it('keeps cells and slim metadata of a list row', () => {
    const o = unwrapTableRow(row)!;
    expect(o.metadata).toEqual({
      name: 'web',
      namespace: 'shop',
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2026-01-01T00:00:00Z',
    });
    expect(o.cells).toEqual(['web', 'ClusterIP', '{"odd":1}', 3, null]);
    expect(toResourceRow('fat', o)).toEqual({
      uid: 'u1',
      clusterId: 'fat',
      namespace: 'shop',
      name: 'web',
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      cells: o.cells,
    });
  });

  it('unwraps a watch event Table, keeps a row-less Table as a bookmark, passes plain objects', () => {
    expect(unwrapTableRow({ kind: 'Table', metadata: { resourceVersion: '9' }, rows: [row] })!.metadata.name).toBe('web');
    expect(unwrapTableRow({ kind: 'Table', metadata: { resourceVersion: '9' }, rows: [] })).toEqual({
      metadata: { resourceVersion: '9' },
      cells: [],
    });
    const bookmark = { kind: 'Service', metadata: { resourceVersion: '10' } };
    expect(unwrapTableRow(bookmark)).toBe(bookmark);
    expect(unwrapTableRow({ cells: ['x'] })).toBeUndefined();
  });

  it('bounds column definitions', () => {
    const cols = columnsOf({
      columnDefinitions: [
        { name: 'Name', type: 'string', format: 'name', priority: 0 },
        { name: 'Selector', type: 'string', priority: 1, description: 'd' },
      ],
    });
    expect(cols).toEqual([
      { name: 'Name', type: 'string', format: 'name', priority: 0 },
      { name: 'Selector', type: 'string', description: 'd', priority: 1 },
    ]);
    expect(columnsOf({})).toBeUndefined();
  });
});
