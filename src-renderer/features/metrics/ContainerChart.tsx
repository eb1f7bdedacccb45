/**
 * One container's CPU and memory over the kept history, against its requests and limits, with
 * restart and OOM markers; refreshed after each sample round while shown.
 */
import { useMemo, useState } from 'react';
import type { ContainerRef, Series } from '../../../src-shared/metrics/contract';
import { formatBytes, formatCpu } from '../../../src-shared/metrics/quantity';
import { ChoiceButton } from '../../components/ChoiceButton';
import { useClient } from '../../components/ClientContext';
import { useRequest } from '../../components/useRequest';
import { useAppStore } from '../../store';
import { chartData, memorySummary, terminatedLabel } from './chart-data';
import { downloadCsv } from './download';
import { useOpenLogs } from './useOpenLogs';

type Scope = 'container' | 'pod' | 'deployment';
import { cssVar, UPlotChart, type SeriesSpec } from './UPlotChart';
import { isOomKill } from '../../../src-shared/workloads/oom';

/** The chart's colours, from the CSS variables of the theme it is drawn in (read again when it changes). */
const chartColors = (_theme: string) => ({
  ws: cssVar('--accent', '#2f6fd6'),
  rss: cssVar('--ok', '#1f7a44'),
  req: cssVar('--text-faint', '#8a939e'),
  lim: cssVar('--bad', '#b42318'),
});

export function ContainerChart({ target }: { target: ContainerRef }) {
  const client = useClient();
  const round = useAppStore((s) => s.metricsTop?.at);
  const theme = useAppStore((s) => s.theme);
  const focus = useAppStore((s) => s.focusContainer);
  const openLogs = useOpenLogs();
  const [scope, setScope] = useState<Scope>('container');
  // Read again with every metrics round; a failed read keeps the last series beside its error.
  const seriesRequest = useRequest(() => client['metrics.series'](target), [client, target], round);
  const series = seriesRequest.data ?? null;
  const error = seriesRequest.error;

  const deployment = series?.deployment;
  const aggName = scope === 'pod' ? target.pod : deployment;
  const aggRequest = useRequest(
    () =>
      scope === 'container' || !aggName
        ? undefined
        : client['metrics.aggregate']({ clusterId: target.clusterId, namespace: target.namespace, scope, name: aggName }),
    [client, target, scope, aggName],
    round,
  );
  const agg = useMemo<Series | null>(
    () => (aggRequest.data && !aggRequest.error ? { ...aggRequest.data, ref: target } : null),
    [aggRequest.data, aggRequest.error, target],
  );

  const shown = scope === 'container' ? series : agg;
  const data = useMemo(() => (shown ? chartData(shown) : null), [shown]);
  const colors = useMemo(() => chartColors(theme), [theme]);
  // Both charts draw the container's request and limit as dashed reference lines.
  const bounds: SeriesSpec[] = [
    { label: 'request', color: colors.req, dash: [6, 4] },
    { label: 'limit', color: colors.lim, dash: [6, 4] },
  ];

  return (
    <section className="metrics-detail card" aria-label="Container chart" data-testid="metrics-chart">
      <header className="metrics-detail__head">
        <div>
          <h3>
            {target.container}{' '}
            <span className="metrics-detail__where">
              {target.clusterId} · {target.namespace}/{target.pod}
            </span>
          </h3>
          {series ? (
            <p className="metrics-detail__facts">
              Memory {memorySummary(series)} · request {formatBytes(series.memoryRequest)} · CPU request {formatCpu(series.cpuRequest)}
              {series.cpuLimit ? ` · limit ${formatCpu(series.cpuLimit)}` : ' · no CPU limit'}
              {' · '}restarts {series.restarts}
              {series.state ? ` · now ${series.state}` : ''}
              {series.lastTerminated ? (
                <>
                  {' '}
                  · last terminated{' '}
                  <b className={isOomKill(series.lastTerminated) ? 'text-bad' : ''} data-testid="metrics-last-terminated">
                    {terminatedLabel(series.lastTerminated)}
                  </b>
                </>
              ) : null}
              {series.source ? ` · source ${series.source}` : ''}
            </p>
          ) : null}
        </div>
        <div className="metrics-detail__actions">
          <button type="button" className="btn" onClick={() => openLogs(target, false)} data-testid="metrics-open-logs">
            Logs
          </button>
          <button type="button" className="btn" onClick={() => focus(target, 'forensics')} data-testid="metrics-open-forensics">
            OOM forensics
          </button>
          <button type="button" className="btn" onClick={() => void downloadCsv(client, target)}>
            Export CSV
          </button>
          <button type="button" className="btn btn--ghost" onClick={() => focus(null)} aria-label="Close chart">
            ✕
          </button>
        </div>
      </header>
      <div className="segmented metrics-scope" role="radiogroup" aria-label="Aggregate">
        {(['container', 'pod', 'deployment'] as const).map((s) => (
          <ChoiceButton
            key={s}
            role="radio"
            selected={scope === s}
            disabled={s === 'deployment' && !deployment}
            onSelect={() => setScope(s)}
            testId={`metrics-scope-${s}`}
          >
            {s === 'container' ? 'Container' : s === 'pod' ? 'Pod (sum)' : `Deployment${deployment ? ` ${deployment}` : ''} (sum)`}
          </ChoiceButton>
        ))}
      </div>
      {error ? (
        <p className="metrics-detail__error" role="alert">
          {error.message}
        </p>
      ) : null}
      {data ? (
        <>
          <h4 className="metrics-detail__chart-title">Memory</h4>
          <UPlotChart
            testId="metrics-memory-chart"
            theme={theme}
            data={data.memory}
            markers={data.markers}
            yFormat={(v) => formatBytes(v)}
            series={[{ label: 'working set', color: colors.ws, width: 2 }, { label: 'RSS', color: colors.rss }, ...bounds]}
          />
          <h4 className="metrics-detail__chart-title">CPU</h4>
          <UPlotChart
            testId="metrics-cpu-chart"
            theme={theme}
            data={data.cpu}
            markers={data.markers}
            yFormat={(v) => formatCpu(v)}
            height={160}
            series={[{ label: 'CPU', color: colors.ws, width: 2 }, ...bounds]}
          />
          {data.markers.length ? (
            <ul className="metrics-detail__events" data-testid="metrics-events">
              {data.markers.map((m) => (
                <li key={`${m.x}-${m.label}`} className={m.kind === 'oom' ? 'text-bad' : 'text-warn'}>
                  {new Date(m.x * 1000).toLocaleTimeString()} · {m.label}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : !error ? (
        <p>Loading…</p>
      ) : null}
    </section>
  );
}
