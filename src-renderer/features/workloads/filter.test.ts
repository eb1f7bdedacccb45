import { describe, expect, it } from 'vitest';
import { emptyFilters } from '../../store/ui-slice';
import { searchKeyOf } from './workload-index';
import { pod } from '../../../src-shared/testing/fixtures';
import { createFilter, facetsOf, filterRows, hasActiveFilters } from './filter';
import { createSorter, sortRows } from './sort';
import type { PodRow } from './workload-index';
import { rowsDelta, WorkloadIndex } from './workload-index';

const rows = [
  pod({ uid: '1', name: 'cart-1', clusterId: 'fat', namespace: 'shop', app: 'cart', group: 'fat', status: 'Running' }),
  pod({
    uid: '2',
    name: 'cart-2',
    clusterId: 'uat',
    namespace: 'shop',
    app: 'cart',
    group: 'uat',
    status: 'CrashLoopBackOff',
    images: ['harbor/shop/cart:2.0-BAD'],
  }),
  pod({
    uid: '3',
    name: 'search-1',
    clusterId: 'uat',
    namespace: 'search',
    app: 'search',
    group: undefined,
    status: 'Pending',
    images: ['harbor/search/search:1'],
  }),
].map((p) => ({ ...p, searchKey: searchKeyOf(p) }));
const statusOf = (r: (typeof rows)[number]) => r.status;

describe('filterRows', () => {
  it('returns the same array when no filter is active', () => {
    expect(filterRows(rows, emptyFilters, statusOf)).toBe(rows);
    expect(hasActiveFilters({ ...emptyFilters, text: '  ' })).toBe(false);
  });

  it('filters by cluster, namespace, app, group and status', () => {
    const ids = (f: Partial<typeof emptyFilters>) => filterRows(rows, { ...emptyFilters, ...f }, statusOf).map((r) => r.uid);
    expect(ids({ cluster: 'uat' })).toEqual(['2', '3']);
    expect(ids({ namespace: 'search' })).toEqual(['3']);
    expect(ids({ app: 'cart', cluster: 'uat' })).toEqual(['2']);
    expect(ids({ group: 'fat' })).toEqual(['1']);
    expect(ids({ status: 'Pending' })).toEqual(['3']);
  });

  it('matches free text case-insensitively on name or image', () => {
    const ids = (text: string) => filterRows(rows, { ...emptyFilters, text }, statusOf).map((r) => r.uid);
    expect(ids('CART')).toEqual(['1', '2']);
    expect(ids('2.0-bad')).toEqual(['2']);
    expect(ids(' search ')).toEqual(['3']);
    expect(ids('nothing')).toEqual([]);
  });

  it('collects facets for the dropdowns', () => {
    expect(facetsOf(rows, statusOf)).toEqual({
      clusters: ['fat', 'uat'],
      namespaces: ['search', 'shop'],
      apps: ['cart', 'search'],
      groups: ['fat', 'uat'],
      statuses: ['CrashLoopBackOff', 'Pending', 'Running'],
    });
  });

  it('filters 50,000 rows fast', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => {
      const p = pod({ uid: String(i), name: `app-${i % 500}-${i}`, clusterId: ['fat', 'uat', 'pro-east', 'pro-west'][i % 4]! });
      return { ...p, searchKey: searchKeyOf(p) };
    });
    const t0 = performance.now();
    const out = filterRows(many, { ...emptyFilters, cluster: 'pro-east', text: 'app-42-' }, (r) => r.status);
    expect(out.length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('sortRows', () => {
  it('sorts by a key with the name as tie-breaker, both directions', () => {
    expect(sortRows(rows, (r) => r.namespace, 'asc').map((r) => r.uid)).toEqual(['3', '1', '2']);
    expect(sortRows(rows, (r) => r.namespace, 'desc').map((r) => r.uid)).toEqual(['1', '2', '3']);
    expect(sortRows(rows, (r) => r.restarts, 'asc').map((r) => r.name)).toEqual(['cart-1', 'cart-2', 'search-1']);
  });

  it('does not touch its input', () => {
    const copy = [...rows];
    sortRows(rows, (r) => r.name, 'desc');
    expect(rows).toEqual(copy);
  });
});

describe('createFilter + createSorter on WorkloadIndex deltas', () => {
  const make = (i: number, rv = '1', over: Partial<ReturnType<typeof pod>> = {}) =>
    pod({
      uid: `u${i}`,
      name: `app-${(i * 7919) % 1000}`,
      clusterId: ['fat', 'uat'][i % 2]!,
      namespace: ['a', 'b', 'c'][i % 3]!,
      restarts: i % 7,
      resourceVersion: rv,
      ...over,
    });
  const key = (r: { namespace: string }) => r.namespace;

  for (const filters of [emptyFilters, { ...emptyFilters, cluster: 'uat' }, { ...emptyFilters, text: 'app-1' }]) {
    it(`matches a full sort after batches of changes (filters ${JSON.stringify(filters)})`, () => {
      const index = new WorkloadIndex();
      const filter = createFilter<PodRow>();
      const sorter = createSorter<PodRow>();
      const view = () =>
        sorter(
          filter(index.pods.rows() as PodRow[], filters, (r) => r.status),
          'namespace',
          key,
          'asc',
        );
      const full = () =>
        sortRows(
          filterRows(index.pods.rows() as PodRow[], filters, (r) => r.status),
          key,
          'asc',
        );
      const byCluster = (c: string) => Array.from({ length: 6_000 }, (_, i) => make(i)).filter((p) => p.clusterId === c);
      index.applyDiffs([
        { clusterId: 'fat', kind: 'Pod', reset: true, upserts: byCluster('fat'), deletes: [] },
        { clusterId: 'uat', kind: 'Pod', reset: true, upserts: byCluster('uat'), deletes: [] },
      ]);
      expect(view().map((r) => r.uid)).toEqual(full().map((r) => r.uid));
      for (let round = 1; round <= 6; round++) {
        const ups = Array.from({ length: 40 }, (_, k) => (round * 997 + k * 101) % 6_000).map((i) =>
          make(i, String(round + 1), { namespace: ['c', 'a', 'b'][(i + round) % 3]! }),
        );
        const fresh = make(50_000 + round);
        const diffs = ['fat', 'uat'].map((c) => ({
          clusterId: c,
          kind: 'Pod' as const,
          reset: false,
          upserts: [...ups, fresh].filter((p) => p.clusterId === c),
          deletes: [`u${round * 13}`, `u${round * 13 + 1}`, ups[0]!.uid],
        }));
        index.applyDiffs(diffs);
        const rows = index.pods.rows();
        expect(rowsDelta(rows)).toBeDefined();
        expect(view().map((r) => r.uid)).toEqual(full().map((r) => r.uid));
      }
      // A relist has no delta: full sort, same order.
      index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: byCluster('fat').slice(0, 100), deletes: [] }]);
      expect(rowsDelta(index.pods.rows())).toBeUndefined();
      expect(view().map((r) => r.uid)).toEqual(full().map((r) => r.uid));
    });
  }

  it('returns the same array for the same input and re-sorts on a new direction', () => {
    const sorter = createSorter<PodRow>();
    const rows = Array.from({ length: 50 }, (_, i) => ({ ...make(i), searchKey: '' }));
    const a = sorter(rows, 'namespace', key, 'asc');
    expect(sorter(rows, 'namespace', key, 'asc')).toBe(a);
    expect(sorter(rows, 'namespace', key, 'desc').map((r) => r.uid)).toEqual(sortRows(rows, key, 'desc').map((r) => r.uid));
  });
});
