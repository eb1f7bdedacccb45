/**
 * Rows from the saved snapshot (a cluster's last known state, shown from launch until it has
 * synced) carry `staleAsOf`. They say their age and nothing on them can be acted on.
 */
const two = (n: number) => String(n).padStart(2, '0');

/** "stale, as of 08:15" (local time), with the date when it is not today's. */
export function staleLabel(staleAsOf: number, now = Date.now()): string {
  const t = new Date(staleAsOf);
  const day = new Date(now).toDateString() === t.toDateString() ? '' : `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} `;
  return `stale, as of ${day}${two(t.getHours())}:${two(t.getMinutes())}`;
}

export const STALE_REASON = 'Last known state from the saved snapshot: this cluster has not synced yet. Actions come back when it is live.';
