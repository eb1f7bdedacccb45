import { useState } from 'react';
import type { StartPreview, UserEvent } from '../../../src-shared/releases/contract';
import type { ExecutionState, GroupExecution } from '../../../src-shared/releases/execution-model';
import { openDegraded } from '../../../src-shared/releases/execution-schedule';
import { bakeLeft, groupProgress, needsMe, soakLeft } from '../../../src-shared/releases/execution-views';
import { describeGroup } from '../../../src-shared/releases/execution-schedule';
import { batchLabel, handBackLabel } from '../../../src-shared/releases/execution';
import { useClient } from '../../components/ClientContext';
import { formatElapsed } from '../../../src-shared/base/duration';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { confirmModel, isRecoveredGroup, needsConfirm, type RiskyStep } from './confirm-model';
import { DegradedEvidence } from './DegradedEvidence';
import { DRY_RUN_NOTE, refusedWhy, WritePreviewTable } from './StartConfirm';
import { ExecutionList, statusText, statusTone } from './ExecutionList';
import { HandBackDetails, OwnerBanner, TakeOverDetails } from './ExecutionOwner';
import { canHandBack, isReadOnly, ownershipOf } from './ownership-model';
import { download } from './PlannerView';

const phaseTone: Record<string, string> = {
  pending: 'muted',
  fort: 'busy',
  baking: 'busy',
  rolling: 'busy',
  succeeded: 'ok',
  paused: 'warn',
  aborted: 'muted',
  'rolling-back': 'busy',
  'rolled-back': 'warn',
  failed: 'bad',
};

/** After an abort: what the Deployment was given back as, or that the hand-back is still due. */
function HandBackLine({ g }: { g: GroupExecution }) {
  const h = g.handedBack;
  if (!h)
    return (
      <div className="text-warn" data-testid="exec-hand-back" data-outcome="due">
        hand-back due: Capstan gives this Deployment back as soon as it drives this release again (first thing after a restart)
      </div>
    );
  const tone = h.outcome === 'refused' ? 'text-bad' : h.outcome === 'held' ? 'text-warn' : 'muted';
  return (
    <div className={tone} data-testid="exec-hand-back" data-outcome={h.outcome}>
      {handBackLabel(h.outcome)} ({new Date(h.at).toLocaleTimeString()}): {h.detail}
    </div>
  );
}

