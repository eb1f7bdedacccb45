/**
 * What a shell tab shows instead of a raw API error when its container is not running: the state
 * in words (reason, last exit code, restart count, as `kubectl describe pod` has them) and what to
 * do next: the previous instance's logs, or an ephemeral debug container (image configurable,
 * prefilled with the one last used in the cluster) that opens in a shell tab once it runs.
 */
import { useState } from 'react';
import type { ContainerExplanation } from '../../../src-shared/exec/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAppStore } from '../../store';
import { useAction } from '../../components/useAction';
import { debugShellTab, podLogsTab } from './open-tabs';
import { useDebugImage } from './use-debug-image';
import type { ShellTarget } from './ShellTab';

export function ShellExplanation({ target, explanation: x }: { target: ShellTarget; explanation: ContainerExplanation }) {
  const client = useClient();
  const openTab = useAppStore((s) => s.openLogTab);
  // The image last used in this cluster, until the user types another.
  const remembered = useDebugImage(target.clusterId);
  const [typed, setImage] = useState<string | undefined>(undefined);
  const image = typed ?? remembered;
  const where = { clusterId: target.clusterId, namespace: target.namespace, pod: target.pod };
  const known = x.state !== 'missing' && x.state !== 'pod-missing';
  const {
    run,
    busy: starting,
    error,
  } = useAction(() => client['exec.debug']({ ...where, ...(known && x.container ? { target: x.container } : {}), image: image.trim() }));
  const debug = async () => {
    const r = await run();
    if (r.ok) openTab(debugShellTab({ ...where, container: r.value.container }));
  };
  return (
    <div className="shell-explain" data-testid="shell-explain" data-state={x.state}>
      <h3>No shell: {x.summary}</h3>
      <dl>
        {x.container ? (
          <>
            <dt>Container</dt>
            <dd className="mono">{x.container}</dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd data-testid="explain-state">
          {x.state}
          {x.reason ? ` (${x.reason})` : ''}
          {x.exitCode !== undefined ? `, exit code ${x.exitCode}` : ''}
        </dd>
        {x.message ? (
          <>
            <dt>Message</dt>
            <dd>{x.message}</dd>
          </>
        ) : null}
        {known ? (
          <>
            <dt>Restarts</dt>
            <dd data-testid="explain-restarts">{x.restartCount}</dd>
          </>
        ) : null}
        {x.last ? (
          <>
            <dt>Last exit</dt>
            <dd data-testid="explain-last">
              exit code {x.last.exitCode ?? '?'}
              {x.last.reason ? ` (${x.last.reason})` : ''}
              {x.last.finishedAt ? ` at ${new Date(x.last.finishedAt).toLocaleTimeString()}` : ''}
            </dd>
          </>
        ) : null}
        {x.state === 'missing' ? (
          <>
            <dt>Containers</dt>
            <dd className="mono">{x.containers.join(', ') || 'none'}</dd>
          </>
        ) : null}
      </dl>
      {x.state !== 'pod-missing' ? (
        <div className="shell-explain__actions">
          {known && (x.restartCount > 0 || x.state === 'terminated') ? (
            <button
              type="button"
              className="btn"
              onClick={() => openTab(podLogsTab({ ...where, container: x.container }, { previous: x.state !== 'terminated' }))}
              data-testid="explain-previous-logs"
            >
              {x.state === 'terminated' ? 'Logs of the ended container' : 'Previous logs'}
            </button>
          ) : null}
          <label>
            Debug image <input value={image} onChange={(e) => setImage(e.target.value)} data-testid="debug-image" spellCheck={false} />
          </label>
          <button
            type="button"
            className="btn"
            onClick={() => void debug()}
            disabled={starting || !image.trim()}
            data-testid="explain-debug"
            title="Add an ephemeral container with a shell to this pod (it shares the container's processes), like kubectl debug -it"
          >
            {starting ? 'Starting debug container…' : 'Debug container'}
          </button>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} title="Could not start a debug container." /> : null}
    </div>
  );
}
