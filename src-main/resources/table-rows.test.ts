import { describe, expect, it } from 'vitest';
import { Interner } from '../base/interner';
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
    expect({ ...o.metadata }).toEqual({
      name: 'web',
      namespace: 'shop',
      uid: 'u1',
      resourceVersion: '7',
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      ownerReferences: undefined,
      deletionTimestamp: undefined,
      cells: o.cells,
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
    const rowless = unwrapTableRow({ kind: 'Table', metadata: { resourceVersion: '9' }, rows: [] })!;
    expect(rowless.metadata.resourceVersion).toBe('9');
    expect(rowless.metadata.name).toBeUndefined();
    expect(rowless.cells).toEqual([]);
    const bookmark = { kind: 'Service', metadata: { resourceVersion: '10' } };
    expect(unwrapTableRow(bookmark)).toBe(bookmark);
    expect(unwrapTableRow({ cells: ['x'] })).toBeUndefined();
  });

  it('shares repeated strings between rows through the interner', () => {
    const strings = new Interner();
    const parse = () => unwrapTableRow(JSON.parse(JSON.stringify(row)), strings)!;
    parse();
    const held = strings.size;
    expect(held).toBe(3); // the namespace, "ClusterIP" and the JSON cell; the Name cell is the name itself
    parse();
    expect(strings.size).toBe(held);
  });

  it('reads a plain object (no Table) through its metadata', () => {
    const plain = { metadata: { name: 'x', namespace: 'ns', uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z' } };
    expect(toResourceRow('fat', plain as never)).toEqual({
      uid: 'u',
      clusterId: 'fat',
      namespace: 'ns',
      name: 'x',
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      cells: [],
    });
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
