import { useEffect, useRef, useState } from 'react';
import { formatBytes, formatCpu } from '../../../src-shared/metrics/quantity';
import type { DrainPod, DrainResult } from '../../../src-shared/nodes/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { loaded, useRequest } from '../../components/useRequest';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { StatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import './nodes.css';
import { useAction } from '../../components/useAction';

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

function Bar({
  label,
  used,
  total,
  format,
  testId,
}: {
  label: string;
  used: number;
  total: number;
  format: (n: number) => string;
  testId: string;
}) {
  const p = pct(used, total);
  return (
    <div className="node-bar" data-testid={testId} data-value={used} data-total={total}>
      <span className="node-bar__label">{label}</span>
      <span className="node-bar__track" aria-hidden>
        <span className={`node-bar__fill${p > 100 ? ' is-over' : p > 85 ? ' is-high' : ''}`} style={{ width: `${Math.min(100, p)}%` }} />
      </span>
      <span className="node-bar__text">
        {format(used)} / {format(total)} ({p}%)
      </span>
    </div>
  );
}

const actionLabel: Record<DrainPod['action'], string> = {
  evict: 'evict',
  'skip-daemonset': 'stays',
  'skip-mirror': 'stays',
  'skip-finished': 'nothing to do',
  'refuse-unmanaged': 'refused',
  'refuse-emptydir': 'refused',
};

const clock = (ms: number) => new Date(ms).toLocaleTimeString();
const FINAL: ReadonlySet<DrainResult['outcome']> = new Set(['evicted', 'blocked', 'failed', 'skipped', 'stopped']);
type DrainRun = { state: 'running' | 'done' | 'stopped'; pods: DrainResult[]; deadline: number; error?: AppError };

/**
 * Preview, then a drain that reports per pod as it goes: evictions a PodDisruptionBudget refuses
 * are retried with back-off until the timeout; Stop (or closing the panel) ends the drain.
 */
