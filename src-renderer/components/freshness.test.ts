import { describe, expect, it } from 'vitest';
import { formatFreshness, summarizeFreshness } from './freshness';

const at = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime();

describe('freshness', () => {
  it('says live / reconnecting since 2m / stale since 23:41', () => {
    const now = at(23, 50);
    expect(formatFreshness('live', now - 10_000, now)).toBe('live');
    expect(formatFreshness('reconnecting', now - 2 * 60_000, now)).toBe('reconnecting since 2m');
    expect(formatFreshness('stale', at(23, 41), now)).toBe('stale since 23:41');
    expect(formatFreshness('error', at(23, 41), now)).toBe('error since 23:41');
    expect(formatFreshness('connecting', now - 1_000, now)).toBe('connecting');
    expect(formatFreshness('connecting', now - 12_000, now)).toBe('connecting 12s');
    expect(formatFreshness('idle', now, now)).toBe('not connected');
  });

  it('summarizes cluster states for the top bar', () => {
    const s = summarizeFreshness([{ state: 'live' }, { state: 'live' }, { state: 'reconnecting' }, { state: 'live' }]);
    expect(s.text).toBe('3 live · 1 reconnecting');
    expect(s.worst).toBe('reconnecting');
    expect(summarizeFreshness([]).text).toBe('no clusters');
    expect(summarizeFreshness([{ state: 'live' }, { state: 'error' }]).worst).toBe('error');
  });
});
