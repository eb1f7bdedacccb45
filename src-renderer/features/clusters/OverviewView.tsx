import { useState } from 'react';
import { useClient } from '../../components/ClientContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { StaleNotice } from '../../components/StaleNotice';
import { useAppStore } from '../../store';
import { ClusterCard } from './ClusterCard';
import { ClusterSettings } from './ClusterSettings';
import { VaultBanner } from './VaultBanner';
import { useAction } from '../../components/useAction';

export function OverviewView() {
  const clusters = useAppStore((s) => s.clusters);
  const appInfo = useAppStore((s) => s.appInfo);
  const badSources = appInfo?.kubeconfigSources.filter((s) => s.error) ?? [];
  return (
    <section className="view view--overview" aria-label="Cluster overview">
      <VaultBanner />
      <StaleNotice testId="overview-stale" />
      <AddKubeconfig />
      <ClusterSettings />
      {badSources.map((s) => (
        <div key={s.path} className="banner banner--warn" role="alert" data-testid="kubeconfig-error">
          <div className="banner__text">
            <strong>Kubeconfig {s.path}:</strong> <span className="banner__message">{s.error}</span>
          </div>
        </div>
      ))}
      {clusters === null ? (
        <div className="center">
          <Spinner size="md" label="Loading clusters…" />
        </div>
      ) : clusters.length === 0 ? (
        <EmptyState title="No clusters configured">
          Capstan found no contexts in your kubeconfig files
          {appInfo ? ` (${appInfo.kubeconfigSources.map((s) => s.path).join(', ') || 'none'})` : ''}. Set KUBECONFIG or add ~/.kube/config,
          or start with <code>--sandbox</code> to try the simulated datacenter.
        </EmptyState>
      ) : (
        <div className="cards" data-testid="cluster-cards">
          {clusters.map((c) => (
            <ClusterCard key={c.id} cluster={c} />
          ))}
        </div>
      )}
    </section>
  );
}

/** Main asks the user for the file (its own dialog); the page never names a path. Browser mode explains how instead. */
function AddKubeconfig() {
  const client = useClient();
  const chooseAction = useAction(() => client['kubeconfig.choose']({}));
  const error = chooseAction.error;
  const [note, setNote] = useState('');
  const choose = async () => {
    setNote('');
    const r = await chooseAction.run();
    if (r.ok && r.value.path) setNote(`Added ${r.value.path} (${r.value.contexts} contexts).`);
  };
  return (
    <div className="overview__actions">
      <button type="button" className="btn" onClick={() => void choose()} data-testid="kubeconfig-choose">
        Add kubeconfig…
      </button>
      {note ? <span className="muted">{note}</span> : null}
      {error ? <ErrorBanner error={error} tone="warn" title="Kubeconfig not added." testId="kubeconfig-choose-error" /> : null}
    </div>
  );
}
