import { EmptyState } from '../../components/EmptyState';
import { Spinner } from '../../components/Spinner';
import { useAppStore } from '../../store';
import { ClusterCard } from './ClusterCard';
import { ClusterSettings } from './ClusterSettings';
import { VaultBanner } from './VaultBanner';

export function OverviewView() {
  const clusters = useAppStore((s) => s.clusters);
  const appInfo = useAppStore((s) => s.appInfo);
  const badSources = appInfo?.kubeconfigSources.filter((s) => s.error) ?? [];
  return (
    <section className="view view--overview" aria-label="Cluster overview">
      <VaultBanner />
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
          Capstan found no contexts in your kubeconfig files{appInfo ? ` (${appInfo.kubeconfigSources.map((s) => s.path).join(', ') || 'none'})` : ''}. Set KUBECONFIG or
          add ~/.kube/config, or start with <code>--sandbox</code> to try the simulated datacenter.
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
