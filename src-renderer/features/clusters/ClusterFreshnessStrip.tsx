import { FreshnessBadge } from '../../components/FreshnessBadge';
import { useAppStore } from '../../store';
import { InsecureBadge } from './ClusterCard';

/**
 * Per-cluster freshness ("fat live", "pro-east reconnecting since 2m"), shown above every list of
 * cluster data. A chip also filters the view to its cluster.
 */
export function ClusterFreshnessStrip({ selected, onSelect }: { selected: string; onSelect: (clusterId: string) => void }) {
  const clusters = useAppStore((s) => s.clusters);
  if (!clusters?.length) return null;
  return (
    <div className="filterbar__clusters" role="group" aria-label="Cluster freshness" data-testid="filter-freshness">
      {clusters.map((c) => (
        <button
          type="button"
          key={c.id}
          className={`chip${selected === c.id ? ' is-active' : ''}`}
          onClick={() => onSelect(selected === c.id ? '' : c.id)}
          aria-pressed={selected === c.id}
          title={selected === c.id ? 'Show all clusters' : `Show only ${c.id}`}
          data-cluster-id={c.id}
        >
          <FreshnessBadge state={c.state} since={c.since} label={c.id} testId="cluster-freshness" />
          {c.insecure ? <InsecureBadge insecure={c.insecure} /> : null}
        </button>
      ))}
    </div>
  );
}
