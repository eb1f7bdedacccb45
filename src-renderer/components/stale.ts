/**
 * Rows from the saved snapshot (a cluster's last known state, shown from launch until it has
 * synced) carry `staleAsOf`. They say their age and nothing on them can be acted on.
 */
import { formatClock } from '../../src-shared/base/duration';

/** "stale, as of 08:15" (local time), with the date when it is not today's ("25 Nov 08:15"). */
export function staleLabel(staleAsOf: number, now = Date.now()): string {
  return `stale, as of ${formatClock(staleAsOf, now)}`;
}

export const STALE_REASON = 'Last known state from the saved snapshot: this cluster has not synced yet. Actions come back when it is live.';