function GroupRow({
  e,
  g,
  act,
  ask,
  now,
}: {
  e: ExecutionState;
  g: GroupExecution;
  act: (ev: UserEvent) => void;
  ask: (s: RiskyStep) => void;
  now: number;
}) {
  const soak = soakLeft(e, g, now);
  const p = groupProgress(g);
  const approval = needsMe(e).find((n) => n.group === g.key && n.kind === 'approve-fort');
  const degraded = g.degraded && !g.degraded.overridden;
  return (
    <tr data-testid="exec-group" data-key={g.key} data-phase={g.phase} data-degraded={degraded ? 'true' : undefined}>
      <td className="mono">{g.key}</td>
      <td>{e.stages[g.stageIndex]?.name}</td>
      <td>
        <span className={`badge badge--${degraded ? 'bad' : (phaseTone[g.phase] ?? 'muted')}`}>
          {degraded
            ? `degraded (${g.degraded!.what === 'oom' ? 'OOMKilled' : g.degraded!.what})`
            : isRecoveredGroup(g)
              ? describeGroup(g).replace('(manual)', '(Capstan restarted)')
              : describeGroup(g)}
        </span>
        {g.pauseReason?.kind === 'gate-failed' ? <div className="text-bad">{g.pauseReason.detail}</div> : null}
        {g.pauseReason?.kind === 'drift' ? (
          <div className="text-bad" data-testid="exec-drift">
            diverged: {g.pauseReason.detail}
            {g.pauseReason.by ? ` (by ${g.pauseReason.by})` : ''}
            {g.pauseReason.acceptBatch !== undefined
              ? ' Accept that progress and gate on from there, hold (stay paused: the Deployment stays where it is), or roll back.'
              : ''}
          </div>
        ) : null}
        {g.failure ? <div className="text-bad">{g.failure}</div> : null}
        {g.phase === 'aborted' ? <HandBackLine g={g} /> : null}
        {soak !== undefined ? (
          <div className="muted" data-testid="exec-group-soak">
            soak: {formatElapsed(soak * 1000)} left
          </div>
        ) : null}
        {g.degraded?.overridden ? (
          <div className="muted">
            degraded, overridden by {g.degraded.overridden.actor}: {g.degraded.overridden.reason}
          </div>
        ) : null}
      </td>
      <td>
        <progress max={p.replicas || 1} value={p.updated} /> {p.updated}/{p.replicas} · {p.label}
      </td>
      <td>
        <div className="rel-exec__btns">
          {approval ? (
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => ask({ kind: 'approve-fort', group: g.key })}
              data-testid="exec-approve-fort"
            >
              Approve fort…
            </button>
          ) : null}
          {['fort', 'baking', 'rolling'].includes(g.phase) ||
          (g.phase === 'pending' && !e.aborted && e.started && !['rolled-back', 'failed', 'succeeded'].includes(e.status)) ? (
            <button type="button" className="btn" onClick={() => act({ type: 'pause', group: g.key })}>
              Pause
            </button>
          ) : null}
          {g.phase === 'paused' && !e.aborted ? (
            <button
              type="button"
              className="btn"
              onClick={() => ask({ kind: 'resume-group', group: g.key })}
              data-testid="exec-group-resume"
            >
              Resume{needsConfirm(e, { kind: 'resume-group', group: g.key }) ? '…' : ''}
            </button>
          ) : null}
          {g.pauseReason?.kind === 'drift' && g.pauseReason.acceptBatch !== undefined && !e.aborted ? (
            <button
              type="button"
              className="btn"
              onClick={() => act({ type: 'acceptProgress', group: g.key, batch: (g.pauseReason as { acceptBatch: number }).acceptBatch })}
              data-testid="exec-group-accept"
            >
              Accept as {batchLabel(g, g.pauseReason.acceptBatch)}
            </button>
          ) : null}
          {(g.phase === 'failed' || g.pauseReason?.kind === 'gate-failed') && !e.aborted ? (
            <button type="button" className="btn" onClick={() => act({ type: 'retry', group: g.key })}>
              Retry
            </button>
          ) : null}
          {!['pending', 'rolling-back', 'rolled-back'].includes(g.phase) ? (
            <button
              type="button"
              className={`btn${degraded ? ' btn--primary' : ''}`}
              onClick={() => act({ type: 'rollback', group: g.key })}
              data-testid="exec-group-rollback"
            >
              Roll back
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** Every execution in a list; the chosen one: status, per-group progress and controls, risky steps confirmed, history and its export. */
export function ExecutionsView({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const client = useClient();
  const releases = useAppStore((s) => s.releases);
  const pods = useAppStore((s) => s.pods);
  const now = useNow();
  const [message, setMessage] = useState<string | null>(null);
  const [asking, setAsking] = useState<RiskyStep | null>(null);
  const [stagePreview, setStagePreview] = useState<StartPreview | { error: string } | null>(null);
  const [takingOver, setTakingOver] = useState(false);
  const [handingBack, setHandingBack] = useState(false);
  const executions = releases?.executions ?? [];
  const e = executions.find((x) => x.id === selected) ?? executions[0];
  if (!e) return <p className="muted">No release has run yet. Plan one from the board or the planner.</p>;
  const act = (event: UserEvent) =>
    void client['releases.execution.act']({ id: e.id, event }).then((r) => setMessage(r.ok ? null : r.error.message));
  const stage = needsMe(e).find((n) => n.kind === 'approve-stage');
  const degraded = openDegraded(e);
  const eventFor = (step: RiskyStep, reason?: string): UserEvent => {
    const override = reason ? { override: reason } : {};
    switch (step.kind) {
      case 'rollback-all':
        return { type: 'rollback' };
      case 'abort':
        return { type: 'abort' };
      case 'approve-stage':
        return { type: 'approvalGiven', version: e.version, ...override };
      case 'approve-fort':
        return { type: 'approvalGiven', group: step.group, version: e.version, ...override };
      case 'resume':
        return { type: 'resume' };
      case 'resume-group':
        return { type: 'resume', group: step.group };
      case 'override':
        return { type: 'overrideDegraded', reason: reason ?? '' };
    }
  };
  /** Risky steps ask first; routine ones act at once. */
  const ask = (step: RiskyStep) => {
    if (!needsConfirm(e, step)) return act(eventFor(step));
    setAsking(step);
    setStagePreview(null);
    // A stage approval also shows the stage's first writes as the API server answers a dry run now.
    if (step.kind === 'approve-stage')
      void client['releases.execution.previewStage']({ id: e.id }).then((r) =>
        setStagePreview(r.ok ? r.value : { error: r.error.message }),
      );
  };
  const exportHistory = async (format: 'json' | 'csv') => {
    const r = await client['releases.history.export']({ id: e.id, format });
    if (r.ok) download(`${e.id}-history.${format}`, r.value.text, format === 'json' ? 'application/json' : 'text/csv');
  };
  const done = ['succeeded', 'rolled-back', 'aborted'].includes(e.status);
  const moved = e.groups.some((g) => !['pending', 'rolled-back'].includes(g.phase));
  const bake = bakeLeft(e, now);
  const model = asking ? confirmModel(e, asking, pods) : null;
  const owner = releases?.owners?.[e.id];
  const ownership = ownershipOf(e, owner);
  const readOnly = isReadOnly(ownership);
  const takeOver = () => void client['releases.execution.takeOver']({ id: e.id }).then((r) => setMessage(r.ok ? null : r.error.message));
  const handBack = () => void client['releases.execution.handBack']({ id: e.id }).then((r) => setMessage(r.ok ? null : r.error.message));
  return (
    <div className="rel-exec-layout">
      <ExecutionList executions={executions} owners={releases?.owners} selected={e.id} onSelect={onSelect} />
      <div
        className="rel-exec"
        data-testid="execution-panel"
        data-status={e.status}
        data-id={e.id}
        data-read-only={readOnly ? 'true' : undefined}
      >
        <OwnerBanner
          o={ownership}
          now={now}
          teamReleases={releases?.teamReleases ?? false}
          onTakeOver={() => setTakingOver(true)}
          onHandBack={canHandBack(e, ownership) ? () => setHandingBack(true) : undefined}
        />
        {/* A release this window does not hold is shown read-only: every control is disabled. */}
        <fieldset className="rel-exec__controls" disabled={readOnly}>
          <div className="rel-exec__bar">
            <b>{e.planName}</b>
            <span className={`badge badge--${statusTone[e.status] ?? 'muted'}`} data-testid="exec-status" data-status={e.status}>
              {e.status}
            </span>
            <span className="muted" data-testid="exec-status-text">
              {statusText(e, now)}
            </span>
            {releases?.lockedElsewhere[e.id] && !e.home ? (
              <span className="text-warn">driven elsewhere: {releases.lockedElsewhere[e.id]}</span>
            ) : null}
            <span className="topbar__spacer" />
            {stage ? (
              <button
                type="button"
                className={`btn ${degraded.length ? 'btn--danger' : 'btn--primary'}`}
                onClick={() => ask({ kind: 'approve-stage' })}
                title={
                  degraded.length
                    ? `Blocked: ${degraded.map((g) => g.key).join(', ')} degraded. Approving needs an override with a reason.`
                    : undefined
                }
                data-testid="exec-approve-stage"
              >
                {degraded.length
                  ? `Approve stage ${e.stageIndex + 1} (blocked)…`
                  : `Approve stage ${e.stageIndex + 1} (${e.stages[e.stageIndex]?.name})${needsConfirm(e, { kind: 'approve-stage' }) ? '…' : ''}`}
              </button>
            ) : null}
            {e.stopped ? (
              <button type="button" className="btn btn--primary" onClick={() => ask({ kind: 'resume' })} data-testid="exec-resume">
                Resume{needsConfirm(e, { kind: 'resume' }) ? '…' : ''}
              </button>
            ) : (
              <button
                type="button"
                className="btn"
                onClick={() => act({ type: 'pause' })}
                disabled={done || !e.started}
                title={done ? 'The release is over.' : !e.started ? 'Not started yet.' : undefined}
              >
                Pause
              </button>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => ask({ kind: 'abort' })}
              disabled={done}
              title={done ? 'The release is over; nothing to abort.' : undefined}
              data-testid="exec-abort"
            >
              Abort…
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => ask({ kind: 'rollback-all' })}
              disabled={e.status === 'rolled-back' || !moved}
              title={
                e.status === 'rolled-back'
                  ? 'Already rolled back.'
                  : !moved
                    ? 'No group has moved yet: nothing to roll back (Abort stops the release).'
                    : undefined
              }
              data-testid="exec-rollback"
            >
              Roll back all…
            </button>
          </div>
          {bake && e.status === 'baking' ? (
            <div className="banner" data-testid="exec-bake">
              Stage {bake.stage + 1} ({e.stages[bake.stage]?.name}) is baking: its groups stay watched for{' '}
              {formatElapsed(bake.leftSec * 1000)} more before {bake.stage < e.stages.length - 1 ? 'the next stage' : 'the release is done'}
              .
            </div>
          ) : null}
          {degraded.length ? (
            <DegradedEvidence
              e={e}
              groups={degraded}
              onRollback={(key) => act({ type: 'rollback', group: key })}
              onOverride={() => setAsking({ kind: 'override' })}
            />
          ) : null}
          {e.stopped ? (
            <div className="banner banner--warn">Paused: {('note' in e.stopped ? e.stopped.note : undefined) ?? e.stopped.kind}</div>
          ) : null}
          {e.aborted && e.status === 'aborted' ? (
            <div className="banner" data-testid="exec-aborted">
              Aborted: this release does not move forward any more. What each Deployment was left at is in the history; roll a group back,
              or plan a new release.
            </div>
          ) : null}
          {message ? (
            <div className="banner banner--bad" data-testid="exec-message">
              {message}
            </div>
          ) : null}
          <table className="rel-preview">
            <thead>
              <tr>
                <th>Group</th>
                <th>Stage</th>
                <th>State</th>
                <th>Progress</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {e.groups.map((g) => (
                <GroupRow key={g.key} e={e} g={g} act={act} ask={ask} now={now} />
              ))}
            </tbody>
          </table>
        </fieldset>
        <div className="rel-exec__history">
          <div className="rel-exec__bar">
            <span className="field__label">History ({e.history.length})</span>
            <button type="button" className="btn btn--ghost" onClick={() => void exportHistory('csv')}>
              Export CSV
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => void exportHistory('json')} data-testid="exec-export-json">
              Export JSON
            </button>
          </div>
          <ol className="rel-history" data-testid="exec-history">
            {[...e.history]
              .reverse()
              .slice(0, 200)
              .map((h) => (
                <li key={`${h.version}-${h.at}-${h.action}`} className={h.result === 'rejected' ? 'text-bad' : ''}>
                  <span className="rel-history__n">#{h.version}</span> <span className="muted">{new Date(h.at).toLocaleTimeString()}</span>{' '}
                  <b>{h.actor}</b> {h.action} {h.result === 'rejected' ? '(refused)' : ''}
                  {h.changes.length ? <span className="muted"> — {h.changes.join('; ')}</span> : null}
                </li>
              ))}
          </ol>
        </div>
      </div>
      {takingOver && owner ? (
        <ConfirmDialog
          wide
          title={`Take over ${e.planName}?`}
          confirmLabel="Take over"
          danger
          onCancel={() => setTakingOver(false)}
          onConfirm={() => {
            setTakingOver(false);
            takeOver();
          }}
        >
          <TakeOverDetails e={e} owner={owner} now={now} />
        </ConfirmDialog>
      ) : null}
      {handingBack && owner ? (
        <ConfirmDialog
          wide
          title={`Hand ${e.planName} back to the team?`}
          confirmLabel="Hand back"
          onCancel={() => setHandingBack(false)}
          onConfirm={() => {
            setHandingBack(false);
            handBack();
          }}
        >
          <HandBackDetails e={e} owner={owner} />
        </ConfirmDialog>
      ) : null}
      {asking && model ? (
        <ConfirmDialog
          wide
          title={model.title}
          confirmLabel={model.confirmLabel}
          danger={model.danger}
          reason={
            model.needsReason
              ? {
                  label: 'Why continue although a group is degraded? (recorded in the history)',
                  placeholder: 'e.g. known leak, fixed by a config change in the next stage',
                }
              : undefined
          }
          blocked={asking.kind === 'approve-stage' && stagePreview && !('error' in stagePreview) ? refusedWhy(stagePreview) : undefined}
          onCancel={() => setAsking(null)}
          onConfirm={(reason) => {
            act(eventFor(asking, reason));
            setAsking(null);
          }}
        >
          {model.warnings.length ? (
            <div className="banner banner--bad">
              {model.warnings.map((w) => (
                <div key={w}>{w}</div>
              ))}
            </div>
          ) : null}
          <table className="rel-preview" data-testid="confirm-scope">
            <thead>
              <tr>
                <th>Group</th>
                <th>Change</th>
                <th>Pods</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {model.rows.map((r) => (
                <tr key={r.group}>
                  <td className="mono">{r.group}</td>
                  <td>{r.change}</td>
                  <td>{r.pods}</td>
                  <td>{r.evidence}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {asking.kind === 'approve-stage' ? (
            stagePreview === null ? (
              <p className="muted">Asking the API server for a dry run of this stage's first writes…</p>
            ) : 'error' in stagePreview ? (
              <p className="text-warn">
                No dry run of this stage's first writes: {stagePreview.error} (each write is still sent as a dry run first).
              </p>
            ) : (
              <>
                <p className="muted">{DRY_RUN_NOTE}</p>
                <WritePreviewTable preview={stagePreview} testId="stage-preview" />
              </>
            )
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
