import { useState } from 'react';
import type { Related, ResourceDetail, ResourceRef } from '../../../src-shared/resources/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { loaded, useRequest } from '../../components/useRequest';
import { useAction } from '../../components/useAction';
import { Drawer } from '../../components/Drawer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FreshnessBadge } from '../../components/FreshnessBadge';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import { DeleteDialog } from '../edit/DeleteDialog';
import { YamlEditor } from '../edit/YamlEditor';
import { NodePanel } from '../nodes/NodePanel';
import { PortForwardPanel } from '../portforward/PortForwardPanel';

type DetailState = { status: 'loading' } | { status: 'ok'; detail: ResourceDetail } | { status: 'error'; error: AppError };

function useDetail(ref: ResourceRef): [DetailState, () => void] {
  const client = useClient();
  const request = useRequest(() => client['resources.detail'](ref), [client, ref]);
  const state = loaded(request, 'hide');
  return [state.status === 'ok' ? { status: 'ok', detail: state.value } : state, request.retry];
}

/**
 * One Secret key: hidden until the user confirms, then shown in this component's state only (never
 * the store, never persisted); hiding it, closing the drawer or opening another object forgets it.
 */
function SecretKey({ target, name }: { target: ResourceRef; name: string }) {
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [value, setValue] = useState<{ value: string; binary: boolean } | null>(null);
  const revealing = useAction(() =>
    client['resources.revealSecretKey']({
      clusterId: target.clusterId,
      namespace: target.namespace,
      name: target.name,
      key: name,
      confirmed: true,
    }),
  );
  const { error } = revealing;
  const phase = revealing.busy ? 'loading' : asking ? 'confirm' : 'hidden';
  const setPhase = (p: 'hidden' | 'confirm') => setAsking(p === 'confirm');
  const reveal = async () => {
    setAsking(false);
    const r = await revealing.run();
    if (r.ok) setValue(r.value);
  };
  return (
    <li className="secret-key" data-testid="secret-key" data-key={name}>
      <span className="mono">{name}</span>{' '}
      {value ? (
        <>
          <code className="secret-key__value" data-testid="secret-value">
            {value.value}
          </code>
          {value.binary ? <span className="muted"> (binary, shown as base64)</span> : null}{' '}
          <button type="button" className="btn btn--ghost" onClick={() => setValue(null)} data-testid="secret-hide">
            Hide
          </button>
        </>
      ) : phase === 'confirm' ? (
        <span role="alertdialog" aria-label={`Reveal ${name}?`}>
          <span className="text-warn">Show the value of {name} on screen?</span>{' '}
          <button type="button" className="btn" onClick={() => void reveal()} data-testid="secret-confirm">
            Reveal
          </button>{' '}
          <button type="button" className="btn btn--ghost" onClick={() => setPhase('hidden')}>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => setPhase('confirm')}
          disabled={phase === 'loading'}
          data-testid="secret-reveal"
        >
          {phase === 'loading' ? 'Revealing…' : 'Reveal…'}
        </button>
      )}
      {error ? <ErrorBanner error={error} title="Could not reveal the value." /> : null}
    </li>
  );
}

