/**
 * A tab that starts an ephemeral debug container first (as `kubectl debug -it POD --image=IMAGE
 * --target=CONTAINER`), then attaches a shell to it. Opened by the workloads drawer's Debug action
 * and the palette; closing the tab ends the shell, which ends the container.
 */
import { useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import type { DebugTarget } from './open-tabs';
import type { ShellTarget } from './ShellTab';
import { ShellTab } from './ShellTab';

export function DebugShellTab({ sessionId, target, active }: { sessionId: string; target: DebugTarget; active: boolean }) {
  const client = useClient();
  const [state, setState] = useState<{ t: 'starting' } | { t: 'running'; shell: ShellTarget } | { t: 'failed'; error: AppError }>({
    t: 'starting',
  });
  // Once per tab: a second run (StrictMode's effect replay, a re-render) must not add a second container.
  const started = useRef(false);
  const { clusterId, namespace, pod, container, debugImage } = target;
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void client['exec.debug']({ clusterId, namespace, pod, ...(container ? { target: container } : {}), image: debugImage }).then((r) =>
      setState(
        r.ok
          ? { t: 'running', shell: { clusterId, namespace, pod, container: r.value.container, attach: true } }
          : { t: 'failed', error: r.error },
      ),
    );
  }, [client, clusterId, namespace, pod, container, debugImage]);
  if (state.t === 'running') return <ShellTab sessionId={sessionId} target={state.shell} active={active} />;
  return (
    <div className="log-tab shell-tab" style={{ display: active ? 'flex' : 'none' }} data-testid={`debug-tab-${sessionId}`}>
      {state.t === 'failed' ? (
        <ErrorBanner error={state.error} title={`Could not start a debug container in ${pod}.`} />
      ) : (
        <Spinner label={`Starting a debug container (${debugImage}) in ${pod}${container ? `, sharing ${container}'s processes` : ''}…`} />
      )}
    </div>
  );
}
