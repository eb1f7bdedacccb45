/**
 * The four top lists across clusters. Each row names its container and opens its chart; the
 * restarts list opens OOM forensics directly when the container was OOM-killed. The link beside a
 * row opens its logs: around the last restart or OOM kill (the killed instance, from a little
 * before) in the restarts list, the current ones elsewhere.
 */
import type { TopListKind, TopRow } from '../../../src-shared/metrics/contract';
import { formatBytes, formatCpu } from '../../../src-shared/metrics/quantity';
import { useAppStore } from '../../store';
import './top-links.css';
import { useOpenLogs } from './useOpenLogs';

const titles: Record<TopListKind, { title: string; hint: string }> = {
  memory: { title: 'Memory vs limit', hint: 'Working set as % of the memory limit' },
  growth: { title: 'Fastest growing memory', hint: 'Working-set growth since the last restart (last 10 min)' },
  restarts: { title: 'Most restarts', hint: 'Restart count; OOM kills from lastState.terminated.reason' },
  cpu: { title: 'CPU vs limit / request', hint: 'CPU as % of the limit (or request). Throttling itself needs Prometheus.' },
  throttled: { title: 'Most throttled', hint: 'Share of CFS periods throttled over 5 min (from Prometheus)' },
};

function value(kind: TopListKind, r: TopRow): string {
  switch (kind) {
    case 'memory':
      return r.memoryPct !== undefined ? `${Math.round(r.memoryPct)}% · ${formatBytes(r.workingSet)}` : formatBytes(r.workingSet);
    case 'growth':
      return `+${formatBytes(r.growthPerMin)}/min`;
    case 'restarts':
      return `${r.restarts}${r.oomKills ? ` · ${r.oomKills} OOM` : ''}`;
    case 'cpu':
      return r.cpuPct !== undefined ? `${Math.round(r.cpuPct)}% · ${formatCpu(r.cpuCores)}` : formatCpu(r.cpuCores);
    case 'throttled':
      return `${Math.round(r.throttledPct ?? 0)}% throttled`;
  }
}

function TopList({ kind, rows }: { kind: TopListKind; rows: TopRow[] }) {
  const focus = useAppStore((s) => s.focusContainer);
  const current = useAppStore((s) => s.metricsFocus);
  const openLogs = useOpenLogs();
  // When the pod's last container ended (the pod summaries carry it): where "around the event" is.
  // Read on click, so the lists do not re-render with every pod change.
  const lastEnd = (r: TopRow) =>
    useAppStore.getState().pods.find((p) => p.clusterId === r.clusterId && p.namespace === r.namespace && p.name === r.pod)
      ?.lastTerminationAt;
  const t = titles[kind];
  return (
    <section className="metrics-top card" aria-label={t.title} data-testid={`metrics-top-${kind}`}>
      <h3 className="metrics-top__title" title={t.hint}>
        {t.title}
      </h3>
      {rows.length === 0 ? <p className="metrics-top__empty">Nothing yet.</p> : null}
      <ol className="metrics-top__list">
        {rows.map((r) => {
          const selected =
            current &&
            current.clusterId === r.clusterId &&
            current.namespace === r.namespace &&
            current.pod === r.pod &&
            current.container === r.container;
          const warn = kind === 'memory' ? (r.memoryPct ?? 0) >= 90 : kind === 'restarts' ? r.oomKills > 0 : false;
          return (
            <li key={`${r.clusterId}/${r.namespace}/${r.pod}/${r.container}`} className="metrics-top__item">
              <button
                type="button"
                className={`metrics-top__row${selected ? ' is-selected' : ''}${warn ? ' is-bad' : ''}${r.ended ? ' is-ended' : ''}`}
                data-testid="metrics-top-row"
                data-cluster={r.clusterId}
                data-pod={r.pod}
                data-container={r.container}
                data-app={r.app ?? ''}
                data-oom={r.oomKills}
                title={`${r.clusterId} · ${r.namespace}/${r.pod} · ${r.container}${r.lastReason ? ` · last: ${r.lastReason}` : ''}`}
                onClick={() =>
                  focus(
                    { clusterId: r.clusterId, namespace: r.namespace, pod: r.pod, container: r.container },
                    kind === 'restarts' && r.oomKills > 0 ? 'forensics' : 'chart',
                  )
                }
              >
                <span className="metrics-top__who">
                  <b>{r.app ?? r.container}</b>{' '}
                  <span className="metrics-top__where">
                    {r.clusterId} · {r.pod}
                  </span>
                </span>
                <span className="metrics-top__value">{value(kind, r)}</span>
                {/* The values are the ended instance's last ones (killed, exited, pod deleted), not current. */}
                {r.ended ? (
                  <span
                    className="metrics-top__ended"
                    data-testid="metrics-top-ended"
                    title="These are the last values of an instance that no longer runs"
                  >
                    {r.ended.reason === 'pod deleted' ? 'pod deleted' : `ended: ${r.ended.reason}`}
                  </span>
                ) : null}
              </button>
              {kind === 'restarts' && r.restarts > 0 ? (
                <button
                  type="button"
                  className="btn btn--link metrics-top__logs"
                  data-testid="metrics-top-logs"
                  data-previous="true"
                  title="The killed instance's logs, from a little before its last restart"
                  onClick={() => {
                    const at = lastEnd(r);
                    openLogs(r, true, at);
                  }}
                >
                  logs
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn--link metrics-top__logs"
                  data-testid="metrics-top-logs"
                  title="The container's current logs"
                  onClick={() => openLogs(r, false)}
                >
                  logs
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function TopLists({ lists }: { lists: Record<TopListKind, TopRow[]> }) {
  return (
    <div className="metrics-tops">
      {(['memory', 'growth', 'restarts', 'cpu'] as const).map((k) => (
        <TopList key={k} kind={k} rows={lists[k]} />
      ))}
      {lists.throttled.length ? <TopList kind="throttled" rows={lists.throttled} /> : null}
    </div>
  );
}
