import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { describeGroup } from '../../../src-shared/releases/execution-schedule';
import { ago, clock, type Ownership } from './ownership-model';

/** The ownership banner of the execution panel, with Take over… when the holder's Lease expired. */
export function OwnerBanner({
  o,
  now,
  teamReleases,
  onTakeOver,
}: {
  o: Ownership;
  now: number;
  teamReleases: boolean;
  onTakeOver: () => void;
}) {
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
          Not driven now: {o.owner.holderLabel}. Acting on it here takes its Lease in {o.owner.home}.
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
          Read-only: driven by <b>{o.owner.holderLabel}</b> since {clock(o.owner.acquiredAt)}; last renewal {ago(o.owner.renewedAt, now)}{' '}
          (Lease in {o.owner.home}).
        </div>
      );
    case 'expired':
      return (
        <div className="banner banner--warn" data-testid="exec-owner" data-kind="expired">
          Read-only: {o.owner.holder ? <b>{o.owner.holderLabel}</b> : o.owner.holderLabel} stopped renewing its Lease in {o.owner.home}{' '}
          (last renewal {clock(o.owner.renewedAt)}, {ago(o.owner.renewedAt, now)}).{' '}
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
        Held by <b>{owner.holderLabel}</b> since {clock(owner.acquiredAt)}; its last renewal was at {clock(owner.renewedAt)} (
        {ago(owner.renewedAt, now)}), and its Lease in {owner.home} has expired.
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
      <p className="muted">
        Taking over makes this window the holder; the release continues from the recorded batch. If {owner.holderLabel} comes back, it shows
        that it lost the release and writes nothing.
      </p>
    </div>
  );
}
