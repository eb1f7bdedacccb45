import type { ExecutionState, GroupExecution } from '../../../src-shared/releases/execution-model';
import { podLogsTab } from '../logs/open-tabs';
import { useAppStore } from '../../store';

const what: Record<string, string> = {
  oom: 'OOMKilled',
  crashloop: 'CrashLoopBackOff',
  restart: 'restarted',
  'not-ready': 'lost readiness',
};
const clock = (ms: number) => new Date(ms).toLocaleTimeString();

/**
 * The evidence of groups that went bad after their gate passed: what, when, which pod, how long it
 * had been healthy; links to the pod's previous logs (the instance that died) and its memory curve;
 * roll back, or continue with a reason.
 */
export function DegradedEvidence({
  e,
  groups,
  onRollback,
  onOverride,
}: {
  e: ExecutionState;
  groups: GroupExecution[];
  onRollback: (key: string) => void;
  onOverride: () => void;
}) {
  const openLogTab = useAppStore((s) => s.openLogTab);
  const focusContainer = useAppStore((s) => s.focusContainer);
  const setView = useAppStore((s) => s.setView);
  return (
    <div className="banner banner--bad rel-degraded" role="alert" data-testid="exec-degraded">
      {groups.map((g) => {
        const d = g.degraded!;
        // The main container carries the app's name (the convention the sandbox and the samples follow).
        const ref = { clusterId: g.clusterId, namespace: g.namespace, pod: d.pod, container: e.app };
        return (
          <div key={g.key} className="rel-degraded__group">
            <div>
              <b>{g.key}</b> <b>{what[d.what] ?? d.what}</b> at {clock(d.at)}: pod <span className="mono">{d.pod}</span>, {d.restarts}{' '}
              restart(s). It had been healthy since {clock(d.healthySince)}.
            </div>
            {d.what === 'not-ready' ? <div className="muted">{d.detail}</div> : null}
            <div>
              <b>The next stage is blocked.</b> Roll this group back, or continue with an override and a reason (recorded in the history).
            </div>
            <div className="rel-exec__btns">
              <button type="button" className="btn btn--primary" onClick={() => onRollback(g.key)} data-testid="degraded-rollback">
                Roll back {g.key}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => openLogTab(podLogsTab(ref, { previous: true, eventAt: d.at }))}
                data-testid="degraded-previous-logs"
              >
                Previous logs of {d.pod}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  focusContainer(ref, 'chart');
                  setView('metrics');
                }}
                data-testid="degraded-memory"
              >
                Memory curve
              </button>
              <button type="button" className="btn btn--ghost" onClick={onOverride} data-testid="degraded-override">
                Continue anyway…
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
