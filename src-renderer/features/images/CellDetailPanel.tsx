import { useEffect, useState } from 'react';
import type { ExecutionSummary, TaskSummary } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { useRequest } from '../../components/useRequest';
import { useAppStore } from '../../store';
import type { CellRef } from './images-slice';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { IMAGES_CONFIRM } from './images-confirm';
import { shortDigest, sourceLabel, stateLabel, stateTone } from './images-model';
import { actionText, useCellActions } from './cell-actions';
import { TaskLog } from './TaskLog';

const execTone = (e: ExecutionSummary) =>
  e.stuck ? 'warn' : e.status === 'Succeed' ? 'ok' : e.status === 'InProgress' ? 'busy' : e.status === 'Failed' ? 'bad' : 'muted';
const taskTone = (t: TaskSummary) =>
  t.status === 'Succeed' ? 'ok' : t.status === 'Failed' ? 'bad' : t.status === 'Stopped' ? 'muted' : 'busy';

export function CellDetailPanel({ cell }: { cell: CellRef }) {
  const client = useClient();
  const now = useNow();
  const close = useAppStore((s) => s.selectImageCell);
  // Re-read the detail whenever this row changes in the matrix (a refresh landed).
  const rowSignature = useAppStore((s) => {
    const row = s.imagesMatrix?.rows.find((r) => r.repository === cell.repository && r.tag === cell.tag);
    return row ? JSON.stringify(row.cells.map((c) => [c.state, c.digest, c.stuck])) : '';
  });
  const request = useRequest(() => client['images.cell.detail'](cell), [client, cell], rowSignature);
  const detail = request.data ?? null;
  const error = request.error;
  const { pending, setPending, busy, message, run } = useCellActions(request.retry);
  // Each opening of a task's log reads it again (`opened` tells two openings of one task apart).
  const [logOf, setLogOf] = useState<{ task: TaskSummary; opened: number } | null>(null);

  // While something replicates or an execution runs, look again every few seconds.
  const active = detail?.executions.some((e) => e.status === 'InProgress') ?? false;
  const { retry } = request;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(retry, 4_000);
    return () => clearInterval(t);
  }, [active, retry]);

  const c = detail?.cell;
  const row = detail?.row;
  const confirm = pending ? actionText(pending, cell) : null;

  return (
    <aside
      className="img-detail img-panel"
      aria-label={`Replication of ${cell.repository}:${cell.tag} in ${cell.region}`}
      data-testid="images-detail"
      data-state={c?.state}
    >
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
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => close(null)}
          aria-label="Close replication details"
          data-testid="images-detail-close"
        >
          ✕
        </button>
      </header>
      {error ? <ErrorBanner error={error} title="Could not read the replication details." /> : null}
      {detail === null && !error ? <Spinner size="sm" label="Reading executions and tasks…" /> : null}
      {row ? (
        <dl className="img-facts">
          <dt>Should be</dt>
          <dd className="mono" title={row.digest}>
            {shortDigest(row.digest) ||
              (row.conflict ? (
                <span className="text-warn">regions differ and no source region decides: mark the registry CI pushes to as the source</span>
              ) : (
                '—'
              ))}
            {row.sourceRegion ? <span className="muted"> from {row.sourceRegion}</span> : null}
            {row.sourcePushedAt ? <span className="muted"> · pushed {formatElapsed(now - row.sourcePushedAt)} ago</span> : null}
          </dd>
          <dt>Here</dt>
          <dd className="mono" title={c?.digest}>
            {c?.state === 'not-followed' ? (
              <span className="muted">not followed by this region's registry (its patterns, projects or list)</span>
            ) : c?.digest ? (
              shortDigest(c.digest)
            ) : (
              <span className="text-bad">not present</span>
            )}
            {c?.lagMs !== undefined ? (
              <span className="muted">
                {' '}
                · {c.state === 'synced' ? `copied in ${formatElapsed(c.lagMs)}` : `behind for ${formatElapsed(c.lagMs)}`}
              </span>
            ) : null}
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
        <p
          className={`img-detail__message text-${message.tone === 'ok' ? 'ok' : message.tone}`}
          role="status"
          data-testid="images-action-message"
        >
          {message.text}
        </p>
      ) : null}
      {detail ? (
        <>
          <section aria-label="Replication policies">
            <h4 className="img-detail__h">Policies into {cell.region}</h4>
            {detail.policies.length === 0 ? (
              <p className="muted img-small">
                No replication policy copies into {cell.region} (or its source registry is not configured here).
              </p>
            ) : null}
            <ul className="plain-list">
              {detail.policies.map((p) => (
                <li key={`${p.registryId}/${p.id}`} className="img-list__row" data-testid="images-policy" data-policy={p.name}>
                  <span className="img-policy">
                    <span className="mono">{p.name}</span>
                    <span className="muted img-small">
                      on {p.registryId} · {p.trigger ?? 'manual'}
                      {p.enabled ? '' : ' · disabled'}
                    </span>
                  </span>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => setPending({ kind: 'start', policy: p })}
                    data-testid="images-start-execution"
                  >
                    Start execution…
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Executions">
            <h4 className="img-detail__h">Executions ({detail.executions.length})</h4>
            {detail.executions.length === 0 ? <p className="muted img-small">No recent execution replicates into {cell.region}.</p> : null}
            <ul className="plain-list">
              {detail.executions.slice(0, 12).map((e) => (
                <li
                  key={`${e.registryId}/${e.id}`}
                  className={`img-list__row${e.stuck ? ' is-stuck' : ''}`}
                  data-testid="images-execution"
                  data-status={e.status}
                  data-stuck={e.stuck || undefined}
                >
                  <span className={`badge badge--${execTone(e)}`}>{e.stuck ? 'stuck' : e.status}</span>
                  <span className="img-exec__what" title={`${e.policyName ?? `policy ${e.policyId}`} on ${e.registryId}`}>
                    #{e.id} <span className="muted">{e.trigger}</span>
                    {e.statusText ? <span className="muted"> · {e.statusText}</span> : null}
                  </span>
                  <span
                    className="muted img-small img-exec__counts"
                    title={`${e.succeed} succeeded, ${e.failed} failed, ${e.inProgress} in progress, ${e.stopped} stopped, of ${e.total} tasks`}
                  >
                    {e.succeed}/{e.total} copied
                    {e.failed ? <b className="text-bad"> · {e.failed} failed</b> : null}
                    {e.inProgress ? ` · ${e.inProgress} running` : null}
                    {e.stopped ? ` · ${e.stopped} stopped` : null}
                  </span>
                  <span className="muted img-small">{e.startTime ? `${formatElapsed(now - e.startTime)} ago` : ''}</span>
                  <span className="img-list__actions">
                    {e.status === 'InProgress' ? (
                      <button
                        type="button"
                        className={`btn${e.stuck ? ' btn--warn' : ''}`}
                        onClick={() => setPending({ kind: 'stop', execution: e })}
                        data-testid="images-stop-execution"
                      >
                        Stop…
                      </button>
                    ) : null}
                    {e.failed > 0 && e.status !== 'InProgress' ? (
                      <button
                        type="button"
                        className="btn"
                        onClick={() => setPending({ kind: 'retry', execution: e })}
                        data-testid="images-retry-execution"
                      >
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
            {detail.tasks.length === 0 ? (
              <p className="muted img-small">
                No replication task copied {cell.repository}:{cell.tag} recently.
              </p>
            ) : null}
            <ul className="plain-list">
              {detail.tasks.slice(0, 20).map((t) => (
                <li
                  key={`${t.registryId}/${t.executionId}/${t.id}`}
                  className={`img-list__row${logOf?.task.id === t.id ? ' is-selected' : ''}`}
                  data-testid="images-task"
                  data-status={t.status}
                >
                  <span className={`badge badge--${taskTone(t)}`}>{t.status}</span>
                  <span className="mono img-small img-task__what" title={`${t.srcResource ?? ''} → ${t.dstResource ?? ''}`}>
                    {t.operation ?? 'copy'} {t.srcResource ?? ''} <span className="muted">exec #{t.executionId}</span>
                  </span>
                  <span className="muted img-small">{t.startTime ? formatClock(t.startTime, now) : ''}</span>
                  <button
                    type="button"
                    className="btn btn--ghost"
                    onClick={() => setLogOf((cur) => ({ task: t, opened: (cur?.opened ?? 0) + 1 }))}
                    data-testid="images-task-log-open"
                  >
                    Log
                  </button>
                </li>
              ))}
            </ul>
            {logOf ? <TaskLog key={`${logOf.task.id}-${logOf.opened}`} task={logOf.task} onClose={() => setLogOf(null)} /> : null}
          </section>
          {detail.errors.map((e) => (
            <ErrorBanner key={e.registryId} error={e.error} title={`${e.registryId}:`} tone="warn" />
          ))}
        </>
      ) : null}
      {pending && confirm ? (
        <ConfirmDialog
          testIds={IMAGES_CONFIRM}
          focus="cancel"
          title={confirm.title}
          confirmLabel={confirm.label}
          danger={confirm.danger}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => void run(pending)}
        >
          <p>{confirm.body}</p>
        </ConfirmDialog>
      ) : null}
    </aside>
  );
}
