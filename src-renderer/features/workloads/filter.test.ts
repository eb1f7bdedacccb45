import { describe, expect, it } from 'vitest';
import { emptyFilters } from '../../store/uiSlice';
import { searchKeyOf } from '../../store/workloadIndex';
import { pod } from '../../testing/fixtures';
import { facetsOf, filterRows, hasActiveFilters } from './filter';
import { sortRows } from './sort';

const rows = [
  pod({ uid: '1', name: 'cart-1', clusterId: 'fat', namespace: 'shop', app: 'cart', group: 'fat', status: 'Running' }),
  pod({ uid: '2', name: 'cart-2', clusterId: 'uat', namespace: 'shop', app: 'cart', group: 'uat', status: 'CrashLoopBackOff', images: ['harbor/shop/cart:2.0-BAD'] }),
  pod({ uid: '3', name: 'search-1', clusterId: 'uat', namespace: 'search', app: 'search', group: undefined, status: 'Pending', images: ['harbor/search/search:1'] }),
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
