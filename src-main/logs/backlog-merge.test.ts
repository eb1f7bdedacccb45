import { describe, expect, it } from 'vitest';
import { mergeByTime, timeKey } from './backlog-merge';

describe('backlog merge', () => {
  it('orders trimmed RFC 3339 fractions correctly and keeps ties in arrival order', () => {
    expect(timeKey('2026-12-06T04:50:07.1Z') > timeKey('2026-12-06T04:50:07.099Z')).toBe(true);
    expect(timeKey('2026-12-06T04:50:07Z') < timeKey('2026-12-06T04:50:07.000000001Z')).toBe(true);
    const lines = [
      ['a1', '2026-12-06T04:50:01.5Z'],
      ['a2', '2026-12-06T04:50:03Z'],
      ['b1', '2026-12-06T04:50:02Z'],
      ['b2', '2026-12-06T04:50:03Z'],
      ['c1', '2026-12-06T04:50:01.25Z'],
    ] as const;
    expect(mergeByTime(lines, (l) => l[1]).map((l) => l[0])).toEqual(['c1', 'a1', 'b1', 'a2', 'b2']);
  });
});
