import { describe, expect, it } from 'vitest';
import { formatNs, Timeline } from './timeline';

describe('Timeline', () => {
  it('the fast timestamp agrees with the BigInt one, across second boundaries', () => {
    for (const rate of [1, 3, 200, 100_000, 150_000]) {
      const tl = new Timeline(Date.parse('2026-11-26T23:59:58.123Z'), rate, 10_000);
      for (const i of [0, 1, 2, 7, 99, 1000, 123_456, 999_999]) {
        expect(tl.timestamp(i)).toBe(formatNs(tl.tNs(i)));
        expect(tl.ms(i)).toBe(tl.tMs(i));
      }
    }
  });
  it('finds the first line at or after a time and counts lines written', () => {
    const tl = new Timeline(1_000_000, 10, 100);
    expect(tl.countAt(1_000_000 + 1000)).toBe(10);
    expect(tl.indexAtOrAfter(BigInt(1_000_000 + 250) * 1_000_000n)).toBe(2);
    expect(tl.firstKept(150)).toBe(50);
  });
});
