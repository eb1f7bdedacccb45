import type { ConnectionState } from '../../src-shared/clusters/contract';
import { useAppStore } from '../store';
import { formatFreshness, stateTone } from './freshness';
import { formatClock } from '../../src-shared/base/duration';
import { Spinner } from './Spinner';
import { StatusBadge } from './StatusBadge';
import { useNow } from './useNow';

/**
 * "live", "reconnecting since 2m", "stale since 23:41": per cluster, everywhere data is shown.
 * While the link to Capstan's services is down nothing is live: the badge says stale since then.
 */
export function FreshnessBadge({
  state: clusterState,
  since: clusterSince,
  label,
  testId = 'freshness-badge',
}: {
  state: ConnectionState;
  since: number;
  label?: string;
  testId?: string;
}) {
  const now = useNow();
  const downSince = useAppStore((s) => s.servicesDownSince);
  const cut = downSince !== null && clusterState !== 'stale' && clusterState !== 'error' && clusterState !== 'idle';
  const state: ConnectionState = cut ? 'stale' : clusterState;
  const since = cut ? downSince : clusterSince;
  const text = formatFreshness(state, since, now);
  return (
    <span
      className="freshness"
      data-testid={testId}
      data-state={state}
      title={`${label ? label + ': ' : ''}${state} since ${formatClock(since, now)}`}
    >
      <StatusBadge tone={stateTone[state]}>
        {state === 'connecting' || state === 'reconnecting' ? (
          <Spinner size="xs" />
        ) : (
          <span className={`dot dot--${stateTone[state]}`} aria-hidden />
        )}
        {label ? <b>{label}</b> : null}
        {text}
      </StatusBadge>
    </span>
  );
}
