/**
 * Port-forwards: every forward the services hold (started from a pod's or a Service's drawer, or from the palette),
 * with its cluster, target, local → remote port, the pod it reaches now, connections, traffic
 * and state; each stoppable. Forwards belong to the services, so they outlive a reload.
 */
import { useState } from 'react';
import type { ForwardInfo } from '../../../src-shared/portforward/contract';
import { useClient } from '../../components/ClientContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { formatElapsed } from '../../../src-shared/base/duration';
import { useNow } from '../../components/useNow';
import { useAction } from '../../components/useAction';
import { forwardTargetText, formatTraffic, stateText, useForwards } from './use-forwards';
import { QuickForward } from './QuickForward';
import './portforward.css';

function ForwardRow({ f, now }: { f: ForwardInfo; now: number }) {
  const client = useClient();
  const stopping = useAction(() => client['portforward.stop']({ id: f.id }));
  // A stopped forward leaves the list with the next update: the button stays disabled until then.
  const [stopped, setStopped] = useState(false);
  const error = stopping.error;
  const stop = async () => {
    setStopped((await stopping.run()).ok);
  };
  const url = `http://127.0.0.1:${f.localPort}`;
  return (
    <tr data-testid="forward-row" data-state={f.state} data-local-port={f.localPort}>
      <td>{f.clusterId}</td>
      <td className="mono">{forwardTargetText(f)}</td>
      <td className="mono">
        <span data-testid="forward-local">127.0.0.1:{f.localPort}</span> → {f.remotePort}{' '}
        <button
          type="button"
          className="btn btn--ghost"
          title={`Copy ${url}`}
          onClick={() => void navigator.clipboard?.writeText(url).catch(() => undefined)}
        >
          Copy URL
        </button>
        {f.kind === 'service' && f.podPort !== undefined && f.podPort !== f.remotePort ? (
          <span className="muted"> (pod port {f.podPort})</span>
        ) : null}
      </td>
      <td className="mono" data-testid="forward-pod">
        {f.pod ?? <span className="muted">chosen at the first connection</span>}
        {f.reselections ? (
          <span className="muted" title="Times a new pod was selected after the previous one went away">
            {' '}
            · moved {f.reselections}×
          </span>
        ) : null}
      </td>
      <td data-testid="forward-connections">
        {f.connections.open} open · {f.connections.total} total
        {f.connections.failed ? <span className="text-warn"> · {f.connections.failed} failed</span> : null}
      </td>
      <td data-testid="forward-bytes">
        ↑ {formatTraffic(f.bytes.sent)} · ↓ {formatTraffic(f.bytes.received)}
      </td>
      <td>
        <span className={`forward-state forward-state--${f.state}`} data-testid="forward-state">
          {stateText[f.state]}
        </span>
        {f.message ? (
          <div className="muted forward-message" data-testid="forward-message">
            {f.message}
          </div>
        ) : null}
        <div className="muted">for {formatElapsed(now - f.startedAt)}</div>
        {error ? <ErrorBanner error={error} title="Could not stop." /> : null}
      </td>
      <td>
        <button type="button" className="btn" onClick={() => void stop()} disabled={stopping.busy || stopped} data-testid="forward-stop">
          {stopping.busy || stopped ? 'Stopping…' : 'Stop'}
        </button>
      </td>
    </tr>
  );
}

export function ForwardsView() {
  const { forwards, error } = useForwards();
  const now = useNow();
  return (
    <div className="forwards-view" data-testid="forwards-view">
      <p className="muted">
        Local ports on 127.0.0.1 forwarded to a pod or a Service through the cluster's API server. Start one from a pod's or a Service's
        panel in Resources, or from the palette (Ctrl+K, the object's name, Port-forward: its first port, a free local port). A Service
        forward moves to another ready pod when its pod goes away.
      </p>
      <QuickForward />
      {error ? <ErrorBanner error={error} title="The list of forwards stopped updating." /> : null}
      {forwards === null ? <Spinner label="Loading forwards…" /> : null}
      {forwards?.length === 0 ? (
        <EmptyState title="No port-forwards">Open a pod or a Service in Resources and choose Forward a port.</EmptyState>
      ) : null}
      {forwards?.length ? (
        <table className="forwards-table" data-testid="forwards-table">
          <thead>
            <tr>
              <th>Cluster</th>
              <th>Target</th>
              <th>Local → remote</th>
              <th>Pod</th>
              <th>Connections</th>
              <th>Traffic</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {forwards.map((f) => (
              <ForwardRow key={f.id} f={f} now={now} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
