import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../../src-shared/images/contract';
import { shortDigest, splitImage, worstCell } from './images-model';

const row = (states: [string, MatrixRow['cells'][number]['state'], boolean?][]): MatrixRow => ({
  repository: 'shop/orders',
  tag: '1.0',
  project: 'shop',
  priority: false,
  cells: states.map(([region, state, stuck]) => ({ region, state, stuck: stuck ?? false })),
});

describe('images model', () => {
  it('splitImage drops the registry host and the digest', () => {
    expect(splitImage('harbor-east.sandbox.local/shop/orders:1.4.2')).toEqual({ repository: 'shop/orders', tag: '1.4.2' });
    expect(splitImage('localhost:5000/team/a/b:2@sha256:abc')).toEqual({ repository: 'team/a/b', tag: '2' });
    expect(splitImage('busybox')).toEqual({ repository: 'library/busybox' });
  });
  it('worstCell prefers failed, then missing, then stuck among equals', () => {
    expect(worstCell(row([['a', 'synced'], ['b', 'missing'], ['c', 'failed']]))?.region).toBe('c');
    expect(worstCell(row([['a', 'replicating'], ['b', 'replicating', true]]))?.region).toBe('b');
    expect(worstCell(row([['a', 'synced'], ['b', 'synced']]))?.region).toBe('a');
  });
  it('shortDigest', () => expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab'));
});
