/**
 * "Forward a port" in the drawer of a pod or a Service: the ports it declares (or any port),
 * a local port (empty = a free one), start; the running forwards of this object are listed
 * under it with a Stop button. Sockets are opened by the services, on 127.0.0.1 only.
 */
import { useEffect, useState } from 'react';
import type { ForwardTarget, TargetPort } from '../../../src-shared/portforward/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAppStore } from '../../store';
import { useAction } from '../../components/useAction';
import { formatTraffic, stateText, useForwards } from './use-forwards';
import './portforward.css';

const validPort = (s: string, min: number) => /^\d+$/.test(s) && Number(s) >= min && Number(s) <= 65535;

export function PortForwardPanel({ target }: { target: ForwardTarget }) {
  const client = useClient();
  const setView = useAppStore((s) => s.setView);
  const [ports, setPorts] = useState<TargetPort[] | null>(null);
  const [remote, setRemote] = useState('');
  const [local, setLocal] = useState('');
  const { forwards } = useForwards();
  const mine = (forwards ?? []).filter(
    (f) => f.clusterId === target.clusterId && f.namespace === target.namespace && f.kind === target.kind && f.name === target.name,
  );

  const { clusterId, namespace, kind, name } = target;
  useEffect(() => {
    let live = true;
    void client['portforward.ports']({ clusterId, namespace, kind, name }).then((r) => {
      if (!live) return;
      const list = r.ok ? r.value : [];
      setPorts(list);
      if (list[0]) setRemote(String(list[0].port));
    });
    return () => {
      live = false;
    };
  }, [client, clusterId, namespace, kind, name]);

  const {
    run: start,
    busy,
    error,
  } = useAction(() =>
    client['portforward.start']({ ...target, remotePort: Number(remote), ...(local ? { localPort: Number(local) } : {}) }),
  );
  const canStart = validPort(remote, 1) && (local === '' || validPort(local, 1024)) && !busy;

  return (
    <section className="drawer__section" data-testid="portforward-panel">
      <h3>Port-forward</h3>
      <div className="forward-form">
        <label>
          {target.kind === 'service' ? 'Service port' : 'Pod port'}{' '}
          {ports?.length ? (
            <select value={remote} onChange={(e) => setRemote(e.target.value)} data-testid="forward-remote">
              {ports.map((p) => (
                <option key={`${p.container ?? ''}/${p.port}`} value={p.port}>
                  {p.port}
                  {p.name ? ` (${p.name})` : ''}
                  {p.container ? ` · ${p.container}` : ''}
                </option>
              ))}
            </select>
          ) : (
            <input
              type="number"
              min={1}
              max={65535}
              value={remote}
              onChange={(e) => setRemote(e.target.value)}
              placeholder="port"
              data-testid="forward-remote"
            />
          )}
        </label>
        <label>
          local port{' '}
          <input
            type="number"
            min={1024}
            max={65535}
            value={local}
            onChange={(e) => setLocal(e.target.value)}
            placeholder="any free"
            data-testid="forward-local-port"
          />
        </label>
        <button type="button" className="btn" onClick={() => void start()} disabled={!canStart} data-testid="forward-start">
          {busy ? 'Starting…' : 'Forward a port'}
        </button>
      </div>
      {error ? <ErrorBanner error={error} title="Could not start the forward." /> : null}
      {mine.length ? (
        <ul className="forward-list" data-testid="portforward-mine">
          {mine.map((f) => (
            <li key={f.id} data-testid="forward-mine" data-local-port={f.localPort} data-state={f.state}>
              <span className="mono">
                127.0.0.1:{f.localPort} → {f.remotePort}
              </span>{' '}
              {stateText[f.state]}
              {f.pod && f.kind === 'service' ? <span className="muted"> via {f.pod}</span> : null}{' '}
              <span className="muted">
                · {f.connections.total} connections · ↓ {formatTraffic(f.bytes.received)}
              </span>{' '}
              <button
                type="button"
                className="btn btn--ghost"
                onClick={() => void client['portforward.stop']({ id: f.id })}
                data-testid="forward-mine-stop"
              >
                Stop
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="link" onClick={() => setView('forwards')} data-testid="forwards-open">
        All port-forwards
      </button>
    </section>
  );
}
