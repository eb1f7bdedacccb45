import { useState } from 'react';
import type { UserEvent } from '../../../src-shared/releases/contract';
import type { ExecutionState, GroupExecution } from '../../../src-shared/releases/execution-model';
import { groupProgress, needsMe } from '../../../src-shared/releases/execution-views';
import { describeGroup } from '../../../src-shared/releases/execution-schedule';
import { useClient } from '../../components/ClientContext';
import { useAppStore } from '../../store';
import { download } from './PlannerView';

const phaseTone: Record<string, string> = { pending: 'muted', fort: 'busy', baking: 'busy', rolling: 'busy', succeeded: 'ok', paused: 'warn', aborted: 'muted', 'rolling-back': 'busy', 'rolled-back': 'warn', failed: 'bad' };
const statusTone: Record<string, string> = { running: 'busy', 'awaiting-approval': 'warn', paused: 'warn', succeeded: 'ok', failed: 'bad', 'rolled-back': 'warn', 'rolling-back': 'busy', aborted: 'muted', pending: 'muted' };

function GroupRow({ e, g, act }: { e: ExecutionState; g: GroupExecution; act: (ev: UserEvent) => void }) {
  const p = groupProgress(g);
  const approval = needsMe(e).find((n) => n.group === g.key && n.kind === 'approve-fort');
  return (
    <tr data-testid="exec-group" data-key={g.key} data-phase={g.phase}>
      <td className="mono">{g.key}</td>
      <td>{e.stages[g.stageIndex]?.name}</td>
      <td>
        <span className={`badge badge--${phaseTone[g.phase] ?? 'muted'}`}>{describeGroup(g)}</span>
        {g.pauseReason?.kind === 'gate-failed' ? <div className="text-bad">{g.pauseReason.detail}</div> : null}
        {g.pauseReason?.kind === 'drift' ? (
          <div className="text-bad" data-testid="exec-drift">
            {g.pauseReason.detail}
            {g.pauseReason.by ? ` (by ${g.pauseReason.by})` : ''}
            {g.pauseReason.acceptBatch !== undefined ? ' Accept that progress and gate on from there, hold (stay paused: the Deployment stays where it is), or roll back.' : ''}
          </div>
        ) : null}
        {g.failure ? <div className="text-bad">{g.failure}</div> : null}
      </td>
      <td>
        <progress max={p.replicas || 1} value={p.updated} /> {p.updated}/{p.replicas} · {p.label}
      </td>
      <td>
        <div className="rel-exec__btns">
        {approval ? (
          <button type="button" className="btn btn--primary" onClick={() => act({ type: 'approvalGiven', group: g.key, version: approval.version })} data-testid="exec-approve-fort">
            Approve fort
          </button>
        ) : null}
        {['fort', 'baking', 'rolling'].includes(g.phase) || (g.phase === 'pending' && !e.aborted && e.started) ? <button type="button" className="btn" onClick={() => act({ type: 'pause', group: g.key })}>Pause</button> : null}
        {g.phase === 'paused' ? <button type="button" className="btn" onClick={() => act({ type: 'resume', group: g.key })} data-testid="exec-group-resume">Resume</button> : null}
        {g.pauseReason?.kind === 'drift' && g.pauseReason.acceptBatch !== undefined ? (
          <button type="button" className="btn" onClick={() => act({ type: 'acceptProgress', group: g.key, batch: (g.pauseReason as { acceptBatch: number }).acceptBatch })} data-testid="exec-group-accept">
            Accept as batch {g.pauseReason.acceptBatch + 1}/{g.batches.length}
          </button>
        ) : null}
        {g.phase === 'failed' || g.pauseReason?.kind === 'gate-failed' ? <button type="button" className="btn" onClick={() => act({ type: 'retry', group: g.key })}>Retry</button> : null}
        {!['pending', 'rolling-back', 'rolled-back'].includes(g.phase) ? <button type="button" className="btn" onClick={() => act({ type: 'rollback', group: g.key })} data-testid="exec-group-rollback">Roll back</button> : null}
        </div>
      </td>
    </tr>
  );
}

