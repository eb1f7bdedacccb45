import { describe, expect, it } from 'vitest';
import { formatClock, formatDurationSpec, formatElapsed, parseDurationSpec } from './duration';

describe('durations', () => {
  it('formatElapsed is short and rounds down', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(45_999)).toBe('45s');
    expect(formatElapsed(2 * 60_000 + 5_000)).toBe('2m');
    expect(formatElapsed(3 * 3_600_000)).toBe('3h');
    expect(formatElapsed(3 * 3_600_000 + 5 * 60_000)).toBe('3h 5m');
    expect(formatElapsed(50 * 3_600_000)).toBe('2d');
    expect(formatElapsed(-5)).toBe('0s');
  });

  it('the plan syntax round-trips', () => {
    for (const s of [1, 59, 60, 90, 3600, 5430, 86_400 + 1]) expect(parseDurationSpec(formatDurationSpec(s))).toBe(s);
    expect(formatDurationSpec(0)).toBe('0s');
    expect(formatDurationSpec(-3)).toBe('0s');
    expect(parseDurationSpec(' 10m ')).toBe(600);
    for (const bad of ['', '10 minutes', '1d', 'm', '5m1h']) expect(parseDurationSpec(bad), bad).toBeUndefined();
  });

  it('formatClock adds the date when it is not today', () => {
    const at = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime();
    expect(formatClock(at(23, 41), at(23, 50))).toBe('23:41');
    expect(formatClock(at(7, 5, 25), at(23, 50))).toBe('25 Nov 07:05');
  });
});
