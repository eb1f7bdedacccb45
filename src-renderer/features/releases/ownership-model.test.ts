import { describe, expect, it } from 'vitest';
import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { canHandBack, isReadOnly, ownerShort, ownershipOf } from './ownership-model';

const exec = (over: Partial<ExecutionState> = {}) =>
  ({ id: 'r', home: 'uat', started: true, status: 'running', ...over }) as ExecutionState;
const owner = (over: Partial<Owner> = {}): Owner => ({
  home: 'uat',
  holder: 'alice@a/1-ab12',
  holderLabel: 'alice@a (pid 1)',
  mine: false,
  durationSec: 15,
  expired: false,
  renewedAt: 1_000,
  ...over,
});

describe('ownership of a team release', () => {
  it('local only without a home; read-only until its Lease is seen', () => {
    expect(ownershipOf(exec({ home: undefined }), undefined).kind).toBe('local');
    expect(isReadOnly(ownershipOf(exec({ home: undefined }), undefined))).toBe(false);
    expect(ownershipOf(exec(), undefined)).toEqual({ kind: 'unseen', home: 'uat' });
    expect(isReadOnly(ownershipOf(exec(), undefined))).toBe(true);
  });

  it('held elsewhere is read-only with the holder and last renewal; expired offers a take-over; lost wins over everything', () => {
    const held = ownershipOf(exec(), owner());
    expect(held.kind).toBe('held');
    expect(isReadOnly(held)).toBe(true);
    expect(ownerShort(held, 6_000)).toBe('read-only · alice@a (pid 1) · renewed 5s ago');
    expect(ownershipOf(exec(), owner({ expired: true })).kind).toBe('expired');
    expect(ownershipOf(exec(), owner({ mine: true })).kind).toBe('mine');
    expect(isReadOnly(ownershipOf(exec(), owner({ mine: true })))).toBe(false);
    expect(ownershipOf(exec(), owner({ mine: true, lost: 'bob took it over' })).kind).toBe('lost');
  });

  it('handed back: free once finished, but a running release still needs the take-over confirmation', () => {
    const back = owner({ holder: '', holderLabel: 'nobody (handed back by alice@a (pid 1))', expired: true });
    expect(ownershipOf(exec({ status: 'succeeded' }), back).kind).toBe('free');
    expect(isReadOnly(ownershipOf(exec({ status: 'succeeded' }), back))).toBe(false);
    expect(ownershipOf(exec(), back).kind).toBe('expired');
  });

  it('handed back unfinished on purpose: read-only with Take over…; only the driver of an unfinished release may hand back', () => {
    const back = owner({ holder: '', holderLabel: 'nobody (handed back by alice@a (pid 1))', releasedBy: 'alice@a/1-ab12', expired: true });
    const handed = ownershipOf(exec({ status: 'paused' }), back);
    expect(handed.kind).toBe('handed');
    expect(isReadOnly(handed)).toBe(true);
    expect(ownershipOf(exec({ status: 'succeeded' }), back).kind).toBe('free');
    expect(ownershipOf(exec({ status: 'aborted' }), back).kind).toBe('free');
    const mine = ownershipOf(exec(), owner({ mine: true }));
    expect(canHandBack(exec(), mine)).toBe(true);
    expect(canHandBack(exec({ status: 'succeeded' }), mine)).toBe(false);
    expect(canHandBack(exec(), handed)).toBe(false);
    expect(canHandBack(exec(), ownershipOf(exec({ home: undefined }), undefined))).toBe(false);
  });
});
