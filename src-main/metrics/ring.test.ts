import { describe, expect, it } from 'vitest';
import { SampleRing } from './ring';
import { PAGE_BYTES, SamplePool } from './sample-pool';

describe('SampleRing', () => {
  it('keeps the newest `capacity` samples in order', () => {
    const r = new SampleRing(3);
    for (let i = 1; i <= 5; i++) r.push(i * 1000, i, i * 10, i * 100);
    expect(r.size).toBe(3);
    expect(r.toArrays().t).toEqual([3000, 4000, 5000]);
    expect(r.toArrays().ws).toEqual([30, 40, 50]);
    expect(r.last()).toEqual({ t: 5000, cpu: 5, ws: 50, rss: 500 });
    expect(r.toArrays(4000).t).toEqual([4000, 5000]);
  });
  it('keeps NaN gaps and trims old samples', () => {
    const r = new SampleRing(4);
    r.push(1, 1, 1, Number.NaN);
    r.push(2, Number.NaN, Number.NaN, Number.NaN);
    r.push(3, 3, 3, 3);
    expect(Number.isNaN(r.toArrays().rss[0])).toBe(true);
    r.trimBefore(2.5);
    expect(r.toArrays().t).toEqual([3]);
  });
  it('stores bytes to within Float32 precision', () => {
    const r = new SampleRing(1);
    r.push(0, 0.25, 2 ** 30 + 17, 0);
    expect(Math.abs(r.last()!.ws - (2 ** 30 + 17))).toBeLessThanOrEqual(64);
  });
});

describe('SampleRing over a SamplePool', () => {
  it('holds pages for what it holds, not for its capacity, and gives them back', () => {
    const pool = new SamplePool();
    const rings = Array.from({ length: 50 }, () => new SampleRing(360, pool));
    for (const r of rings) for (let i = 0; i < 5; i++) r.push(i * 10_000, 0.1, 100, 90);
    expect(pool.usedBytes).toBe(50 * PAGE_BYTES); // 5 samples: one page each, not 360 slots
    for (const r of rings) for (let i = 5; i < 400; i++) r.push(i * 10_000, 0.1, 100, 90);
    expect(rings[0]!.size).toBe(360);
    expect(pool.usedBytes).toBeLessThanOrEqual(50 * 24 * PAGE_BYTES);
    const high = pool.allocatedBytes;
    for (const r of rings) r.trimBefore(390 * 10_000);
    expect(rings[0]!.toArrays().t).toEqual([
      3_900_000, 3_910_000, 3_920_000, 3_930_000, 3_940_000, 3_950_000, 3_960_000, 3_970_000, 3_980_000, 3_990_000,
    ]);
    expect(pool.usedBytes).toBeLessThanOrEqual(50 * 2 * PAGE_BYTES);
    for (const r of rings) r.free();
    expect(pool.usedBytes).toBe(0);
    // Freed pages are reused: the same amount again allocates nothing new.
    for (const r of rings) for (let i = 0; i < 360; i++) r.push(i, 0, 0, 0);
    expect(pool.allocatedBytes).toBe(high);
  });

  it('keeps exact times across a re-base of the pool (weeks of uptime)', () => {
    const r = new SampleRing(4);
    const t0 = Date.UTC(2026, 0, 1);
    const hour = 3_600_000 + 7; // not a round number: every ms must survive
    for (let i = 0; i <= 40 * 24; i++) r.push(t0 + i * hour, i, i, i);
    const last = 40 * 24;
    expect(r.toArrays().t).toEqual([last - 3, last - 2, last - 1, last].map((i) => t0 + i * hour));
    expect(r.toArrays().ws).toEqual([last - 3, last - 2, last - 1, last]);
  });
});
