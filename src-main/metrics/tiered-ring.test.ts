import { describe, expect, it } from 'vitest';
import { SamplePool } from './sample-pool';
import { TieredRing } from './tiered-ring';

const MIN = 60_000;

describe('TieredRing', () => {
  it('coarse: keeps the recent samples as taken and merges older ones into buckets that keep the peak', () => {
    const r = new TieredRing(new SamplePool(), 361);
    // 20 minutes at 10 s; a short spike at 3 min, which a bucket must not average away.
    for (let i = 0; i < 120; i++) r.push(i * 10_000, 0.5 + (i % 2) * 0.1, i === 18 ? 900 : 100 + i, 50);
    r.setResolution(MIN, 61); // last 10 min as taken, older in 1-minute buckets
    const a = r.toArrays();
    expect(a.t.slice(-61)).toEqual(Array.from({ length: 61 }, (_, k) => (59 + k) * 10_000));
    const older = a.t.length - 61;
    expect(older).toBeLessThanOrEqual(11); // 59 samples → ~10 one-minute buckets
    expect(Math.max(...a.ws.slice(0, older))).toBe(900); // the spike survives
    expect(a.cpu[0]).toBeCloseTo(0.55, 5); // mean of the bucket
    expect(r.last()).toEqual({ t: 1_190_000, cpu: expect.closeTo(0.6, 5), ws: 219, rss: 50 });
    // New samples keep spilling into buckets as they age.
    for (let i = 120; i < 180; i++) r.push(i * 10_000, 0.5, 100, 50);
    expect(r.toArrays().t.slice(-61)[0]).toBe(119 * 10_000);
    expect(r.size).toBeLessThanOrEqual(61 + 20); // 180 samples held in 81 rows
  });

  it('a gap stays a gap in the buckets, and turning interesting again keeps every new sample', () => {
    const r = new TieredRing(new SamplePool(), 361);
    for (let i = 0; i < 10; i++) r.push(i * 10_000, 1, 100, 1);
    r.push(100_000, Number.NaN, Number.NaN, Number.NaN);
    for (let i = 20; i < 30; i++) r.push(i * 10_000, 1, 100, 1);
    r.setResolution(MIN, 2);
    const a = r.toArrays();
    const gap = a.t.indexOf(100_000);
    expect(gap).toBeGreaterThan(0);
    expect(Number.isNaN(a.ws[gap]!)).toBe(true);
    r.setResolution(0, 2);
    for (let i = 30; i < 100; i++) r.push(i * 10_000, 1, 100, 1);
    expect(r.toArrays(30 * 10_000).t).toHaveLength(70);
  });

  it('a coarser bucket merges the buckets again; trimming frees what is older than the history', () => {
    const pool = new SamplePool();
    const r = new TieredRing(pool, 361);
    for (let i = 0; i < 360; i++) r.push(i * 10_000, 1, i, 1);
    r.setResolution(MIN, 61);
    const oneMinute = r.size;
    r.setResolution(5 * MIN, 61);
    expect(r.size).toBeLessThan(oneMinute);
    expect(Math.max(...r.toArrays().ws)).toBe(359);
    r.trimBefore(10_000_000);
    expect(r.size).toBe(0);
    r.free();
    expect(pool.usedBytes).toBe(0);
  });
});
