import { describe, expect, it } from 'vitest';
import {
  batchLabel,
  cumulativeSteps,
  formatBatchPattern,
  minOnlineCount,
  parseBatchPattern,
  parseMinOnline,
  splitBatches,
  type BatchPattern,
} from './batch-pattern';

const pat = (text: string): BatchPattern => {
  const r = parseBatchPattern(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const sizes = (replicas: number, text: string, fort = false) => splitBatches(replicas, pat(text), { fort }).batches.map((b) => b.size);

describe('parseBatchPattern', () => {
  it('parses a repeating step and a list', () => {
    expect(pat('25%')).toEqual({ kind: 'repeat', stepBp: 2500 });
    expect(pat(' 10% + 20%+30%+40% ')).toEqual({ kind: 'list', stepsBp: [1000, 2000, 3000, 4000] });
    expect(pat('12.5%')).toEqual({ kind: 'repeat', stepBp: 1250 });
    expect(formatBatchPattern(pat('12.5%+37.5%+50%'))).toBe('12.5%+37.5%+50%');
  });
  it('names the bad part', () => {
    const bad = (t: string) => {
      const r = parseBatchPattern(t);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(bad('')).toMatch(/empty/);
    expect(bad('10%+abc+30%')).toMatch(/step 2 "abc"/);
    expect(bad('25')).toMatch(/step 1 "25" is not a percentage/);
    expect(bad('60%+40%')).toMatch(/step 1 "60%" is more than 50%/);
    expect(bad('10%+20%')).toMatch(/sum to 30%/);
    expect(bad('0%')).toMatch(/more than 0%/);
    expect(bad('10%+')).toMatch(/step 2 ""/);
    expect(parseBatchPattern('50%+50%').ok).toBe(true);
    expect(parseBatchPattern('100%').ok).toBe(false);
  });
  it('cumulative steps end at exactly 100%', () => {
    expect(cumulativeSteps(pat('30%'))).toEqual([3000, 6000, 9000, 10000]);
    expect(cumulativeSteps(pat('33%+33%+34%'))).toEqual([3300, 6600, 10000]);
  });
});

describe('splitBatches', () => {
  it('splits exactly when shares are whole', () => {
    expect(sizes(10, '10%+20%+30%+40%')).toEqual([1, 2, 3, 4]);
    expect(sizes(8, '25%')).toEqual([2, 2, 2, 2]);
  });
  it('uses cumulative floor: never ahead of the pattern, last batch completes', () => {
    // 10 × 25%: 2.5, 5, 7.5, 10 -> 2, 5, 7, 10
    expect(sizes(10, '25%')).toEqual([2, 3, 2, 3]);
    const split = splitBatches(7, pat('10%+20%+30%+40%'), { fort: false });
    expect(split.batches.map((b) => b.cumulative)).toEqual([1, 2, 4, 7]);
  });
  it('every batch takes at least one instance; empty steps vanish', () => {
    expect(sizes(3, '10%+20%+30%+40%')).toEqual([1, 1, 1]);
    expect(sizes(1, '25%')).toEqual([1]);
    expect(sizes(0, '25%')).toEqual([]);
  });
  it('puts the fort first and splits the rest', () => {
    const split = splitBatches(10, pat('25%'), { fort: true });
    expect(split.batches.map((b) => [b.fort, b.size])).toEqual([
      [true, 1],
      [false, 2],
      [false, 2],
      [false, 2],
      [false, 3],
    ]);
    expect(split.batches.at(-1)!.cumulative).toBe(10);
    expect(batchLabel(split, 0)).toBe('fort');
    expect(batchLabel(split, 2)).toBe('batch 2/4');
    expect(sizes(2, '25%', true)).toEqual([1, 1]);
    expect(sizes(1, '25%', true)).toEqual([1]);
  });
  it('sum of sizes always equals replicas', () => {
    for (const text of ['25%', '10%+20%+30%+40%', '50%', '12.5%', '33%+33%+34%']) {
      for (let n = 0; n <= 40; n++) {
        for (const fort of [false, true]) {
          const s = splitBatches(n, pat(text), { fort });
          expect(s.batches.reduce((a, b) => a + b.size, 0)).toBe(n);
          expect(s.batches.every((b) => b.size >= 1)).toBe(true);
        }
      }
    }
  });
  it('reports a minimum online only when it is above N: batches never take instances down', () => {
    const ok = splitBatches(10, pat('25%'), { fort: true, minOnline: { kind: 'percent', value: 70 } });
    expect(ok.maxDown).toBe(3);
    expect(ok.violations).toEqual([]);
    // Batches of 4 and 5 with 8 online: fine, the executor grows new pods before retiring old ones.
    expect(splitBatches(10, pat('50%'), { fort: true, minOnline: { kind: 'count', value: 8 } }).violations).toEqual([]);
    expect(splitBatches(1, pat('50%'), { fort: true, minOnline: { kind: 'count', value: 1 } }).violations).toEqual([]);
    expect(splitBatches(4, pat('50%'), { fort: false, minOnline: { kind: 'percent', value: 100 } }).violations).toEqual([]);
    const tooMany = splitBatches(2, pat('50%'), { fort: false, minOnline: { kind: 'count', value: 3 } });
    expect(tooMany.violations).toHaveLength(1);
    expect(tooMany.violations[0]).toMatch(/only 2 instance.*Batches never take instances down.*set minOnline to at most 2/);
  });
});

describe('minOnline', () => {
  it('parses counts and percentages and rounds percentages up', () => {
    expect(parseMinOnline(3)).toEqual({ ok: true, value: { kind: 'count', value: 3 } });
    expect(parseMinOnline('75%')).toEqual({ ok: true, value: { kind: 'percent', value: 75 } });
    expect(parseMinOnline('150%').ok).toBe(false);
    expect(parseMinOnline(-1).ok).toBe(false);
    expect(parseMinOnline('lots').ok).toBe(false);
    expect(minOnlineCount(10, { kind: 'percent', value: 75 })).toBe(8);
  });
});
