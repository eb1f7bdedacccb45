import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-shared/events/contract';
import { EventStore, filterEvents, groupEvents, compareGroups, emptyEventFilters } from './event-store';

const ev = (uid: string, type: string, lastSeen: number, over: Partial<EventRow> = {}): EventRow => ({
  uid,
  clusterId: 'fat',
  namespace: 'shop',
  type,
  reason: type === 'Warning' ? 'BackOff' : 'Pulled',
  message: `m${uid}`,
  count: 1,
  lastSeen,
  object: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
  ...over,
});

describe('EventStore', () => {
  it('drops the oldest Normal events first over the cap, and counts them', () => {
    const s = new EventStore(10);
    const upserts = [
      ...Array.from({ length: 8 }, (_, i) => ev(`n${i}`, 'Normal', 100 + i)),
      ...Array.from({ length: 4 }, (_, i) => ev(`w${i}`, 'Warning', i)),
    ];
    s.apply([{ clusterId: 'fat', reset: true, upserts, deletes: [], synced: true }]);
    expect(s.size).toBe(9);
    expect(s.droppedNormal).toBe(3);
    expect(s.droppedWarning).toBe(0);
    const uids = s.rows().map((r) => r.uid);
    expect(uids).not.toContain('n0');
    expect(uids).toContain('w0');
    expect(uids).toContain('n7');
  });

  it('resets and deletes per cluster', () => {
    const s = new EventStore(100);
    s.apply([
      { clusterId: 'fat', reset: true, upserts: [ev('a', 'Normal', 1)], deletes: [], synced: true },
      { clusterId: 'uat', reset: true, upserts: [ev('b', 'Normal', 1, { clusterId: 'uat' })], deletes: [], synced: false },
    ]);
    s.apply([{ clusterId: 'fat', reset: false, upserts: [], deletes: ['a'], synced: true }]);
    expect(s.rows().map((r) => r.uid)).toEqual(['b']);
    s.apply([{ clusterId: 'uat', reset: true, upserts: [], deletes: [], synced: true }]);
    expect(s.size).toBe(0);
  });
});

describe('grouping and filters', () => {
  it('groups repeats per object, type and reason with summed counts, Warnings first', () => {
    const rows = [
      ev('1', 'Warning', 10, { count: 5, message: 'old' }),
      ev('2', 'Warning', 20, { count: 2, message: 'new' }),
      ev('3', 'Normal', 30),
    ];
    const groups = groupEvents(rows, true).sort(compareGroups);
    expect(groups.map((g) => [g.type, g.count, g.events, g.message])).toEqual([
      ['Warning', 7, 2, 'new'],
      ['Normal', 1, 1, 'm3'],
    ]);
    expect(groupEvents(rows, false)).toHaveLength(3);
  });

  it('filters by reason, kind, namespace, object and type', () => {
    const rows = [ev('1', 'Warning', 1), ev('2', 'Normal', 1, { object: { kind: 'Node', name: 'n1', namespace: '' } })];
    expect(filterEvents(rows, { ...emptyEventFilters, kind: 'Node' }).map((r) => r.uid)).toEqual(['2']);
    expect(filterEvents(rows, { ...emptyEventFilters, reason: 'BackOff' }).map((r) => r.uid)).toEqual(['1']);
    expect(filterEvents(rows, { ...emptyEventFilters, object: 'WEB' }).map((r) => r.uid)).toEqual(['1']);
    expect(filterEvents(rows, { ...emptyEventFilters, namespace: 'shop', type: 'Normal' })).toEqual([]);
  });
});
