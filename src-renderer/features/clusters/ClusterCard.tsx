import { useMemo } from 'react';
import type { ClusterInfo } from '../../../src-shared/clusters/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FreshnessBadge } from '../../components/FreshnessBadge';
import { formatClock } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { STALE_REASON, staleLabel } from '../../components/stale';
import { useAppStore } from '../../store';
import { useAction } from '../../components/useAction';

function Count({
  label,
  value,
  tone,
  onClick,
  testId,
}: {
  label: string;
  value: number;
  tone?: 'bad';
  onClick?: () => void;
  testId: string;
}) {
  const body = (
    <>
      <span className={`count__value${tone ? ` text-${tone}` : ''}`}>{value.toLocaleString()}</span>
      <span className="count__label">{label}</span>
    </>
  );
  return onClick ? (
    <button type="button" className="count count--link" onClick={onClick} data-testid={testId} data-value={value}>
      {body}
    </button>
  ) : (
    <div className="count" data-testid={testId} data-value={value}>
      {body}
    </div>
  );
}

export function ClusterCard({ cluster }: { cluster: ClusterInfo }) {
  const client = useClient();
  const setView = useAppStore((s) => s.setView);
  const setFilter = useAppStore((s) => s.setFilter);
  const setWorkloadKind = useAppStore((s) => s.setWorkloadKind);
  const now = useNow();
  // Reconnect, and hiding the cluster: their errors show in one place.
  const reconnectAction = useAction(() => client['clusters.reconnect']({ clusterId: cluster.id }));
  const { busy: reconnecting, error: actionError, setError: setActionError } = reconnectAction;
  const { counts } = cluster;
  const deployments = useAppStore((s) => s.deployments);
  // Until it has synced, the cluster's Deployments from the saved snapshot are what is known of it.
  const lastKnown = useMemo(() => {
    let n = 0;
    let at: number | undefined;
    for (const d of deployments) {
      if (d.clusterId !== cluster.id || d.staleAsOf === undefined) continue;
      n++;
      at = d.staleAsOf;
    }
    return at === undefined ? undefined : { n, at };
  }, [deployments, cluster.id]);
  const waiting = cluster.state === 'connecting' || cluster.state === 'idle';

  const reconnect = () => void reconnectAction.run();

  const showWorkloads = (kind: 'Pod' | 'Deployment') => {
    setFilter('cluster', cluster.id);
    setWorkloadKind(kind);
    setView('workloads');
  };

  return (
    <article
      className={`card card--${cluster.state}`}
      aria-label={`Cluster ${cluster.id}`}
      data-testid="cluster-card"
      data-cluster-id={cluster.id}
      data-state={cluster.state}
    >
      <header className="card__header">
        <div className="card__titles">
          <h3 className="card__title">{cluster.id}</h3>
          <div className="card__sub">
            <span title="Datacenter">{cluster.datacenter}</span>
            <span className="sep">·</span>
            <span className="mono" title={`${cluster.server} (from ${cluster.source})`}>
              {cluster.server || 'no server'}
            </span>
          </div>
        </div>
        {cluster.insecure ? <InsecureBadge insecure={cluster.insecure} /> : null}
        <FreshnessBadge state={cluster.state} since={cluster.since} testId="cluster-state" />
      </header>
      <div className="card__meta">
        <span>
          Kubernetes <b data-testid="cluster-version">{cluster.version ?? '—'}</b>
        </span>
        {cluster.lastSyncedAt ? <span className="muted">synced {formatClock(cluster.lastSyncedAt, now)}</span> : null}
        {cluster.contextName !== cluster.id ? <span className="muted">context {cluster.contextName}</span> : null}
      </div>
      {lastKnown ? (
        <div className="card__meta text-warn" title={STALE_REASON} data-testid="cluster-last-known">
          Last known: {lastKnown.n.toLocaleString()} Deployments, {staleLabel(lastKnown.at)}
        </div>
      ) : null}
      {waiting ? (
        <div className="card__loading">
          <Spinner label={cluster.state === 'idle' ? 'Waiting to connect…' : `Connecting to ${cluster.id}…`} />
        </div>
      ) : cluster.state === 'error' && !cluster.lastSyncedAt ? null : (
        <div className="card__counts">
          <Count label="nodes" value={counts.nodes} testId="count-nodes" />
          <Count label="pods" value={counts.pods} onClick={() => showWorkloads('Pod')} testId="count-pods" />
          <Count label="deployments" value={counts.deployments} onClick={() => showWorkloads('Deployment')} testId="count-deployments" />
          <Count
            label="problems"
            value={counts.problems}
            tone={counts.problems > 0 ? 'bad' : undefined}
            onClick={() => setView('problems')}
            testId="count-problems"
          />
        </div>
      )}
      {cluster.error ? (
        <ErrorBanner error={cluster.error} tone={cluster.state === 'error' ? 'bad' : 'warn'} testId="cluster-error" />
      ) : null}
      {actionError ? <ErrorBanner error={actionError} title="Reconnect failed." testId="cluster-action-error" /> : null}
      <footer className="card__footer">
        <button
          type="button"
          className="btn"
          onClick={reconnect}
          disabled={reconnecting}
          data-testid="cluster-reconnect"
          aria-label={`Reconnect ${cluster.id}`}
        >
          {reconnecting ? <Spinner size="xs" /> : '↻'} Reconnect
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() =>
            void client['clusters.setHidden']({ clusterId: cluster.id, hidden: true }).then((r) => !r.ok && setActionError(r.error))
          }
          data-testid="cluster-hide"
          title="Hide this cluster everywhere (not connected) until you show it again below"
          aria-label={`Hide ${cluster.id}`}
        >
          Hide
        </button>
      </footer>
    </article>
  );
}

const insecureText = {
  http: ['Not encrypted', 'Plain http: credentials and data cross the network in clear. Use an https server URL.'],
  'skip-tls-verify': [
    'TLS not verified',
    'insecure-skip-tls-verify is set: anyone on the network path can pose as this API server. Set a certificate-authority instead.',
  ],
} as const;

/** Every view of a cluster shows when its connection is not protected. */
export function InsecureBadge({ insecure }: { insecure: NonNullable<ClusterInfo['insecure']> }) {
  const [label, why] = insecureText[insecure];
  return (
    <span className="badge badge--bad" title={why} aria-label={`${label}: ${why}`} data-testid="cluster-insecure" data-insecure={insecure}>
      ⚠ {label}
    </span>
  );
}
