import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../../src-shared/images/contract';
import { regionSummaryText, shortDigest, worstCell } from './images-model';

const row = (states: [string, MatrixRow['cells'][number]['state'], boolean?][]): MatrixRow => ({
  repository: 'shop/orders',
  tag: '1.0',
  project: 'shop',
  priority: false,
  cells: states.map(([region, state, stuck]) => ({ region, state, stuck: stuck ?? false })),
});

describe('images model', () => {
  it('worstCell prefers failed, then missing, then stuck among equals', () => {
    expect(
      worstCell(
        row([
          ['a', 'synced'],
          ['b', 'missing'],
          ['c', 'failed'],
        ]),
      )?.region,
    ).toBe('c');
    expect(
      worstCell(
        row([
          ['a', 'replicating'],
          ['b', 'replicating', true],
        ]),
      )?.region,
    ).toBe('b');
    expect(
      worstCell(
        row([
          ['a', 'synced'],
          ['b', 'synced'],
        ]),
      )?.region,
    ).toBe('a');
  });
  it('shortDigest', () => expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab'));
});

describe('region summaries', () => {
  const base = { region: 'west', outOfSync: 0, unknown: 0, notFollowed: 0, stuck: 0 };
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  it('an unreachable region is unknown since when, never in sync', () => {
    expect(regionSummaryText({ ...base, state: 'unknown', unknown: 12, unreadableSince: Date.UTC(2026, 0, 1, 2, 41) }, clock)).toBe(
      'unknown, unreachable since 02:41',
    );
    expect(regionSummaryText({ ...base, state: 'unknown', unknown: 3 }, clock)).toBe('3 unknown');
  });
  it('in sync, out of sync, unknown cells and not-followed repositories are each said', () => {
    expect(regionSummaryText({ ...base, state: 'in-sync' })).toBe('in sync');
    expect(regionSummaryText({ ...base, state: 'in-sync', notFollowed: 4 })).toBe('in sync · 4 not followed');
    expect(regionSummaryText({ ...base, state: 'out-of-sync', outOfSync: 2, unknown: 1 })).toBe('2 out of sync · 1 unknown');
  });
});
