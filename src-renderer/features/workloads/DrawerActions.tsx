/**
 * Open the selected pod or Deployment elsewhere: its logs, the previous instance's logs around the
 * last restart, a shell, the container's metrics chart. Each has a one-key shortcut while the
 * drawer is open (shown on its button); the drawer closes as the other screen opens.
 */
import { useEffect, useRef, useState } from 'react';
import type { ObjectRef } from '../../../src-shared/workloads/contract';
import { STALE_REASON } from '../../components/stale';
import { useAppStore } from '../../store';
import type { DeploymentRow, PodRow } from './workload-index';
import { debugTab, deploymentLogsTab, podLogsTab, shellTab } from '../logs/open-tabs';
import { useDebugImage } from '../logs/use-debug-image';
import { hasPreviousInstance, metricsTarget } from './containers';
import './workloads.css';

type Action = 'logs' | 'previous' | 'shell' | 'debug' | 'metrics';
// Debug has no key: it adds a container to the pod, which no stray keystroke should do.
const keys: Record<string, Action> = { l: 'logs', p: 'previous', s: 'shell', m: 'metrics' };

const isTyping = (el: Element | null) =>
  !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el as HTMLElement).isContentEditable);

export function DrawerActions({
  target,
  row,
  containers,
}: {
  target: ObjectRef;
  row: PodRow | DeploymentRow | undefined;
  containers: string[];
}) {
  const openLogTab = useAppStore((s) => s.openLogTab);
  const focusContainer = useAppStore((s) => s.focusContainer);
  const setView = useAppStore((s) => s.setView);
  const closeDetail = useAppStore((s) => s.closeDetail);
  const pods = useAppStore((s) => s.pods);
  // The images matrix uses h/l for its own cells.
  const keysActive = useAppStore((s) => s.view !== 'images');
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const container = chosen && containers.includes(chosen) ? chosen : containers[0];
  const pod = target.kind === 'Pod' ? (row as PodRow | undefined) : undefined;
  const where = { clusterId: target.clusterId, namespace: target.namespace, pod: target.name };
  const chart = metricsTarget(target, container, pods);
  // The image last used for a debug container in this cluster.
  const debugImage = useDebugImage(target.clusterId, target.kind === 'Pod');

  // A row from the saved snapshot: its cluster has not synced, nothing on it can be acted on.
  const stale = !!row && 'staleAsOf' in row && row.staleAsOf !== undefined;
  const enabled: Record<Action, boolean> = stale
    ? { logs: false, previous: false, shell: false, debug: false, metrics: false }
    : {
        logs: true,
        previous: !!pod && hasPreviousInstance(pod),
        shell: target.kind === 'Pod' && pod?.phase === 'Running',
        // An ephemeral container joins a pod that is on a node (crash-looping or distroless included).
        debug: target.kind === 'Pod' && pod?.phase === 'Running',
        metrics: !!chart,
      };
  const run = (a: Action) => {
    if (!enabled[a]) return;
    if (a === 'logs') openLogTab(target.kind === 'Pod' ? podLogsTab(where) : deploymentLogsTab(target));
    else if (a === 'previous')
      openLogTab(
        podLogsTab(
          { ...where, ...(containers.length > 1 ? { container } : {}) },
          { previous: true, ...(pod?.lastTerminationAt ? { eventAt: pod.lastTerminationAt } : {}) },
        ),
      );
    else if (a === 'shell') openLogTab(shellTab({ ...where, container }));
    else if (a === 'debug') openLogTab(debugTab({ ...where, container }, debugImage));
    else if (chart) {
      focusContainer(chart, 'chart');
      setView('metrics');
    }
    closeDetail();
  };

  // The latest `run` for the key listener, without re-adding it on every render.
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    if (!keysActive) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      const a = keys[e.key];
      if (!a) return;
      e.preventDefault();
      latest.current(a);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keysActive]);

  const button = (a: Action, label: string, key: string, title: string) => (
    <button
      type="button"
      className="btn"
      onClick={() => run(a)}
      disabled={!enabled[a]}
      title={stale ? STALE_REASON : `${title} (${key})`}
      data-testid={`drawer-open-${a}`}
      aria-keyshortcuts={key}
    >
      {label} <kbd>{key}</kbd>
    </button>
  );
  return (
    <div className="drawer-actions" data-testid="drawer-actions">
      {button(
        'logs',
        'Logs',
        'l',
        target.kind === 'Pod' ? 'Every container of this pod in the log viewer' : 'Every pod of this Deployment in the log viewer',
      )}
      {target.kind === 'Pod'
        ? button('previous', 'Previous logs', 'p', 'The terminated instance, from a little before its last restart')
        : null}
      {target.kind === 'Pod' ? button('shell', 'Shell', 's', `A shell in ${container ?? 'the container'}`) : null}
      {target.kind === 'Pod' ? (
        <button
          type="button"
          className="btn"
          onClick={() => run('debug')}
          disabled={!enabled.debug}
          title={
            stale
              ? STALE_REASON
              : `Add an ephemeral debug container (${debugImage}) sharing ${container ?? 'the container'}'s processes and open its shell: for a crash-looping or distroless container`
          }
          data-testid="drawer-open-debug"
        >
          Debug
        </button>
      ) : null}
      {button(
        'metrics',
        'Metrics',
        'm',
        `Memory and CPU chart of ${container ?? 'the container'}${target.kind === 'Deployment' && chart ? ` in ${chart.pod}` : ''}`,
      )}
      {containers.length > 1 ? (
        <label className="drawer-actions__container">
          <span className="muted">container</span>{' '}
          <select
            value={container}
            onChange={(e) => setChosen(e.target.value)}
            data-testid="drawer-container"
            aria-label="Container for shell, metrics and previous logs"
          >
            {containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}
