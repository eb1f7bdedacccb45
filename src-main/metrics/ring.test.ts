import { describe, expect, it } from 'vitest';
import { SampleRing } from './ring';

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
