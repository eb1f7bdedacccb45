import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { describeGroup } from '../../../src-shared/releases/execution-schedule';
import { formatDuration } from '../../components/freshness';

/** Who may drive a release from this window: this one, another Capstan (read-only), nobody (take over), or local only. */
export type Ownership = { kind: 'local' } | { kind: 'free'; owner: Owner } | { kind: 'mine'; owner: Owner } | { kind: 'lost'; owner: Owner } | { kind: 'held'; owner: Owner } | { kind: 'expired'; owner: Owner } | { kind: 'unseen'; home: string };

export function ownershipOf(e: ExecutionState, owner: Owner | undefined): Ownership {
  if (!e.home) return { kind: 'local' };
  if (!owner) return { kind: 'unseen', home: e.home };
  if (owner.lost) return { kind: 'lost', owner };
  if (owner.mine) return { kind: 'mine', owner };
  // Handed back after it finished (or before it started): acting here simply takes the Lease.
  if (!owner.holder && (!e.started || ['succeeded', 'rolled-back'].includes(e.status))) return { kind: 'free', owner };
  return owner.expired ? { kind: 'expired', owner } : { kind: 'held', owner };
}

export const isReadOnly = (o: Ownership): boolean => o.kind !== 'local' && o.kind !== 'mine' && o.kind !== 'free';

const ago = (at: number | undefined, now: number) => (at === undefined ? 'never' : `${formatDuration(Math.max(0, now - at))} ago`);
const clock = (at: number | undefined) => (at === undefined ? 'unknown' : new Date(at).toLocaleTimeString());

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
  }
}

/** The ownership banner of the execution panel, with Take over… when the holder's Lease expired. */
export function OwnerBanner({ o, now, teamReleases, onTakeOver }: { o: Ownership; now: number; teamReleases: boolean; onTakeOver: () => void }) {
  switch (o.kind) {
    case 'local':
      return teamReleases ? (
        <div className="banner" data-testid="exec-owner" data-kind="local">
          Local only: this release runs and is recorded on this machine alone. Teammates cannot see it or take it over.
        </div>
      ) : null;
    case 'free':
      return (
        <div className="muted" data-testid="exec-owner" data-kind="free">
          Nobody drives it now ({o.owner.holderLabel}); acting on it here takes its Lease in {o.owner.home}.
        </div>
      );
    case 'unseen':
      return (
        <div className="banner banner--warn" data-testid="exec-owner" data-kind="unseen">
          Read-only: the Lease of this release in cluster {o.home} has not been read yet (is {o.home} reachable?).
        </div>
      );
    case 'mine':
      return (
        <div className="muted" data-testid="exec-owner" data-kind="mine">
          Driven from here: Lease in {o.owner.home}, renewed {ago(o.owner.renewedAt, now)}. Teammates see it read-only.
        </div>
      );
    case 'lost':
      return (
        <div className="banner banner--bad" data-testid="exec-owner" data-kind="lost">
          This window lost the release: {o.owner.lost}. It writes nothing.{o.owner.holder ? ` ${o.owner.holderLabel} drives it now.` : ''}
        </div>
      );
    case 'held':
      return (
        <div className="banner banner--warn" data-testid="exec-owner" data-kind="held">
          Read-only: driven by <b>{o.owner.holderLabel}</b> since {clock(o.owner.acquiredAt)}; last renewal {ago(o.owner.renewedAt, now)} (Lease in {o.owner.home}).
        </div>
      );
    case 'expired':
      return (
        <div className="banner banner--warn" data-testid="exec-owner" data-kind="expired">
          Read-only: {o.owner.holder ? <b>{o.owner.holderLabel}</b> : o.owner.holderLabel} stopped renewing its Lease in {o.owner.home} (last renewal {clock(o.owner.renewedAt)}, {ago(o.owner.renewedAt, now)}).{' '}
          <button type="button" className="btn btn--primary" onClick={onTakeOver} data-testid="exec-take-over">
            Take over…
          </button>
        </div>
      );
  }
}

/** What the take-over confirmation shows: who held it, since when, and where it stopped. */
export function TakeOverDetails({ e, owner, now }: { e: ExecutionState; owner: Owner; now: number }) {
  const moving = e.groups.filter((g) => !['pending', 'succeeded', 'rolled-back', 'aborted'].includes(g.phase));
  return (
    <div data-testid="take-over-details">
      <p>
        Held by <b>{owner.holderLabel}</b> since {clock(owner.acquiredAt)}; its last renewal was at {clock(owner.renewedAt)} ({ago(owner.renewedAt, now)}), and its Lease in {owner.home} has expired.
      </p>
      <p>
        It stopped at: {e.status}, stage {e.stageIndex + 1}/{e.stages.length} ({e.stages[e.stageIndex]?.name}), record version {e.version}.
      </p>
      <ul>
        {(moving.length ? moving : e.groups.slice(0, 3)).map((g) => (
          <li key={g.key} className="mono">
            {g.key}: {describeGroup(g)}
          </li>
        ))}
      </ul>
      <p className="muted">Taking over makes this window the holder; the release continues from the recorded batch. If {owner.holderLabel} comes back, it shows that it lost the release and writes nothing.</p>
    </div>
  );
}
