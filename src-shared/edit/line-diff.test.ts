import { describe, expect, it } from 'vitest';
import { changedLines, lineDiff } from './line-diff';

describe('lineDiff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    const d = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(d.map((l) => `${l.t}${l.text}`)).toEqual([' a', '-b', '+B', ' c', ' d', '+e']);
    expect(changedLines(d)).toBe(3);
    expect(changedLines(lineDiff('x\ny', 'x\ny'))).toBe(0);
  });
});
