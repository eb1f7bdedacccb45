import type { ConnectionState } from '../../src-shared/clusters/contract';
import { formatClock, formatFreshness, stateTone } from './freshness';
import { Spinner } from './Spinner';
import { StatusBadge } from './StatusBadge';
import { useNow } from './useNow';

/** "live", "reconnecting since 2m", "stale since 23:41": per cluster, everywhere data is shown. */
export function FreshnessBadge({ state, since, label, testId = 'freshness-badge' }: { state: ConnectionState; since: number; label?: string; testId?: string }) {
  const now = useNow();
  const text = formatFreshness(state, since, now);
  return (
    <span className="freshness" data-testid={testId} data-state={state} title={`${label ? label + ': ' : ''}${state} since ${formatClock(since, now)}`}>
      <StatusBadge tone={stateTone[state]}>
        {state === 'connecting' || state === 'reconnecting' ? <Spinner size="xs" /> : <span className={`dot dot--${stateTone[state]}`} aria-hidden />}
        {label ? <b>{label}</b> : null}
        {text}
      </StatusBadge>
    </span>
  );
}
