import { useEffect, useState } from 'react';
import type { CellDetail, ExecutionSummary, PolicySummary, TaskSummary } from '../../../src-shared/images/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import type { CellRef } from '../../store/images-slice';
import { ConfirmDialog } from './ConfirmDialog';
import { shortDigest, sourceLabel, stateLabel, stateTone } from './images-model';
import { useRefreshBurst } from './useImagesActions';

type Action =
  | { kind: 'start'; policy: PolicySummary }
  | { kind: 'stop'; execution: ExecutionSummary }
  | { kind: 'retry'; execution: ExecutionSummary };

const execTone = (e: ExecutionSummary) => (e.stuck ? 'warn' : e.status === 'Succeed' ? 'ok' : e.status === 'InProgress' ? 'busy' : e.status === 'Failed' ? 'bad' : 'muted');
const taskTone = (t: TaskSummary) => (t.status === 'Succeed' ? 'ok' : t.status === 'Failed' ? 'bad' : t.status === 'Stopped' ? 'muted' : 'busy');

function actionText(a: Action, ref: CellRef): { title: string; body: string; label: string; danger?: boolean } {
  switch (a.kind) {
    case 'start':
      return {
        title: `Start replication policy "${a.policy.name}"?`,
        body: `Harbor ${a.policy.registryId} starts a manual execution of "${a.policy.name}", copying every image its filter matches into ${a.policy.destRegion} (not only ${ref.repository}:${ref.tag}). Images already there with the same digest are copied again.`,
        label: 'Start execution',
      };
    case 'stop':
      return {
        title: `Stop execution #${a.execution.id}?`,
        body: `Pending and running tasks of execution #${a.execution.id} on ${a.execution.registryId} are stopped; images already copied stay. A stuck execution may ignore the first stop (a known Harbor behaviour): Capstan reports the status Harbor gives back, and you can stop again.`,
        label: 'Stop execution',
        danger: true,
      };
    case 'retry':
      return {
        title: `Retry the failed tasks of execution #${a.execution.id}?`,
        body: `Harbor has no per-task retry: this starts a new execution of policy ${a.execution.policyName ?? `#${a.execution.policyId}`} on ${a.execution.registryId}, which copies every image of its filter again.`,
        label: 'Start new execution',
      };
  }
}

