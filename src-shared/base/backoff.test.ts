import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, CLIENT_GO_JITTER, EQUAL_JITTER, SPREAD_JITTER } from './backoff';

describe('backoffDelay', () => {
  it('doubles from initialMs and stops at maxMs, jitter included', () => {
    const top = { random: () => 1, jitter: EQUAL_JITTER };
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, top))).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000]);
    expect(backoffDelay(1_000, top)).toBe(30_000);
    expect(backoffDelay(5, { random: () => 1, jitter: CLIENT_GO_JITTER })).toBe(30_000); // 25.6 s * 1.25 capped
    expect(backoffDelay(-1, top)).toBe(800);
  });

  it('keeps every delay within the jitter range', () => {
    for (const jitter of [EQUAL_JITTER, CLIENT_GO_JITTER, SPREAD_JITTER]) {
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const d = backoffDelay(2, { initialMs: 1000, maxMs: 1e9, jitter, random: () => r });
        expect(d).toBeGreaterThanOrEqual(4000 * jitter[0]);
        expect(d).toBeLessThanOrEqual(4000 * jitter[1]);
      }
    }
    expect(backoffDelay(0, { random: () => 0 })).toBe(400); // equal jitter by default: half fixed
  });

  it('an unbounded policy still gives finite numbers', () => {
    expect(Number.isFinite(backoffDelay(10_000, { maxMs: Infinity, random: () => 1 }))).toBe(true);
  });
});

describe('Backoff', () => {
  it('grows while failing, and starts again only after resetAfterMs healthy', () => {
    const b = new Backoff({ random: () => 1, jitter: CLIENT_GO_JITTER });
    expect(b.next(0)).toBe(1000); // 800 * 1.25
    expect(b.next(0)).toBe(2000);
    b.healthy(10_000);
    expect(b.next(60_000)).toBe(4000); // healthy for 50 s only: keeps growing
    b.healthy(100_000);
    expect(b.next(220_000)).toBe(1000); // healthy 2 min: reset
    expect(b.attempts).toBe(1);
    b.reset();
    expect(b.attempts).toBe(0);
  });
});
