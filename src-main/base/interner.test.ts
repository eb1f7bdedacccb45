import { describe, expect, it } from 'vitest';
import { Interner } from './interner';

describe('Interner', () => {
  it('returns the first copy of an equal string', () => {
    const strings = new Interner();
    expect(strings.of(JSON.parse('"default-scheduler"') as string)).toBe('default-scheduler');
    strings.of(JSON.parse('"default-scheduler"') as string);
    expect(strings.size).toBe(1);
    expect(strings.of(undefined)).toBeUndefined();
  });

  it('stays bounded: clears when full and never keeps long strings', () => {
    const strings = new Interner(3, 8);
    for (const s of ['a', 'b', 'c', 'd']) strings.of(s);
    expect(strings.size).toBe(1);
    expect(strings.of('x'.repeat(9))).toBe('x'.repeat(9));
    expect(strings.size).toBe(1);
  });
});
