import { describe, expect, it } from 'vitest';
import { follows, matchesPatterns } from './follow';

describe('follow rules', () => {
  it('include and exclude globs; exclude wins; no include means everything', () => {
    expect(matchesPatterns({}, 'team/app')).toBe(true);
    expect(matchesPatterns({ include: ['team/*'] }, 'team/app')).toBe(true);
    expect(matchesPatterns({ include: ['team/*'] }, 'other/app')).toBe(false);
    expect(matchesPatterns({ include: ['team/*'], exclude: ['team/tmp-*'] }, 'team/tmp-1')).toBe(false);
  });

  it('projects and an explicit list narrow further', () => {
    expect(follows({ projects: ['library'] }, 'library/app')).toBe(true);
    expect(follows({ projects: ['library'] }, 'other/app')).toBe(false);
    expect(follows({ only: ['a/b'] }, 'a/b')).toBe(true);
    expect(follows({ only: ['a/b'] }, 'a/c')).toBe(false);
    expect(follows({ only: ['a/b'], exclude: ['a/*'] }, 'a/b')).toBe(false);
  });
});
