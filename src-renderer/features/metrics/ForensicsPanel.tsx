/**
 * OOM forensics: for each kill the working-set curve before it against the limit, the terminated
 * state, the pod's events, and the last lines the killed container wrote (previous=true).
 */
import { useEffect, useMemo, useState } from 'react';
import type { ContainerRef, Forensics } from '../../../src-shared/metrics/contract';
import { formatBytes } from '../../../src-shared/metrics/quantity';
import { useClient } from '../../components/ClientContext';
import { useRequest } from '../../components/useRequest';
import { useAppStore } from '../../store';
import { eventLabel, terminatedLabel, withMarkerTimes } from './chart-data';
import { cssVar, UPlotChart } from './UPlotChart';
import { useOpenLogs } from './useOpenLogs';
import { isOomKill } from '../../../src-shared/workloads/oom';

function KillChart({ kill, limit, theme }: { kill: Forensics['kills'][number]; limit?: number; theme: string }) {
  const data = useMemo(() => {
    const { t, cols } = withMarkerTimes(
      kill.t.map((x) => x / 1000),
      [kill.workingSet],
      [kill.event.at / 1000],
    );
    return [t, cols[0]!, t.map(() => limit ?? null)] as [number[], (number | null)[], (number | null)[]];
  }, [kill, limit]);
  const markers = useMemo(() => [{ x: kill.event.at / 1000, kind: kill.event.kind, label: eventLabel(kill.event) }], [kill]);
  return (
    <figure className="metrics-kill" data-testid="metrics-kill">
      <figcaption className={kill.event.kind === 'oom' ? 'text-bad' : 'text-warn'}>
        {new Date(kill.event.at).toLocaleString()} · {eventLabel(kill.event)}
      </figcaption>
      {kill.t.length ? (
        <UPlotChart
          theme={theme}
          data={data}
          markers={markers}
          height={150}
          yFormat={(v) => formatBytes(v)}
          series={[
            { label: 'working set', color: cssVar('--accent', '#2f6fd6'), width: 2 },
            { label: 'limit', color: cssVar('--bad', '#b42318'), dash: [6, 4] },
          ]}
        />
      ) : (
        <p className="metrics-top__empty">No samples before this kill in the kept history (it happened before Capstan was watching).</p>
      )}
    </figure>
  );
}

/** When the last terminated instance ended (epoch ms), if known: the previous logs start a little before. */
const finishedAt = (f: Forensics | null): number | undefined => {
  const t = f?.lastTerminated?.finishedAt ? Date.parse(f.lastTerminated.finishedAt) : NaN;
  return Number.isFinite(t) ? t : f?.kills.at(-1)?.event.at;
};

export function ForensicsPanel({ target }: { target: ContainerRef }) {
  const client = useClient();
  const theme = useAppStore((s) => s.theme);
  const focus = useAppStore((s) => s.focusContainer);
  const openLogs = useOpenLogs();
  const round = useAppStore((s) => s.metricsTop?.at);
  // Refresh when a round brings a new kill, not on every round (events and logs cost requests).
  const [seenRound, setSeenRound] = useState(0);
  // A failed read keeps what was shown (the next kill asks again).
  const f = useRequest(() => client['metrics.forensics'](target), [client, target], seenRound).data ?? null;
  const killCount = f?.kills.length ?? 0;
  const restarts = useAppStore(
    (s) =>
      s.metricsTop?.lists.restarts.find((r) => r.clusterId === target.clusterId && r.pod === target.pod && r.container === target.container)
        ?.oomKills ?? 0,
  );
  useEffect(() => {
    if (restarts > killCount && round) setSeenRound(round);
  }, [restarts, killCount, round]);

  return (
    <section className="metrics-detail card" aria-label="OOM forensics" data-testid="metrics-forensics">
      <header className="metrics-detail__head">
        <div>
          <h3>
            OOM forensics · {target.container}{' '}
            <span className="metrics-detail__where">
              {target.clusterId} · {target.namespace}/{target.pod}
            </span>
          </h3>
          {f ? (
            <p className="metrics-detail__facts">
              Limit {formatBytes(f.memoryLimit)} · {f.kills.length} kill{f.kills.length === 1 ? '' : 's'} in history
              {f.lastTerminated ? (
                <>
                  {' '}
                  · last terminated <b className={isOomKill(f.lastTerminated) ? 'text-bad' : ''}>{terminatedLabel(f.lastTerminated)}</b>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        <div className="metrics-detail__actions">
          <button
            type="button"
            className="btn"
            onClick={() => openLogs(target, true, finishedAt(f))}
            title="The killed container's log in the log viewer, from a little before it ended"
            data-testid="forensics-open-logs"
          >
            Previous logs
          </button>
          <button type="button" className="btn" onClick={() => focus(target, 'chart')}>
            Chart
          </button>
          <button type="button" className="btn btn--ghost" onClick={() => focus(null)} aria-label="Close forensics">
            ✕
          </button>
        </div>
      </header>
      {!f ? (
        <p>Loading…</p>
      ) : (
        <>
          {f.kills.length === 0 ? (
            <p>No OOM kill of this container in the kept history.</p>
          ) : (
            f.kills.map((k) => <KillChart key={k.event.at} kill={k} limit={f.memoryLimit} theme={theme} />)
          )}
          <h4 className="metrics-detail__chart-title">Events of the pod</h4>
          {f.eventsError ? (
            <p className="metrics-detail__error">{f.eventsError}</p>
          ) : (
            <table className="metrics-events">
              <tbody>
                {f.events.slice(-15).map((e, i) => (
                  <tr key={i} className={e.type === 'Warning' ? 'text-warn' : ''}>
                    <td>{e.lastSeen ? new Date(e.lastSeen).toLocaleTimeString() : ''}</td>
                    <td>{e.type}</td>
                    <td>{e.reason}</td>
                    <td>{e.count > 1 ? `×${e.count}` : ''}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4 className="metrics-detail__chart-title">Last lines of the previous container</h4>
          {f.previousLogError ? (
            <p className="metrics-detail__error">{f.previousLogError}</p>
          ) : (
            <pre className="metrics-log" data-testid="metrics-previous-log">
              {f.previousLog.join('\n')}
            </pre>
          )}
        </>
      )}
    </section>
  );
}
