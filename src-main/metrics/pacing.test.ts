import { describe, expect, it } from 'vitest';
import { Pacer } from './pacing';

describe('Pacer', () => {
  it('keeps the wanted interval while rounds are cheap, and does not judge by the cold first round', () => {
    const p = new Pacer();
    p.observe(5000);
    expect(p.intervalMs(10_000, 2)).toBe(10_000);
    p.observe(30);
    expect(p.intervalMs(10_000, 2)).toBe(10_000);
  });

  it('stretches the interval so rounds stay within the CPU share, and says what a round costs', () => {
    const p = new Pacer();
    for (let i = 0; i < 6; i++) p.observe(1300);
    const ms = p.intervalMs(10_000, 2);
    expect(ms).toBeGreaterThanOrEqual(65_000);
    expect(1300 / ms).toBeLessThanOrEqual(0.02);
    expect(ms % 1000).toBe(0);
    expect(p.describe(10_000, 2)).toEqual({ wantedMs: 10_000, intervalMs: ms, roundCpuMs: 1300, maxCpuPercent: 2 });
  });

  it('one expensive round does not move it, and small changes do not make it jitter', () => {
    const p = new Pacer();
    for (let i = 0; i < 6; i++) p.observe(1300);
    const ms = p.intervalMs(10_000, 2);
    p.observe(9000); // a burst of other work in the same process
    expect(p.intervalMs(10_000, 2)).toBe(ms);
    for (let i = 0; i < 5; i++) p.observe(1250);
    expect(p.intervalMs(10_000, 2)).toBe(ms);
    for (let i = 0; i < 5; i++) p.observe(100);
    expect(p.intervalMs(10_000, 2)).toBe(10_000);
  });
});
