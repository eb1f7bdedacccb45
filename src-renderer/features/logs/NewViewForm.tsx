/**
 * Opens a log view (a Deployment, a release group, a label selector or one pod, across the
 * chosen clusters) or a shell in a pod's container. Suggestions come from the workloads already
 * in the store; nothing here needs a round trip.
 */
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LogSelection } from '../../../src-shared/logs/contract';
import { containerLogFiles } from '../../../src-shared/logs/contract';
import { useAppStore } from '../../store';

type Kind = LogSelection['target']['kind'];

export function NewViewForm() {
  const clusterIds = useAppStore(useShallow((s) => (s.clusters ?? []).map((c) => c.id)));
  const deployments = useAppStore((s) => s.deployments);
  const pods = useAppStore((s) => s.pods);
  const openLogTab = useAppStore((s) => s.openLogTab);
  const [kind, setKind] = useState<Kind>('deployment');
  const [namespace, setNamespace] = useState('shop');
  const [name, setName] = useState('');
  const [app, setApp] = useState('');
  const [group, setGroup] = useState('');
  const [selector, setSelector] = useState('');
  const [file, setFile] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const clusters = chosen.length ? chosen : clusterIds;
  const names = useMemo(
    () =>
      [
        ...new Set(
          (kind === 'pod' ? pods : deployments)
            .filter((d) => clusters.includes(d.clusterId) && d.namespace === namespace)
            .map((d) => d.name),
        ),
      ].sort(),
    [kind, pods, deployments, namespace, clusters],
  );
  const apps = useMemo(() => [...new Set(deployments.map((d) => d.app).filter(Boolean) as string[])].sort(), [deployments]);

  const target = (): LogSelection['target'] | undefined => {
    if (kind === 'deployment' || kind === 'pod') return name ? { kind, name } : undefined;
    if (kind === 'group') return app && group ? { kind, app, group } : undefined;
    return selector ? { kind, labelSelector: selector } : undefined;
  };
  const t = target();
  const openLogs = () => {
    if (!t) return;
    const what = t.kind === 'group' ? `${t.app}/${t.group}` : t.kind === 'selector' ? t.labelSelector : t.name;
    openLogTab({
      kind: 'logs',
      title: `${what}${file ? ` ${file.split('/').pop()}` : ''}`,
      selection: {
        clusterIds: clusters,
        namespace: namespace || undefined,
        target: t,
        ...(file ? { file: file as LogSelection['file'] } : {}),
      },
    });
  };
  const openShell = () => {
    const pod = pods.find((p) => p.name === name && clusters.includes(p.clusterId) && p.namespace === namespace);
    if (pod)
      openLogTab({ kind: 'shell', title: `sh ${pod.name}`, target: { clusterId: pod.clusterId, namespace: pod.namespace, pod: pod.name } });
  };

  return (
    <form
      className="log-new"
      onSubmit={(e) => {
        e.preventDefault();
        openLogs();
      }}
      data-testid="log-new"
    >
      <fieldset className="log-new-clusters">
        <legend>Clusters</legend>
        {clusterIds.map((id) => (
          <label key={id}>
            <input
              type="checkbox"
              checked={clusters.includes(id)}
              onChange={(e) => setChosen(e.target.checked ? [...clusters, id] : clusters.filter((c) => c !== id))}
            />{' '}
            {id}
          </label>
        ))}
      </fieldset>
      <label>
        Follow
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="log-new-kind">
          <option value="deployment">Deployment</option>
          <option value="group">Release group</option>
          <option value="selector">Label selector</option>
          <option value="pod">Pod</option>
        </select>
      </label>
      <label>
        Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} data-testid="log-new-namespace" />
      </label>
      {kind === 'deployment' || kind === 'pod' ? (
        <label>
          {kind === 'pod' ? 'Pod' : 'Deployment'}
          <input list="log-new-names" value={name} onChange={(e) => setName(e.target.value)} data-testid="log-new-name" autoFocus />
          <datalist id="log-new-names">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </label>
      ) : null}
      {kind === 'group' ? (
        <>
          <label>
            App <input list="log-new-apps" value={app} onChange={(e) => setApp(e.target.value)} />
            <datalist id="log-new-apps">
              {apps.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <label>
            Group <input value={group} onChange={(e) => setGroup(e.target.value)} placeholder="pro" />
          </label>
        </>
      ) : null}
      {kind === 'selector' ? (
        <label>
          Selector <input value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="app.kubernetes.io/name=orders" />
        </label>
      ) : null}
      <label>
        Source
        <select value={file} onChange={(e) => setFile(e.target.value)}>
          <option value="">stdout/stderr</option>
          {containerLogFiles.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!t} data-testid="log-new-open">
        Open logs
      </button>
      {kind === 'pod' ? (
        <button type="button" disabled={!name} onClick={openShell} data-testid="log-new-shell">
          Open shell
        </button>
      ) : null}
    </form>
  );
}
