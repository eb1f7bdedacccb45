import type { ClusterInfo, ConnectionState } from '../../src-shared/clusters/contract';

/** "45s", "2m", "3h 5m", "2d": short, for tired eyes. */
export function formatDuration(ms: number): string {
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

/**
 * What a freshness badge says: "live", "connecting 12s", "reconnecting since 2m",
 * "stale since 23:41", "error since 23:41", "not connected".
 */
export function formatFreshness(state: ConnectionState, since: number, now: number): string {
  switch (state) {
    case 'live':
      return 'live';
    case 'idle':
      return 'not connected';
    case 'connecting':
      return now - since >= 3000 ? `connecting ${formatDuration(now - since)}` : 'connecting';
    case 'reconnecting':
      return `reconnecting since ${formatDuration(now - since)}`;
    case 'stale':
      return `stale since ${formatClock(since, now)}`;
    case 'error':
      return `error since ${formatClock(since, now)}`;
  }
}

/** States whose data is not current: rows of such clusters are dimmed. */
export const isOutdated = (state: ConnectionState): boolean => state === 'stale' || state === 'reconnecting' || state === 'error';

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'muted';
export const stateTone: Record<ConnectionState, Tone> = {
  live: 'ok',
  connecting: 'busy',
  reconnecting: 'warn',
  stale: 'warn',
  error: 'bad',
  idle: 'muted',
};

export interface FreshnessSummary {
  total: number;
  byState: Partial<Record<ConnectionState, number>>;
  /** The worst state present, for the top bar's colour. */
  worst: ConnectionState | null;
  /** "3 live · 1 reconnecting" */
  text: string;
  /** The same, as data, in a fixed state order. */
  parts: { state: ConnectionState; count: number }[];
}

const severity: ConnectionState[] = ['error', 'stale', 'reconnecting', 'connecting', 'idle', 'live'];

export function summarizeFreshness(clusters: readonly Pick<ClusterInfo, 'state'>[]): FreshnessSummary {
  const byState: Partial<Record<ConnectionState, number>> = {};
  for (const c of clusters) byState[c.state] = (byState[c.state] ?? 0) + 1;
  const worst = severity.find((s) => byState[s]) ?? null;
  const order: ConnectionState[] = ['live', 'connecting', 'reconnecting', 'stale', 'error', 'idle'];
  const parts = order.filter((s) => byState[s]).map((state) => ({ state, count: byState[state]! }));
  const text = parts.map((p) => `${p.count} ${p.state === 'idle' ? 'not connected' : p.state}`).join(' · ');
  return { total: clusters.length, byState, worst, parts, text: clusters.length === 0 ? 'no clusters' : text };
}
