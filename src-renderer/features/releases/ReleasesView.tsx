import { lazy, Suspense, useEffect, useState } from 'react';
import { formatElapsed } from '../../../src-shared/base/duration';
import { useClient } from '../../components/ClientContext';
import { ChoiceButton } from '../../components/ChoiceButton';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import { subscribeReleases } from './releases-slice';
import { ClusterFreshnessStrip } from '../clusters/ClusterFreshnessStrip';
import { needsMeAll } from './board-model';
import { ownershipOf } from './ownership-model';
import { BoardView } from './BoardView';
import { Spinner } from '../../components/Spinner';
import './releases.css';

type Tab = 'board' | 'planner' | 'executions';

// The board is the launch's screen; the planner (CodeMirror) and the executions load on first use.
const PlannerView = lazy(async () => ({ default: (await import('./PlannerView')).PlannerView }));
const ExecutionsView = lazy(async () => ({ default: (await import('./ExecutionsView')).ExecutionsView }));

/** Releases: the board, the planner and the executions, with "needs me" and stop-the-line always in reach. */
export function ReleasesView() {
  const client = useClient();
  const setReleases = useAppStore((s) => s.setReleases);
  const releases = useAppStore((s) => s.releases);
  const now = useNow();
  const [tab, setTab] = useState<Tab>('board');
  const [draftFor, setDraftFor] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [cluster, setCluster] = useState('');
  useEffect(() => subscribeReleases(client, setReleases), [client, setReleases]);
  // A release another Capstan drives waits on its driver, not on this window.
  const needs = needsMeAll(
    (releases?.executions ?? []).filter((e) => !['held', 'lost', 'unseen'].includes(ownershipOf(e, releases?.owners?.[e.id]).kind)),
  );
  const inFlight = (releases?.executions ?? []).some((e) =>
    ['running', 'baking', 'degraded', 'awaiting-approval', 'rolling-back'].includes(e.status),
  );

  return (
    <section className="view rel" aria-label="Releases">
      <div className="rel__top">
        <div className="segmented" role="tablist" aria-label="Releases views">
          {(['board', 'planner', 'executions'] as Tab[]).map((t) => (
            <ChoiceButton key={t} role="tab" selected={tab === t} onSelect={() => setTab(t)} testId={`rel-tab-${t}`}>
              {t[0]!.toUpperCase() + t.slice(1)}
            </ChoiceButton>
          ))}
        </div>
        <ClusterFreshnessStrip selected={cluster} onSelect={setCluster} />
        <span className="muted" data-testid="snapshot-freshness" title="Last capture of each cluster kept on disk for offline planning">
          snapshot:{' '}
          {(releases?.snapshot ?? []).map((s) => `${s.clusterId} ${formatElapsed(now - s.takenAt)} ago`).join(' · ') || 'none yet'}
        </span>
        <span className="topbar__spacer" />
        <button
          type="button"
          className="btn rel-stop"
          disabled={!inFlight}
          onClick={() => void client['releases.stopTheLine']({})}
          data-testid="stop-the-line"
          title={inFlight ? 'Pause every group of every release in flight' : 'No release is in flight: nothing to stop.'}
        >
          ■ Stop the line
        </button>
      </div>
      {(releases?.problems ?? []).map((p) => (
        <div key={p} className="banner banner--warn">
          {p}
        </div>
      ))}
      {needs.length ? (
        <ul className="rel-needs" aria-label="Needs me" data-testid="needs-me">
          {needs.map((n) => (
            <li key={`${n.executionId}/${n.kind}/${n.group ?? ''}`}>
              <button
                type="button"
                className="btn btn--ghost"
                onClick={() => (setSelected(n.executionId), setTab('executions'))}
                data-testid="needs-me-item"
                data-kind={n.kind}
              >
                <span className={n.kind === 'degraded' || n.kind === 'failed' ? 'text-bad' : 'text-warn'}>{n.message}</span>{' '}
                <span className="muted">· waiting on you for {formatElapsed(Math.max(0, now - n.since))}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="rel__body" data-cluster={cluster}>
        {tab === 'board' ? <BoardView onPlan={(app) => (setDraftFor(app), setTab('planner'))} /> : null}
        <Suspense fallback={<Spinner label="Loading…" />}>
          {tab === 'planner' ? <PlannerView draftFor={draftFor} onStarted={(id) => (setSelected(id), setTab('executions'))} /> : null}
          {tab === 'executions' ? <ExecutionsView selected={selected} onSelect={setSelected} /> : null}
        </Suspense>
      </div>
    </section>
  );
}
