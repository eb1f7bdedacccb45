import { describe, expect, it } from 'vitest';
import type { ReflectorStatus } from '../watch/reflector';
import { deriveState } from './cluster-state';

const st = (p: Partial<ReflectorStatus>): ReflectorStatus => ({ phase: 'watching', synced: true, since: 0, ...p });
const unreachable = { code: 'cluster-unreachable' as const, message: 'down' };
const unauthorized = { code: 'cluster-unauthorized' as const, message: '401' };

describe('deriveState', () => {
  it('connecting until every required reflector is synced and watching, then live', () => {
    expect(deriveState([st({ phase: 'listing', synced: false }), st({})], { state: 'idle', since: 0 }, 0, 30_000).state).toBe('connecting');
    expect(deriveState([st({}), st({})], { state: 'connecting', since: 0 }, 0, 30_000).state).toBe('live');
  });
  it('error when the first connection fails', () => {
    expect(
      deriveState([st({ phase: 'backoff', synced: false, error: unreachable })], { state: 'connecting', since: 0 }, 0, 30_000),
    ).toEqual({ state: 'error', error: unreachable });
  });
  it('live → reconnecting → stale after staleAfterMs', () => {
    const down = [st({ phase: 'backoff', error: unreachable }), st({})];
    expect(deriveState(down, { state: 'live', since: 0 }, 1000, 30_000).state).toBe('reconnecting');
    expect(deriveState(down, { state: 'reconnecting', since: 1000 }, 20_000, 30_000).state).toBe('reconnecting');
    expect(deriveState(down, { state: 'reconnecting', since: 1000 }, 31_000, 30_000).state).toBe('stale');
    expect(deriveState(down, { state: 'stale', since: 31_000 }, 40_000, 30_000).state).toBe('stale');
    expect(deriveState([st({}), st({})], { state: 'stale', since: 31_000 }, 50_000, 30_000).state).toBe('live');
  });
  it('stale at once on a credential failure while we have data', () => {
    expect(deriveState([st({ phase: 'backoff', error: unauthorized })], { state: 'live', since: 0 }, 10, 30_000)).toEqual({
      state: 'stale',
      error: unauthorized,
    });
  });
});
