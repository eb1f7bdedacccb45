/**
 * Who may drive a team release from this window, from its Lease as main reports it (pure, tested
 * in ownership-model.test.ts): this window, another Capstan (read-only), nobody, or local only.
 */
import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { formatElapsed } from '../../../src-shared/base/duration';
import { holderLabel } from '../../../src-shared/releases/holder-label';

/** Who may drive a release from this window: this one, another Capstan (read-only), nobody (take over), or local only. */
export type Ownership =
  | { kind: 'local' }
  | { kind: 'free'; owner: Owner }
  | { kind: 'mine'; owner: Owner }
  | { kind: 'lost'; owner: Owner }
  | { kind: 'held'; owner: Owner }
  | { kind: 'expired'; owner: Owner }
  /** Its driver handed it back to the team unfinished: nobody drives it; take it over to go on. */
  | { kind: 'handed'; owner: Owner }
  | { kind: 'unseen'; home: string };

export function ownershipOf(e: ExecutionState, owner: Owner | undefined): Ownership {
  if (!e.home) return { kind: 'local' };
  if (!owner) return { kind: 'unseen', home: e.home };
  if (owner.lost) return { kind: 'lost', owner };
  if (owner.mine) return { kind: 'mine', owner };
  // Handed back after it finished (aborted: once every Deployment was given back) or before it
  // started: acting here simply takes the Lease.
  if (!owner.holder && (!e.started || ['succeeded', 'rolled-back', 'aborted'].includes(e.status))) return { kind: 'free', owner };
  if (!owner.holder && owner.releasedBy) return { kind: 'handed', owner };
  return owner.expired ? { kind: 'expired', owner } : { kind: 'held', owner };
}

/** Whether the driver of a team release may hand it back unfinished (a finished one gives its Lease back by itself). */
export const canHandBack = (e: ExecutionState, o: Ownership): boolean =>
  o.kind === 'mine' && !['succeeded', 'rolled-back', 'aborted'].includes(e.status);

export const isReadOnly = (o: Ownership): boolean => o.kind !== 'local' && o.kind !== 'mine' && o.kind !== 'free';

export const ago = (at: number | undefined, now: number) => (at === undefined ? 'never' : `${formatElapsed(Math.max(0, now - at))} ago`);
export const clock = (at: number | undefined) => (at === undefined ? 'unknown' : new Date(at).toLocaleTimeString());

/** One line for the execution list: holder and last renewal, or local only. */
export function ownerShort(o: Ownership, now: number): string {
  switch (o.kind) {
    case 'local':
      return 'local only';
    case 'unseen':
      return `Lease in ${o.home} not seen yet`;
    case 'free':
      return 'nobody drives it';
    case 'mine':
      return `driven here · renewed ${ago(o.owner.renewedAt, now)}`;
    case 'lost':
      return 'lost: taken over or cut off';
    case 'held':
      return `read-only · ${o.owner.holderLabel} · renewed ${ago(o.owner.renewedAt, now)}`;
    case 'expired':
      return `${o.owner.holderLabel} · Lease expired, renewed ${ago(o.owner.renewedAt, now)}`;
    case 'handed':
      return `handed back by ${holderLabel(o.owner.releasedBy ?? '')} · take over to go on`;
  }
}
