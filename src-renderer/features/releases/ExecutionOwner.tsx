import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { describeGroup } from '../../../src-shared/releases/execution-schedule';
import { groupProgress } from '../../../src-shared/releases/execution-views';
import { holderLabel } from '../../../src-shared/releases/holder-label';
import { ago, clock, type Ownership } from './ownership-model';

/**
 * The ownership banner of the execution panel: Take over… when the holder's Lease expired or it was
 * handed back; Hand back… for the driver (present when it may hand back).
 */
export function OwnerBanner({
  o,
  now,
  teamReleases,
  onTakeOver,
  onHandBack,
}: {
  o: Ownership;
  now: number;
  teamReleases: boolean;
  onTakeOver: () => void;
  onHandBack?: () => void;
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
          Driven from here: Lease in {o.owner.home}, renewed {ago(o.owner.renewedAt, now)}. Teammates see it read-only.{' '}
          {onHandBack ? (
            <button type="button" className="btn" onClick={onHandBack} data-testid="exec-hand-back-lease">
              Hand back…
            </button>
          ) : null}
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
    case 'handed':
      return (
        <div className="banner banner--warn" data-testid="exec-owner" data-kind="handed">
          Read-only: <b>{holderLabel(o.owner.releasedBy ?? '')}</b> handed it back to the team unfinished at {clock(o.owner.renewedAt)};
          nobody drives it (Lease in {o.owner.home}).{' '}
          <button type="button" className="btn btn--primary" onClick={onTakeOver} data-testid="exec-take-over">
            Take over…
          </button>
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

const movingGroups = (e: ExecutionState) => e.groups.filter((g) => !['pending', 'succeeded', 'rolled-back', 'aborted'].includes(g.phase));

/** What the take-over confirmation shows: who held it, since when, and where it stopped. */
export function TakeOverDetails({ e, owner, now }: { e: ExecutionState; owner: Owner; now: number }) {
  const moving = movingGroups(e);
  return (
    <div data-testid="take-over-details">
      {owner.holder ? (
        <p>
          Held by <b>{owner.holderLabel}</b> since {clock(owner.acquiredAt)}; its last renewal was at {clock(owner.renewedAt)} (
          {ago(owner.renewedAt, now)}), and its Lease in {owner.home} has expired.
        </p>
      ) : (
        <p>
          Handed back to the team by <b>{holderLabel(owner.releasedBy ?? '')}</b> at {clock(owner.renewedAt)} ({ago(owner.renewedAt, now)});
          nobody holds its Lease in {owner.home}.
        </p>
      )}
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

/** What the hand-back confirmation shows: what pauses and where each group rests, what happens to the Lease, who can go on. */
export function HandBackDetails({ e, owner }: { e: ExecutionState; owner: Owner }) {
  const moving = movingGroups(e);
  return (
    <div data-testid="hand-back-details">
      <p>
        {e.stopped
          ? 'The release stays paused as it is.'
          : e.started
            ? 'The release is paused first: no group starts or moves until someone resumes it.'
            : 'The release has not started; it stays so.'}{' '}
        No Deployment is written: each rests at its batch boundary by itself.
      </p>
      {moving.length ? (
        <ul>
          {moving.map((g) => {
            const p = groupProgress(g);
            return (
              <li key={g.key} className="mono">
                {g.key}: {describeGroup(g)}, {p.updated} of {p.replicas} pods on {g.toImage.slice(g.toImage.lastIndexOf('/') + 1)}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p>
        Your Lease in {owner.home} is handed back (no holder; the Lease names you as who handed it back). This window stops driving the
        release and shows it read-only; nobody drives it until a teammate (or you) takes it over with Take over… and resumes it.
      </p>
    </div>
  );
}
