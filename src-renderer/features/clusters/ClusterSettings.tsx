import type { Result } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAppStore } from '../../store';
import { useRequest } from '../../components/useRequest';
import { useAction } from '../../components/useAction';

/**
 * Cluster settings on the overview: hidden clusters (show them again) and the kubeconfig files
 * Capstan reads (files the user added can be removed here; adding one is a main-process dialog).
 */
export function ClusterSettings() {
  const client = useClient();
  const clusters = useAppStore((s) => s.clusters);
  const appInfo = useAppStore((s) => s.appInfo);
  const setAppInfo = useAppStore((s) => s.setAppInfo);
  // Showing a cluster and removing a file report in one place: the last change's error.
  const change = useAction((call: () => Promise<Result<unknown>>) => call());
  const error = change.error;
  // The cluster list changes when a cluster is hidden or shown: read the hidden ones again then
  // (a failed read keeps the last list).
  const hidden = useRequest(() => client['clusters.hidden']({}), [client], clusters).data?.hidden ?? [];
  const show = (id: string) => change.run(() => client['clusters.setHidden']({ clusterId: id, hidden: false }));
  const remove = (path: string) =>
    change.run(async () => {
      const r = await client['kubeconfig.removePath']({ path });
      const info = await client['app.info']({});
      if (info.ok) setAppInfo(info.value);
      return r;
    });
  const sources = appInfo?.kubeconfigSources ?? [];
  return (
    <section className="cluster-settings" aria-label="Cluster settings" data-testid="cluster-settings">
      {error ? <ErrorBanner error={error} title="The change did not take." /> : null}
      {hidden.length ? (
        <div data-testid="hidden-clusters">
          <span className="muted">Hidden clusters:</span>{' '}
          {hidden.map((h) => (
            <span key={h.id} className="cluster-settings__item" data-cluster-id={h.id}>
              {h.id}{' '}
              <button
                type="button"
                className="btn btn--ghost"
                onClick={() => void show(h.id)}
                data-testid="cluster-show"
                aria-label={`Show ${h.id}`}
              >
                Show
              </button>
            </span>
          ))}
        </div>
      ) : null}
      {sources.some((s) => s.added) ? (
        <div data-testid="kubeconfig-sources">
          <span className="muted">Kubeconfig files you added:</span>{' '}
          {sources
            .filter((s) => s.added)
            .map((s) => (
              <span key={s.path} className="cluster-settings__item mono">
                {s.path}{' '}
                <button
                  type="button"
                  className="btn btn--ghost"
                  onClick={() => void remove(s.path)}
                  data-testid="kubeconfig-remove"
                  aria-label={`Remove ${s.path}`}
                >
                  Remove
                </button>
              </span>
            ))}
        </div>
      ) : null}
    </section>
  );
}
