import type { CellState, MatrixCell, MatrixRow, SyncMatrix } from '../../../src-shared/images/contract';
import type { Tone } from '../../components/freshness';

/** Pure helpers of the Images view (tested without a DOM). */

export const stateLabel: Record<CellState, string> = {
  synced: 'synced',
  missing: 'missing',
  mismatch: 'mismatch',
  replicating: 'replicating',
  failed: 'failed',
  unknown: 'unknown',
  'not-followed': 'not followed',
};

export const stateTone: Record<CellState, Tone> = {
  synced: 'ok',
  missing: 'bad',
  mismatch: 'warn',
  replicating: 'busy',
  failed: 'bad',
  unknown: 'muted',
  'not-followed': 'muted',
};

export const rowKey = (r: Pick<MatrixRow, 'repository' | 'tag'>) => `${r.repository}:${r.tag}`;

/** `sha256:0123456789ab…` → `0123456789ab` (12 hex digits, as docker prints). */
export const shortDigest = (d: string | undefined) => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '');

const badness: Record<CellState, number> = { failed: 0, missing: 1, mismatch: 2, replicating: 3, unknown: 4, synced: 5, 'not-followed': 6 };

/** The cell most worth looking at in a row: failed, missing, mismatch, replicating, then the first. */
export function worstCell(row: MatrixRow): MatrixCell | undefined {
  let best: MatrixCell | undefined;
  for (const c of row.cells) {
    if (!best || badness[c.state] < badness[best.state] || (c.stuck && !best.stuck && badness[c.state] === badness[best.state])) best = c;
  }
  return best;
}

export const outOfSync = (row: MatrixRow) =>
  row.cells.some((c) => c.state !== 'synced' && c.state !== 'unknown' && c.state !== 'not-followed');

type RegionSummary = SyncMatrix['summary'][number];

/**
 * A region's summary in words: never "in sync" for a region that could not be read or whose cells
 * are unknown ("unknown, unreachable since 02:41"); not-followed repositories are said, not counted.
 */
export function regionSummaryText(
  s: RegionSummary,
  clock: (ms: number) => string = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
): string {
  const parts: string[] = [];
  if (s.state === 'unknown' && s.unreadableSince !== undefined) parts.push(`unknown, unreachable since ${clock(s.unreadableSince)}`);
  else if (s.state === 'unknown' && s.outOfSync === 0) parts.push(s.error ? 'unknown, not read' : `${s.unknown} unknown`);
  else parts.push(s.outOfSync ? `${s.outOfSync} out of sync` : 'in sync');
  if (s.state !== 'unknown' && s.unknown) parts.push(`${s.unknown} unknown`);
  if (s.notFollowed) parts.push(`${s.notFollowed} not followed`);
  return parts.join(' · ');
}

/** Projects seen in the matrix, for the project filter. */
export const projectsOf = (m: SyncMatrix | null): string[] => [...new Set((m?.rows ?? []).map((r) => r.project))].sort();

/** Pod statuses that mean the image could not be pulled. */
export const isPullError = (status: string) => status === 'ImagePullBackOff' || status === 'ErrImagePull' || status === 'InvalidImageName';

/** "a, b  c" → ['a', 'b', 'c'] (comma- or space-separated lists in forms). */
export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
export const joinList = (list: string[] | undefined): string => (list ?? []).join(', ');

/** How a row's repository was found, in words. */
export const sourceLabel: Record<string, string> = {
  catalog: 'registry catalog',
  harbor: 'Harbor projects',
  named: 'named in the registry settings',
  cluster: 'running in a cluster',
  plan: 'target of a saved plan',
};
