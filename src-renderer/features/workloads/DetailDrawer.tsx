import type { ReactNode } from 'react';
import { useMemo } from 'react';
import type { ObjectRef } from '../../../src-shared/workloads/contract';
import type { AppError } from '../../../src-shared/result';
import { isOomKill } from '../../../src-shared/workloads/oom';
import { useClient } from '../../components/ClientContext';
import { loaded, useRequest } from '../../components/useRequest';
import { Drawer } from '../../components/Drawer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FreshnessBadge } from '../../components/FreshnessBadge';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { podStatusTone, rolloutTone, StatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import type { DeploymentRow, PodRow } from './workload-index';
import { isPullError } from '../images/images-model';
import { ImageSyncLink } from '../images/ImageSyncLink';
import { containersOf } from './containers';
import { DrawerActions } from './DrawerActions';

type YamlState = { status: 'loading' } | { status: 'ok'; yaml: string } | { status: 'error'; error: AppError };

const sameRef = (r: { clusterId: string; namespace: string; name: string }, ref: ObjectRef) =>
  r.name === ref.name && r.namespace === ref.namespace && r.clusterId === ref.clusterId;

/** The summary row of the selected object, for the key facts (live: it updates with the table). */
function useSelectedRow(ref: ObjectRef): PodRow | DeploymentRow | undefined {
  const rows = useAppStore((s) => (ref.kind === 'Pod' ? s.pods : s.deployments));
  return useMemo(() => (rows as (PodRow | DeploymentRow)[]).find((r) => sameRef(r, ref)), [rows, ref]);
}

function useYaml(ref: ObjectRef): [YamlState, () => void] {
  const client = useClient();
  // Keyed by the object, not the ref's identity: the same object opened again (Enter on its row)
  // must not throw away the YAML on screen and load it anew.
  const { clusterId, kind, namespace, name } = ref;
  const request = useRequest(
    () => client['workloads.getYaml']({ clusterId, kind, namespace, name }),
    [client, clusterId, kind, namespace, name],
  );
  const state = loaded(request, 'hide');
  return [state.status === 'ok' ? { status: 'ok', yaml: state.value.yaml } : state, request.retry];
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function PodFacts({ pod, now }: { pod: PodRow; now: number }) {
  return (
    <>
      <Fact label="Status">
        <StatusBadge tone={podStatusTone(pod.status, pod.ready)}>{pod.status}</StatusBadge> <span className="muted">phase {pod.phase}</span>
      </Fact>
      <Fact label="Ready">
        {pod.readyContainers}/{pod.totalContainers} containers
      </Fact>
      <Fact label="Restarts">
        {pod.restarts}
        {/* Per container: a sidecar's later Error must not hide the app's OOMKilled. */}
        {pod.terminations ? (
          pod.terminations.map((t) => (
            <span key={t.container} className={isOomKill(t) ? 'text-bad' : 'muted'}>
              {' '}
              · {t.container} last terminated: {t.reason ?? `exit ${t.exitCode ?? '?'}`}
            </span>
          ))
        ) : pod.lastTerminationReason ? (
          <span className={isOomKill({ reason: pod.lastTerminationReason }) ? 'text-bad' : 'muted'}>
            {' '}
            · last terminated: {pod.lastTerminationReason}
          </span>
        ) : null}
      </Fact>
      {pod.conditionSince ? (
        <Fact label="In this state">
          {formatElapsed(now - pod.conditionSince)} (since {formatClock(pod.conditionSince, now)})
        </Fact>
      ) : null}
      {pod.deployment ? <Fact label="Deployment">{pod.deployment}</Fact> : null}
      <Fact label="Node">{pod.node ?? '—'}</Fact>
      <Fact label="Pod IP">{pod.podIP ?? '—'}</Fact>
    </>
  );
}

function DeploymentFacts({ d }: { d: DeploymentRow }) {
  return (
    <>
      <Fact label="Rollout">
        <StatusBadge tone={rolloutTone[d.rollout]}>{d.rollout}</StatusBadge> <span className="muted">{d.rolloutMessage}</span>
      </Fact>
      <Fact label="Replicas">
        {d.readyReplicas}/{d.replicas} ready · {d.updatedReplicas} up-to-date · {d.availableReplicas} available
      </Fact>
      {d.revision ? <Fact label="Revision">{d.revision}</Fact> : null}
      {d.paused ? <Fact label="Paused">yes</Fact> : null}
    </>
  );
}

export function DetailDrawer({ target }: { target: ObjectRef }) {
  const close = useAppStore((s) => s.closeDetail);
  const row = useSelectedRow(target);
  const cluster = useAppStore((s) => s.clusters?.find((c) => c.id === target.clusterId));
  const [yaml, retry] = useYaml(target);
  const yamlText = yaml.status === 'ok' ? yaml.yaml : '';
  const containers = useMemo(() => containersOf(yamlText), [yamlText]);
  const now = useNow();
  return (
    <Drawer
      title={target.name}
      onClose={close}
      subtitle={
        <>
          <span className="kind-tag">{target.kind}</span> {target.clusterId} / {target.namespace}{' '}
          {cluster ? <FreshnessBadge state={cluster.state} since={cluster.since} /> : null}
        </>
      }
    >
      <DrawerActions target={target} row={row} containers={containers} />
      <dl className="facts" data-testid="drawer-facts">
        <Fact label="Cluster">{target.clusterId}</Fact>
        <Fact label="Namespace">{target.namespace}</Fact>
        {row?.app ? <Fact label="App">{row.app}</Fact> : null}
        {row?.group ? <Fact label="Group">{row.group}</Fact> : null}
        {row && target.kind === 'Pod' ? <PodFacts pod={row as PodRow} now={now} /> : null}
        {row && target.kind === 'Deployment' ? <DeploymentFacts d={row as DeploymentRow} /> : null}
        {row ? (
          <>
            <Fact label="Images">
              {row.images.map((i) => (
                <div key={i} className="mono">
                  {i} <ImageSyncLink image={i} pullError={target.kind === 'Pod' && isPullError((row as PodRow).status)} />
                </div>
              ))}
            </Fact>
            <Fact label="Created">
              {formatElapsed(now - row.createdAt)} ago ({formatClock(row.createdAt, now)})
            </Fact>
          </>
        ) : (
          <Fact label="State">
            <span className="text-warn">No longer in the live list (deleted, or its cluster is not synced).</span>
          </Fact>
        )}
      </dl>
      <div className="yaml" data-testid="drawer-yaml" data-status={yaml.status}>
        <div className="yaml__head">
          <span>YAML</span>
          <button type="button" className="btn btn--ghost" onClick={retry} disabled={yaml.status === 'loading'} data-testid="yaml-refresh">
            {yaml.status === 'error' ? 'Retry' : 'Refresh'}
          </button>
        </div>
        {yaml.status === 'loading' ? <Spinner label={`Loading YAML from ${target.clusterId}…`} /> : null}
        {yaml.status === 'error' ? <ErrorBanner error={yaml.error} title="Could not load the YAML." /> : null}
        {yaml.status === 'ok' ? <pre className="yaml__body">{yaml.yaml}</pre> : null}
      </div>
    </Drawer>
  );
}
