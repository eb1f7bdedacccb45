/**
 * A forward started in one step (from the palette): the target's first declared port, a free local
 * port; says where it listens, or why it could not start. Shown at the top of the Forwards view,
 * where the new forward is also listed.
 */
import { useEffect, useState } from 'react';
import type { ForwardInfo, ForwardTarget } from '../../../src-shared/portforward/contract';
import { err } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAction } from '../../components/useAction';
import { useAppStore } from '../../store';
import { forwardTargetText } from './use-forwards';

export function QuickForward() {
  const client = useClient();
  const requested = useAppStore((s) => s.quickForward);
  const [target, setTarget] = useState<ForwardTarget | null>(null);
  const [started, setStarted] = useState<ForwardInfo | null>(null);
  const starting = useAction(async (t: ForwardTarget) => {
    const ports = await client['portforward.ports'](t);
    if (!ports.ok) return ports;
    const first = ports.value[0];
    if (!first)
      return err('not-found', `${forwardTargetText(t)} declares no TCP port. Open it in Resources and forward a port by number.`, {
        clusterId: t.clusterId,
      });
    return client['portforward.start']({ ...t, remotePort: first.port });
  });
  const { run } = starting;

  useEffect(() => {
    if (!requested) return;
    const t = useAppStore.getState().takeQuickForward();
    if (!t) return;
    setTarget(t);
    setStarted(null);
    void run(t).then((r) => r.ok && setStarted(r.value));
  }, [requested, run]);

  if (!target) return null;
  const what = forwardTargetText(target);
  const url = started ? `http://127.0.0.1:${started.localPort}` : '';
  return (
    <div className="quick-forward" data-testid="quick-forward" data-local-port={started?.localPort}>
      {starting.busy ? <span>Starting the port-forward of {what}…</span> : null}
      {started ? (
        <span data-testid="quick-forward-result">
          Forwarding <span className="mono">{what}</span> port {started.remotePort}: listening on{' '}
          <span className="mono">127.0.0.1:{started.localPort}</span> ({url}){' '}
          <button type="button" className="btn btn--ghost" onClick={() => void navigator.clipboard?.writeText(url).catch(() => undefined)}>
            Copy URL
          </button>
        </span>
      ) : null}
      {starting.error ? <ErrorBanner error={starting.error} title={`Could not start the port-forward of ${what}.`} /> : null}
    </div>
  );
}