export function CellDetailPanel({ cell }: { cell: CellRef }) {
  const client = useClient();
  const now = useNow();
  const close = useAppStore((s) => s.selectImageCell);
  const refreshBurst = useRefreshBurst();
  // Re-read the detail whenever this row changes in the matrix (a refresh landed).
  const rowSignature = useAppStore((s) => {
    const row = s.imagesMatrix?.rows.find((r) => r.repository === cell.repository && r.tag === cell.tag);
    return row ? JSON.stringify(row.cells.map((c) => [c.state, c.digest, c.stuck])) : '';
  });
  const [detail, setDetail] = useState<CellDetail | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [tick, setTick] = useState(0);
  const [pending, setPending] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad' | 'warn'; text: string } | null>(null);
  const [log, setLog] = useState<{ task: TaskSummary; text?: string; error?: AppError; truncated?: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    void client['images.cell.detail'](cell).then((r) => {
      if (!live) return;
      if (r.ok) {
        setDetail(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [client, cell, rowSignature, tick]);

  // While something replicates or an execution runs, look again every few seconds.
  const active = detail?.executions.some((e) => e.status === 'InProgress') ?? false;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setTick((n) => n + 1), 4_000);
    return () => clearInterval(t);
  }, [active]);

  const showLog = (task: TaskSummary) => {
    setLog({ task });
    void client['images.task.log']({ registryId: task.registryId, executionId: task.executionId, taskId: task.id }).then((r) =>
      setLog((cur) => (cur?.task.id === task.id ? (r.ok ? { task, text: r.value.text, truncated: r.value.truncated } : { task, error: r.error }) : cur)),
    );
  };

  const run = async (a: Action) => {
    setBusy(true);
    try {
      if (a.kind === 'start') {
        const r = await client['images.execution.start']({ registryId: a.policy.registryId, policyId: a.policy.id });
        setMessage(r.ok ? { tone: 'ok', text: `Execution ${r.value.executionId !== undefined ? `#${r.value.executionId} ` : ''}started on ${a.policy.registryId}.` } : { tone: 'bad', text: r.error.message });
      } else if (a.kind === 'stop') {
        const r = await client['images.execution.stop']({ registryId: a.execution.registryId, executionId: a.execution.id });
        setMessage(
          r.ok
            ? r.value.stopped
              ? { tone: 'ok', text: `Execution #${a.execution.id} is ${r.value.status} now.` }
              : { tone: 'warn', text: `Harbor accepted the stop but execution #${a.execution.id} is still ${r.value.status} (stuck executions often ignore the first stop). Stop it again.` }
            : { tone: 'bad', text: r.error.message },
        );
      } else {
        const r = await client['images.execution.retry']({ registryId: a.execution.registryId, executionId: a.execution.id });
        setMessage(r.ok ? { tone: 'ok', text: `New execution ${r.value.executionId !== undefined ? `#${r.value.executionId} ` : ''}started for the failed tasks.` } : { tone: 'bad', text: r.error.message });
      }
    } finally {
      setBusy(false);
      setPending(null);
      setTick((n) => n + 1);
      refreshBurst();
    }
  };

  const c = detail?.cell;
  const row = detail?.row;
  const confirm = pending ? actionText(pending, cell) : null;

  return (
    <aside className="img-detail img-panel" aria-label={`Replication of ${cell.repository}:${cell.tag} in ${cell.region}`} data-testid="images-detail" data-state={c?.state}>
      <header className="img-detail__head">
        <div>
          <h3 className="img-detail__title mono">
            {cell.repository}:{cell.tag}
          </h3>
          <div className="img-detail__sub">
            region <b>{cell.region}</b>{' '}
            {c ? (
              <span className={`badge badge--${stateTone[c.state]}`} data-testid="images-detail-state">
                {stateLabel[c.state]}
                {c.stuck ? ' · stuck' : ''}
              </span>
            ) : null}
          </div>
        </div>
        <button type="button" className="btn btn--ghost" onClick={() => close(null)} aria-label="Close replication details" data-testid="images-detail-close">
          ✕
        </button>
      </header>
      {error ? <ErrorBanner error={error} title="Could not read the replication details." /> : null}
      {detail === null && !error ? <Spinner size="sm" label="Reading executions and tasks…" /> : null}
      {row ? (
        <dl className="img-facts">
          <dt>Should be</dt>
          <dd className="mono" title={row.digest}>
            {shortDigest(row.digest) || (row.conflict ? <span className="text-warn">regions differ and no source region decides: mark the registry CI pushes to as the source</span> : '—')}
            {row.sourceRegion ? <span className="muted"> from {row.sourceRegion}</span> : null}
            {row.sourcePushedAt ? <span className="muted"> · pushed {formatElapsed(now - row.sourcePushedAt)} ago</span> : null}
          </dd>
          <dt>Here</dt>
          <dd className="mono" title={c?.digest}>
            {c?.state === 'not-followed' ? <span className="muted">not followed by this region's registry (its patterns, projects or list)</span> : c?.digest ? shortDigest(c.digest) : <span className="text-bad">not present</span>}
            {c?.lagMs !== undefined ? <span className="muted"> · {c.state === 'synced' ? `copied in ${formatElapsed(c.lagMs)}` : `behind for ${formatElapsed(c.lagMs)}`}</span> : null}
          </dd>
          {row.sources?.length ? (
            <>
              <dt>Found via</dt>
              <dd data-testid="images-row-sources">{row.sources.map((x) => sourceLabel[x] ?? x).join(', ')}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {message ? (
        <p className={`img-detail__message text-${message.tone === 'ok' ? 'ok' : message.tone}`} role="status" data-testid="images-action-message">
          {message.text}
        </p>
      ) : null}
      {detail ? (
        <>
          <section aria-label="Replication policies">
            <h4 className="img-detail__h">Policies into {cell.region}</h4>
            {detail.policies.length === 0 ? <p className="muted img-small">No replication policy copies into {cell.region} (or its source registry is not configured here).</p> : null}
            <ul className="img-list">
              {detail.policies.map((p) => (
                <li key={`${p.registryId}/${p.id}`} className="img-list__row" data-testid="images-policy" data-policy={p.name}>
                  <span className="img-policy">
                    <span className="mono">{p.name}</span>
                    <span className="muted img-small">
                      on {p.registryId} · {p.trigger ?? 'manual'}
                      {p.enabled ? '' : ' · disabled'}
                    </span>
                  </span>
                  <button type="button" className="btn" onClick={() => setPending({ kind: 'start', policy: p })} data-testid="images-start-execution">
                    Start execution…
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Executions">
            <h4 className="img-detail__h">Executions ({detail.executions.length})</h4>
            {detail.executions.length === 0 ? <p className="muted img-small">No recent execution replicates into {cell.region}.</p> : null}
            <ul className="img-list">
              {detail.executions.slice(0, 12).map((e) => (
                <li key={`${e.registryId}/${e.id}`} className={`img-list__row${e.stuck ? ' is-stuck' : ''}`} data-testid="images-execution" data-status={e.status} data-stuck={e.stuck || undefined}>
                  <span className={`badge badge--${execTone(e)}`}>{e.stuck ? 'stuck' : e.status}</span>
                  <span className="img-exec__what" title={`${e.policyName ?? `policy ${e.policyId}`} on ${e.registryId}`}>
                    #{e.id} <span className="muted">{e.trigger}</span>
                    {e.statusText ? <span className="muted"> · {e.statusText}</span> : null}
                  </span>
                  <span className="muted img-small img-exec__counts" title={`${e.succeed} succeeded, ${e.failed} failed, ${e.inProgress} in progress, ${e.stopped} stopped, of ${e.total} tasks`}>
                    {e.succeed}/{e.total} copied
                    {e.failed ? <b className="text-bad"> · {e.failed} failed</b> : null}
                    {e.inProgress ? ` · ${e.inProgress} running` : null}
                    {e.stopped ? ` · ${e.stopped} stopped` : null}
                  </span>
                  <span className="muted img-small">{e.startTime ? `${formatElapsed(now - e.startTime)} ago` : ''}</span>
                  <span className="img-list__actions">
                    {e.status === 'InProgress' ? (
                      <button type="button" className={`btn${e.stuck ? ' btn--warn' : ''}`} onClick={() => setPending({ kind: 'stop', execution: e })} data-testid="images-stop-execution">
                        Stop…
                      </button>
                    ) : null}
                    {e.failed > 0 && e.status !== 'InProgress' ? (
                      <button type="button" className="btn" onClick={() => setPending({ kind: 'retry', execution: e })} data-testid="images-retry-execution">
                        Retry failed…
                      </button>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Tasks for this image">
            <h4 className="img-detail__h">Tasks for this image ({detail.tasks.length})</h4>
            {detail.tasks.length === 0 ? <p className="muted img-small">No replication task copied {cell.repository}:{cell.tag} recently.</p> : null}
            <ul className="img-list">
              {detail.tasks.slice(0, 20).map((t) => (
                <li key={`${t.registryId}/${t.executionId}/${t.id}`} className={`img-list__row${log?.task.id === t.id ? ' is-selected' : ''}`} data-testid="images-task" data-status={t.status}>
                  <span className={`badge badge--${taskTone(t)}`}>{t.status}</span>
                  <span className="mono img-small img-task__what" title={`${t.srcResource ?? ''} → ${t.dstResource ?? ''}`}>
                    {t.operation ?? 'copy'} {t.srcResource ?? ''} <span className="muted">exec #{t.executionId}</span>
                  </span>
                  <span className="muted img-small">{t.startTime ? formatClock(t.startTime, now) : ''}</span>
                  <button type="button" className="btn btn--ghost" onClick={() => showLog(t)} data-testid="images-task-log-open">
                    Log
                  </button>
                </li>
              ))}
            </ul>
            {log ? (
              <div className="img-log" data-testid="images-task-log">
                <div className="img-log__head">
                  Task #{log.task.id} of execution #{log.task.executionId} ({log.task.registryId}){log.truncated ? ' · truncated' : ''}
                  <button type="button" className="btn btn--ghost" onClick={() => setLog(null)} aria-label="Close task log">
                    ✕
                  </button>
                </div>
                {log.error ? <ErrorBanner error={log.error} title="Could not read the task log." /> : log.text === undefined ? <Spinner size="xs" label="Reading the log…" /> : <pre className="img-log__text">{log.text || '(empty log)'}</pre>}
              </div>
            ) : null}
          </section>
          {detail.errors.map((e) => (
            <ErrorBanner key={e.registryId} error={e.error} title={`${e.registryId}:`} tone="warn" />
          ))}
        </>
      ) : null}
      {pending && confirm ? (
        <ConfirmDialog title={confirm.title} confirmLabel={confirm.label} danger={confirm.danger} busy={busy} onCancel={() => setPending(null)} onConfirm={() => void run(pending)}>
          <p>{confirm.body}</p>
        </ConfirmDialog>
      ) : null}
    </aside>
  );
}
