/**
 * Container metrics across clusters: each cluster's sources (and what is missing, in words), the
 * top lists, and the focused container's chart or OOM forensics.
 */
import { useEffect, useState } from 'react';
import type { ClusterMetrics } from '../../../src-shared/metrics/contract';
import { useClient } from '../../components/ClientContext';
import { downloadCsv } from './download';
import { useAppStore } from '../../store';
import { watchMetrics } from './metrics-bridge';
import { ContainerChart } from './ContainerChart';
import { ForensicsPanel } from './ForensicsPanel';
import './metrics.css';
import { SettingsPanel } from './SettingsPanel';
import { historyText, pacingText } from './status-text';
import { TopLists } from './TopLists';

const badge = (state: string) =>
  state === 'ok'
    ? 'badge--ok'
    : state === 'unknown' || state === 'unconfigured'
      ? 'badge--muted'
      : state === 'timeout'
        ? 'badge--warn'
        : 'badge--bad';
const sourceName = { 'kubelet-summary': 'kubelet', 'metrics-api': 'metrics-server', prometheus: 'Prometheus' } as const;

function Sources({ clusters }: { clusters: ClusterMetrics[] }) {
  return (
    <div className="metrics-sources" data-testid="metrics-sources">
      {clusters.map((c) => (
        <div key={c.clusterId} className="metrics-sources__cluster" data-cluster={c.clusterId}>
          <b>{c.clusterId}</b> <span className="metrics-sources__count">{c.containers} containers</span>
          {c.sources.map((s) => (
            <span key={s.kind} className={`badge ${badge(s.state)}`} title={s.message ?? s.state} data-source={s.kind} data-state={s.state}>
              {sourceName[s.kind]}: {s.state}
            </span>
          ))}
          {c.sources
            .filter((s) => s.state !== 'ok' && s.state !== 'unknown' && s.state !== 'unconfigured' && s.message)
            .map((s) => (
              <div key={`${s.kind}-m`} className="metrics-sources__message">
                {s.message}
              </div>
            ))}
        </div>
      ))}
    </div>
  );
}

export function MetricsView() {
  const client = useClient();
  // While the view is open: the top lists enter the store through the metrics bridge.
  useEffect(() => watchMetrics(client, useAppStore), [client]);
  const top = useAppStore((s) => s.metricsTop);
  const error = useAppStore((s) => s.metricsError);
  const focus = useAppStore((s) => s.metricsFocus);
  const panel = useAppStore((s) => s.metricsPanel);
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <section className="view view--metrics" aria-label="Container metrics">
      {error ? (
        <p className="metrics-detail__error" role="alert" data-testid="metrics-error">
          {error}
        </p>
      ) : null}
      {top ? (
        <>
          <Sources clusters={top.clusters} />
          <p className="metrics-status" data-testid="metrics-history">
            {historyText(top.history)}.
          </p>
          <div className="metrics-toolbar">
            <p className="metrics-note" data-testid="metrics-pacing">
              {pacingText(top.pacing)} · last round {new Date(top.at).toLocaleTimeString()} · memory is the working set (what the OOM killer
              and <code>kubectl top</code> use).
            </p>
            <button type="button" className="btn btn--ghost" onClick={() => void downloadCsv(client, {})}>
              Export all (CSV)
            </button>
            <button
              type="button"
              className="btn btn--ghost"
              onClick={() => setSettingsOpen((o) => !o)}
              aria-expanded={settingsOpen}
              data-testid="metrics-settings-toggle"
            >
              Settings
            </button>
          </div>
          {settingsOpen ? (
            <SettingsPanel
              clusterIds={top.clusters.map((c) => c.clusterId)}
              pacing={top.pacing}
              history={top.history}
              onClose={() => setSettingsOpen(false)}
            />
          ) : null}
          <div className={`metrics-layout${focus ? ' has-detail' : ''}`}>
            <TopLists lists={top.lists} />
            {focus ? (
              panel === 'forensics' ? (
                <ForensicsPanel key={`f-${focus.clusterId}/${focus.namespace}/${focus.pod}/${focus.container}`} target={focus} />
              ) : (
                <ContainerChart key={`c-${focus.clusterId}/${focus.namespace}/${focus.pod}/${focus.container}`} target={focus} />
              )
            ) : null}
          </div>
        </>
      ) : (
        <p data-testid="metrics-waiting">Waiting for the first sample round…</p>
      )}
    </section>
  );
}
