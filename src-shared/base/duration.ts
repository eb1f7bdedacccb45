/**
 * Durations and clock times, written once. Two kinds of duration text, named apart because they
 * answer different questions:
 * - `formatElapsed(ms)`: how long, for tired eyes ("45s", "2m", "3h 5m", "2d"), rounded down.
 * - `formatDurationSpec(seconds)` / `parseDurationSpec(text)`: the exact `1h30m` syntax release
 *   plans are written in; one reads what the other writes.
 */

/** "45s", "2m", "3h 5m", "2d": short, for tired eyes. Negative is 0s. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** Local wall-clock "23:41"; with the date when it is not today ("25 Nov 23:41"). */
export function formatClock(at: number, now: number): string {
  const d = new Date(at);
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const today = new Date(now);
  if (d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()) return hhmm;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return `${d.getDate()} ${month} ${hhmm}`;
}

const DURATION_SPEC = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** `90s`, `10m`, `1h30m` → seconds; undefined when not a duration. */
export function parseDurationSpec(text: string): number | undefined {
  const m = DURATION_SPEC.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Seconds → `1h30m30s` (what parseDurationSpec reads); `0s` for nothing. */
export function formatDurationSpec(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