/** One execution: status, per-group progress and controls, release-level controls, history and its export. */
export function ExecutionsView({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const client = useClient();
  const releases = useAppStore((s) => s.releases);
  const [message, setMessage] = useState<string | null>(null);
  const executions = releases?.executions ?? [];
  const e = executions.find((x) => x.id === selected) ?? executions[0];
  if (!e) return <p className="muted">No release has run yet. Plan one from the board or the planner.</p>;
  const act = (event: UserEvent) =>
    void client['releases.execution.act']({ id: e.id, event }).then((r) => setMessage(r.ok ? null : r.error.message));
  const stage = needsMe(e).find((n) => n.kind === 'approve-stage');
  const exportHistory = async (format: 'json' | 'csv') => {
    const r = await client['releases.history.export']({ id: e.id, format });
    if (r.ok) download(`${e.id}-history.${format}`, r.value.text, format === 'json' ? 'application/json' : 'text/csv');
  };
  const done = ['succeeded', 'rolled-back', 'aborted'].includes(e.status);
  return (
    <div className="rel-exec" data-testid="execution-panel" data-status={e.status} data-id={e.id}>
      <div className="rel-exec__bar">
        <select value={e.id} onChange={(ev) => onSelect(ev.target.value)} aria-label="Release" data-testid="exec-select">
          {executions.map((x) => (
            <option key={x.id} value={x.id}>
              {x.planName} · {x.status}
            </option>
          ))}
        </select>
        <span className={`badge badge--${statusTone[e.status] ?? 'muted'}`} data-testid="exec-status">
          {e.status}
        </span>
        <span className="muted">
          {e.toImage} · stage {e.stageIndex + 1}/{e.stages.length} ({e.stages[e.stageIndex]?.name}) · v{e.version}
        </span>
        {releases?.lockedElsewhere[e.id] ? <span className="text-warn">driven elsewhere: {releases.lockedElsewhere[e.id]}</span> : null}
        <span className="topbar__spacer" />
        {stage ? (
          <button type="button" className="btn btn--primary" onClick={() => act({ type: 'approvalGiven', version: stage.version })} data-testid="exec-approve-stage">
            Approve stage {e.stageIndex + 1}
          </button>
        ) : null}
        {e.stopped ? (
          <button type="button" className="btn btn--primary" onClick={() => act({ type: 'resume' })} data-testid="exec-resume">
            Resume
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => act({ type: 'pause' })} disabled={done || !e.started}>
            Pause
          </button>
        )}
        <button type="button" className="btn" onClick={() => act({ type: 'abort' })} disabled={done}>
          Abort
        </button>
        <button type="button" className="btn" onClick={() => act({ type: 'rollback' })} disabled={e.status === 'rolled-back'} data-testid="exec-rollback">
          Roll back all
        </button>
      </div>
      {e.stopped ? <div className="banner banner--warn">Paused: {('note' in e.stopped ? e.stopped.note : undefined) ?? e.stopped.kind}</div> : null}
      {message ? <div className="banner banner--bad" data-testid="exec-message">{message}</div> : null}
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
            <GroupRow key={g.key} e={e} g={g} act={act} />
          ))}
        </tbody>
      </table>
      <div className="rel-exec__history">
        <div className="rel-exec__bar">
          <span className="field__label">History ({e.history.length})</span>
          <button type="button" className="btn btn--ghost" onClick={() => void exportHistory('csv')}>Export CSV</button>
          <button type="button" className="btn btn--ghost" onClick={() => void exportHistory('json')} data-testid="exec-export-json">Export JSON</button>
        </div>
        <ol className="rel-history" data-testid="exec-history">
          {[...e.history].reverse().slice(0, 200).map((h) => (
            <li key={`${h.version}-${h.at}-${h.action}`} className={h.result === 'rejected' ? 'text-bad' : ''}>
              <span className="muted">{new Date(h.at).toLocaleTimeString()}</span> <b>{h.actor}</b> {h.action} {h.result === 'rejected' ? '(refused)' : ''}
              {h.changes.length ? <span className="muted"> — {h.changes.join('; ')}</span> : null}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
