import { describe, expect, it } from 'vitest';
import { buildQuery, encodeRepositoryName, parseLinkHeader, parseQuery, splitRepository } from './registry-api';

describe('q= queries', () => {
  it('builds every pattern of the swagger', () => {
    expect(
      buildQuery([
        { key: 'name', op: 'eq', value: 'library/app' },
        { key: 'name', op: 'fuzzy', value: 'app' },
        { key: 'creation_time', op: 'range', min: 1, max: 9 },
        { key: 'tags', op: 'union', values: ['a', 'b'] },
        { key: 'labels', op: 'intersection', values: [1, 2] },
      ]),
    ).toBe('name=library/app,name=~app,creation_time=[1~9],tags={a b},labels=(1 2)');
    expect(buildQuery([{ key: 'x', op: 'range', min: 3 }])).toBe('x=[3~]');
  });
  it('refuses reserved characters and bad keys', () => {
    expect(() => buildQuery([{ key: 'name', op: 'eq', value: 'a,b' }])).toThrow();
    expect(() => buildQuery([{ key: 'na me', op: 'eq', value: 'a' }])).toThrow();
  });
  it('round-trips through parseQuery', () => {
    const q = 'name=library/app,name=~app,n=[1~9],tags={a b},labels=(1 2)';
    expect(buildQuery(parseQuery(q)!)).toBe(q);
    expect(parseQuery('novalue')).toBeUndefined();
  });
});

describe('names and links', () => {
  it('encodes repository names twice', () => {
    expect(encodeRepositoryName('a/b')).toBe('a%252Fb');
    expect(encodeRepositoryName('app')).toBe('app');
    expect(splitRepository('library/a/b')).toEqual({ project: 'library', repository: 'a/b' });
  });
  it('parses Link headers (Harbor and distribution styles)', () => {
    expect(
      parseLinkHeader('</api/v2.0/projects?page=1&page_size=10>; rel="prev" , </api/v2.0/projects?page=3&page_size=10>; rel="next"'),
    ).toEqual({
      prev: '/api/v2.0/projects?page=1&page_size=10',
      next: '/api/v2.0/projects?page=3&page_size=10',
    });
    expect(parseLinkHeader('</v2/x/tags/list?last=b&n=2>; rel="next"').next).toBe('/v2/x/tags/list?last=b&n=2');
    expect(parseLinkHeader(undefined)).toEqual({});
  });
});