function RelatedList({ items, target }: { items: Related[]; target: ResourceRef }) {
  const open = useAppStore((s) => s.openResource);
  if (items.length === 0) return <p className="muted">No owner, selected pods or mounted ConfigMaps/Secrets.</p>;
  return (
    <ul className="related" data-testid="drawer-related">
      {items.map((r) => (
        <li key={`${r.relation}/${r.kind}/${r.name}`} data-relation={r.relation}>
          <span className="muted">{r.relation}</span>{' '}
          <button
            type="button"
            className="link"
            onClick={() => open({ clusterId: target.clusterId, type: r.type, namespace: r.namespace, name: r.name })}
            data-testid="related-link"
          >
            {r.kind} {r.name}
          </button>
          {r.note ? <span className="muted"> · {r.note}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function ResourceDrawer({ target }: { target: ResourceRef }) {
  const close = useAppStore((s) => s.closeResource);
  const cluster = useAppStore((s) => s.clusters?.find((c) => c.id === target.clusterId));
  const [state, retry] = useDetail(target);
  const now = useNow();
  const detail = state.status === 'ok' ? state.detail : null;
  const client = useClient();
  const [mode, setMode] = useState<'view' | 'delete' | { edit: string }>('view');
  const editing = useAction(() => client['edit.liveYaml'](target));
  const editError = editing.error;
  const isSecret = target.type.group === '' && target.type.resource === 'secrets';
  const forwardKind =
    target.type.group === '' ? ({ pods: 'pod', services: 'service' } as const)[target.type.resource as 'pods' | 'services'] : undefined;
  const startEdit = async () => {
    const r = await editing.run();
    if (r.ok) setMode({ edit: r.value.yaml });
  };
  return (
    <Drawer
      title={target.name}
      onClose={close}
      subtitle={
        <>
          <span className="kind-tag">{detail?.kind ?? target.type.resource}</span> {target.clusterId}
          {target.namespace ? ` / ${target.namespace}` : ''}{' '}
          {cluster ? <FreshnessBadge state={cluster.state} since={cluster.since} /> : null}
        </>
      }
    >
      {state.status === 'loading' ? <Spinner label={`Loading from ${target.clusterId}…`} /> : null}
      {state.status === 'error' ? (
        <ErrorBanner error={state.error} title="Could not load this object.">
          <button type="button" className="btn" onClick={retry}>
            Retry
          </button>
        </ErrorBanner>
      ) : null}
      <div className="drawer__actions">
        <button
          type="button"
          className="btn"
          onClick={() => void startEdit()}
          disabled={isSecret || mode !== 'view'}
          title={
            isSecret
              ? 'Secret values never reach this window, so they are not edited here'
              : 'Edit the YAML, preview with a server dry run, apply'
          }
          data-testid="edit-open"
        >
          Edit YAML
        </button>
        <button type="button" className="btn" onClick={() => setMode('delete')} disabled={mode !== 'view'} data-testid="delete-open">
          Delete…
        </button>
      </div>
      {editError ? <ErrorBanner error={editError} title="Cannot edit." /> : null}
      {mode === 'delete' ? <DeleteDialog target={target} onDone={close} onCancel={() => setMode('view')} /> : null}
      {typeof mode === 'object' ? (
        <YamlEditor
          clusterId={target.clusterId}
          target={target}
          initial={mode.edit}
          onDone={() => {
            setMode('view');
            retry();
          }}
          onCancel={() => setMode('view')}
        />
      ) : null}
      {target.type.group === '' && target.type.resource === 'nodes' ? (
        <NodePanel key={`${target.clusterId}/${target.name}`} clusterId={target.clusterId} name={target.name} />
      ) : null}
      {forwardKind && target.namespace ? (
        <PortForwardPanel target={{ clusterId: target.clusterId, namespace: target.namespace, kind: forwardKind, name: target.name }} />
      ) : null}
      {detail ? (
        <>
          {detail.secretKeys ? (
            <section className="drawer__section" data-testid="secret-keys">
              <h3>Keys</h3>
              <p className="muted">Values stay hidden; revealing one asks first and is forgotten when you hide it or close this panel.</p>
              <ul>
                {detail.secretKeys.map((k) => (
                  <SecretKey key={k} target={target} name={k} />
                ))}
              </ul>
            </section>
          ) : null}
          <section className="drawer__section">
            <h3>Related</h3>
            <RelatedList items={detail.related} target={target} />
          </section>
          <section className="drawer__section" data-testid="drawer-events">
            <h3>Events {detail.events.length ? <span className="muted">({detail.events.length})</span> : null}</h3>
            {detail.events.length === 0 ? (
              <p className="muted">No events for this object (the API server keeps them about an hour).</p>
            ) : null}
            <ul className="events-list">
              {detail.events.map((e, i) => (
                <li key={i} className={e.type === 'Warning' ? 'text-warn' : undefined} data-type={e.type}>
                  <strong>{e.reason}</strong> {e.count > 1 ? <span className="muted">×{e.count}</span> : null} <span>{e.message}</span>{' '}
                  {e.lastSeen ? (
                    <span className="muted" title={formatClock(e.lastSeen, now)}>
                      {formatElapsed(now - e.lastSeen)} ago
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
          <div className="yaml" data-testid="drawer-yaml" data-status="ok">
            <div className="yaml__head">
              <span>YAML</span>
              <button type="button" className="btn btn--ghost" onClick={retry} data-testid="yaml-refresh">
                Refresh
              </button>
            </div>
            <pre className="yaml__body">{detail.yaml}</pre>
          </div>
        </>
      ) : null}
    </Drawer>
  );
}