function DrainDialog({ clusterId, name, onDone }: { clusterId: string; name: string; onDone: () => void }) {
  const client = useClient();
  const preview = loaded(
    useRequest(() => client['nodes.drainPreview']({ clusterId, name }), [client, clusterId, name]),
    'hide',
  );
  const [run, setRun] = useState<DrainRun | null>(null);
  const [timeoutS, setTimeoutS] = useState(300);
  const stopRef = useRef<(() => void) | null>(null);
  useEffect(() => () => stopRef.current?.(), []);
  const drain = () => {
    setRun({ state: 'running', pods: [], deadline: Date.now() + timeoutS * 1000 });
    stopRef.current = client['nodes.drain'](
      { clusterId, name, confirmed: true, timeoutSeconds: timeoutS },
      (e) => {
        setRun({
          state: e.done || e.error ? 'done' : 'running',
          pods: e.pods,
          deadline: e.deadline,
          ...(e.error ? { error: e.error } : {}),
        });
        if (e.done || e.error) {
          stopRef.current?.();
          stopRef.current = null;
          onDone();
        }
      },
      (error) => setRun((r) => ({ state: 'done', pods: r?.pods ?? [], deadline: r?.deadline ?? 0, error })),
    );
  };
  const stop = () => {
    stopRef.current?.();
    stopRef.current = null;
    // Main sends nothing after the stop; what had not moved stays where it is.
    setRun(
      (r) =>
        r && {
          ...r,
          state: 'stopped',
          pods: r.pods.map((p) =>
            FINAL.has(p.outcome) ? p : { ...p, outcome: 'stopped', message: 'Stopped before it was evicted: the pod stays on the node.' },
          ),
        },
    );
    onDone();
  };
  if (preview.status === 'loading') return <Spinner label="Working out what would move…" />;
  if (preview.status === 'error') return <ErrorBanner error={preview.error} title="Could not preview the drain." />;
  const moving = preview.value.pods.filter((p) => p.action === 'evict');
  const byPod = new Map((run?.pods ?? []).map((r) => [`${r.namespace}/${r.name}`, r]));
  const evicted = run?.pods.filter((p) => p.outcome === 'evicted').length ?? 0;
  return (
    <div className="drain" data-testid="drain-preview" data-blocked={preview.value.blocked} data-state={run?.state ?? ''}>
      <p>
        Draining <strong>{name}</strong> cordons it, then evicts {moving.length} pod{moving.length === 1 ? '' : 's'} through the Eviction
        API: their controllers start them elsewhere. A PodDisruptionBudget that allows no disruption now is asked again with back-off until
        the timeout, as <code>kubectl drain --timeout</code> does.
      </p>
      <table className="drain__table">
        <tbody>
          {preview.value.pods.map((p) => {
            const r = byPod.get(`${p.namespace}/${p.name}`);
            return (
              <tr
                key={`${p.namespace}/${p.name}`}
                data-testid="drain-pod"
                data-name={p.name}
                data-action={p.action}
                data-outcome={r?.outcome ?? ''}
                data-attempts={r?.attempts ?? 0}
              >
                <td className="mono">
                  {p.namespace}/{p.name}
                </td>
                <td>
                  <StatusBadge tone={p.action === 'evict' ? 'busy' : p.action.startsWith('refuse') ? 'bad' : 'muted'}>
                    {actionLabel[p.action]}
                  </StatusBadge>
                </td>
                <td className="muted">{p.note}</td>
                <td>
                  {r && r.outcome !== 'skipped' ? (
                    <span
                      className={
                        r.outcome === 'evicted'
                          ? 'text-ok'
                          : r.outcome === 'retrying' || r.outcome === 'evicting' || r.outcome === 'pending'
                            ? 'text-warn'
                            : 'text-bad'
                      }
                    >
                      {r.message === r.outcome ? r.outcome : `${r.outcome}: ${r.message}`}
                      {r.retryAt !== undefined && r.outcome === 'retrying' ? ` at ${clock(r.retryAt)} (attempt ${r.attempts + 1})` : ''}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {preview.value.blocked ? (
        <ErrorBanner
          tone="warn"
          error={{
            message: 'Some pods cannot be moved safely (refused above). kubectl drain refuses in this case too; move or delete them first.',
          }}
          title="Drain not possible."
        />
      ) : null}
      {run?.error ? <ErrorBanner error={run.error} title="Drain failed." /> : null}
      {run === null ? (
        <div className="drain__actions">
          <label className="field field--inline">
            retry refused evictions for{' '}
            <input
              type="number"
              min={1}
              max={86400}
              value={timeoutS}
              onChange={(e) => setTimeoutS(Math.max(1, Math.min(86400, Number(e.target.value) || 1)))}
              data-testid="drain-timeout"
              style={{ width: '7ch' }}
            />{' '}
            s
          </label>
          <button type="button" className="btn btn--danger" onClick={drain} disabled={preview.value.blocked} data-testid="drain-confirm">
            Cordon and evict {moving.length} pod{moving.length === 1 ? '' : 's'}
          </button>
        </div>
      ) : run.state === 'running' ? (
        <div className="drain__actions">
          <Spinner label={`Evicting: ${evicted} of ${moving.length} done; refused evictions are retried until ${clock(run.deadline)}…`} />
          <button type="button" className="btn" onClick={stop} data-testid="drain-stop">
            Stop
          </button>
        </div>
      ) : (
        <p data-testid="drain-summary">
          {run.state === 'stopped' ? 'Stopped' : 'Finished'}: {evicted} of {moving.length} evicted.
        </p>
      )}
    </div>
  );
}

/** The Node drawer's own part: health, allocation, pods, and cordon / uncordon / drain. */
export function NodePanel({ clusterId, name }: { clusterId: string; name: string }) {
  const client = useClient();
  const now = useNow();
  const detail = useRequest(() => client['nodes.detail']({ clusterId, name }), [client, clusterId, name]);
  // A reload (after cordon, uncordon or a drain) keeps the node on screen until the answer.
  const state = loaded(detail, 'keep');
  const reload = detail.retry;
  const [draining, setDraining] = useState(false);
  const schedulableAction = useAction((schedulable: boolean) => client['nodes.setSchedulable']({ clusterId, name, schedulable }));
  const actionError = schedulableAction.error;
  const setSchedulable = async (schedulable: boolean) => {
    await schedulableAction.run(schedulable);
    reload();
  };
  if (state.status === 'loading') return <Spinner label="Loading the node…" />;
  if (state.status === 'error') return <ErrorBanner error={state.error} title="Could not load the node." />;
  const n = state.value;
  const pressure = n.conditions.filter((c) => c.bad);
  return (
    <section className="drawer__section node-panel" data-testid="node-panel" data-name={name} data-unschedulable={n.unschedulable}>
      <div className="node-panel__actions">
        {n.unschedulable ? (
          <button type="button" className="btn" onClick={() => void setSchedulable(true)} data-testid="node-uncordon">
            Uncordon
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => void setSchedulable(false)} data-testid="node-cordon">
            Cordon
          </button>
        )}
        <button type="button" className="btn" onClick={() => setDraining((d) => !d)} data-testid="node-drain">
          {draining ? 'Close drain' : 'Drain…'}
        </button>
        {n.unschedulable ? <StatusBadge tone="warn">SchedulingDisabled</StatusBadge> : null}
        {pressure.length ? (
          pressure.map((c) => (
            <StatusBadge key={c.type} tone="bad">
              {c.type === 'Ready' ? 'NotReady' : c.type}
            </StatusBadge>
          ))
        ) : (
          <StatusBadge tone="ok">healthy</StatusBadge>
        )}
      </div>
      {actionError ? <ErrorBanner error={actionError} title="The node did not change." /> : null}
      {draining ? <DrainDialog clusterId={clusterId} name={name} onDone={reload} /> : null}
      <h3>Conditions</h3>
      <ul data-testid="node-conditions">
        {n.conditions.map((c) => (
          <li key={c.type} data-type={c.type} data-status={c.status} className={c.bad ? 'text-bad' : undefined}>
            <strong>{c.type}</strong> {c.status}
            {c.reason ? <span className="muted"> · {c.reason}</span> : null}
            {c.since ? <span className="muted"> · {formatElapsed(now - c.since)}</span> : null}
            {c.message ? <div className="muted">{c.message}</div> : null}
          </li>
        ))}
      </ul>
      <h3>Allocation</h3>
      <Bar label="CPU requests" used={n.requests.cpu} total={n.allocatable.cpu} format={formatCpu} testId="node-cpu-requests" />
      <Bar label="CPU limits" used={n.limits.cpu} total={n.allocatable.cpu} format={formatCpu} testId="node-cpu-limits" />
      {n.usage ? <Bar label="CPU used" used={n.usage.cpu} total={n.allocatable.cpu} format={formatCpu} testId="node-cpu-usage" /> : null}
      <Bar
        label="Memory requests"
        used={n.requests.memory}
        total={n.allocatable.memory}
        format={formatBytes}
        testId="node-memory-requests"
      />
      <Bar label="Memory limits" used={n.limits.memory} total={n.allocatable.memory} format={formatBytes} testId="node-memory-limits" />
      {n.usage ? (
        <Bar label="Memory used" used={n.usage.memory} total={n.allocatable.memory} format={formatBytes} testId="node-memory-usage" />
      ) : (
        <p className="muted">{n.usageError}</p>
      )}
      <Bar
        label="Pods"
        used={n.pods.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed').length}
        total={n.allocatable.pods}
        format={String}
        testId="node-pods-count"
      />
      {n.taints.length ? (
        <p className="muted" data-testid="node-taints">
          Taints: {n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')}
        </p>
      ) : null}
      <h3>Pods ({n.pods.length})</h3>
      <ul data-testid="node-pods">
        {n.pods.map((p) => (
          <li key={`${p.namespace}/${p.name}`} data-name={p.name}>
            <span className="mono">
              {p.namespace}/{p.name}
            </span>{' '}
            <span className="muted">
              {p.phase} · {formatCpu(p.cpuRequest)} · {formatBytes(p.memoryRequest)}
              {p.owner ? ` · ${p.owner}` : ' · no controller'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
