import type { ClusterInfo, ConnectionState } from '../../src-shared/clusters/contract';
import { formatClock, formatElapsed } from '../../src-shared/base/duration';

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
      return now - since >= 3000 ? `connecting ${formatElapsed(now - since)}` : 'connecting';
    case 'reconnecting':
      return `reconnecting since ${formatElapsed(now - since)}`;
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
