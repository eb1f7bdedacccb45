import { useMemo } from 'react';
import { useAppStore } from '../store';
import { staleLabel } from './stale';

/**
 * Which clusters are shown from the saved snapshot, and as of when (the board, the workloads
 * list and the overview say it the same way). Nothing while every cluster is live.
 */
export function StaleNotice({ testId = 'stale-notice' }: { testId?: string }) {
  const deployments = useAppStore((s) => s.deployments);
  const stale = useMemo(() => staleClusters(deployments), [deployments]);
  if (stale.size === 0) return null;
  const text = [...stale].map(([id, at]) => `${id} (${staleLabel(at)})`).join(', ');
  return (
    <div className="banner banner--warn" role="status" data-testid={testId} data-clusters={[...stale.keys()].join(' ')}>
      <div className="banner__text">
        <strong>Last known state</strong>
        <span className="banner__message">
          {text}: shown from the saved snapshot and replaced by live data as each cluster syncs. Nothing on it can be acted on until then.
        </span>
      </div>
    </div>
  );
}

/** Cluster id → its snapshot's date, for the clusters still shown from the snapshot. */
export function staleClusters(rows: readonly { clusterId: string; staleAsOf?: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) if (r.staleAsOf !== undefined && !out.has(r.clusterId)) out.set(r.clusterId, r.staleAsOf);
  return out;
}
