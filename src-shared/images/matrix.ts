import type { AppError } from '../result';
import type { CellState, MatrixCell, MatrixFilter, MatrixRow, SyncMatrix } from './contract';

/**
 * Sync matrix computation: pure, so that it is tested without registries and reused offline.
 * Rows are images (repository:tag), columns are regions.
 */

/** One region's registry has `repository:tag` with this digest. */
export interface TagObservation {
  region: string;
  repository: string;
  tag: string;
  digest: string;
  /** Epoch ms (Harbor push_time); absent for plain OCI registries. */
  pushedAt?: number;
}

/** A replication task that copies `repository:tag` into `destRegion`. */
export interface ReplicationObservation {
  destRegion: string;
  repository: string;
  tag: string;
  /** Harbor task status: Pending, InProgress/Running, Succeed, Failed, Stopped. */
  taskStatus: string;
  taskStartedAt?: number;
  /** The execution is InProgress beyond the stuck threshold. */
  stuck: boolean;
}

export interface MatrixInput {
  regions: string[];
  observations: TagObservation[];
  /** Images whose region listing is complete, per region. A region absent here could not be read. */
  readableRegions: Set<string>;
  /** Why a region could not be read (its cells become 'unknown'). */
  regionErrors: Map<string, AppError>;
  registryErrors?: { registryId: string; error: AppError }[];
  replication: ReplicationObservation[];
  /** `repository:tag` or `repository` (any tag) that running workloads or plans use. */
  priority: Set<string>;
  now: number;
  filter?: MatrixFilter;
  /** Region where CI pushes: its digest is the reference, whatever the other regions hold. */
  sourceRegion?: string;
  /** Whether `region` follows `repository` (include/exclude, projects, explicit list). Absent: every region follows everything. */
  follows?: (region: string, repository: string) => boolean;
  /** Where each repository was discovered (catalog, Harbor, named, cluster, plan). */
  sources?: Map<string, string[]>;
  /** Per region that cannot be read: since when (epoch ms). */
  unreadableSince?: Map<string, number>;
}

export const imageKey = (repository: string, tag: string) => `${repository}:${tag}`;

const activeTaskStatuses = new Set(['Pending', 'InProgress', 'Running', 'Scheduled']);

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function matchesFilter(repository: string, tag: string, filter: MatrixFilter | undefined): boolean {
  if (!filter) return true;
  const project = repository.split('/')[0];
  if (filter.project && project !== filter.project) return false;
  if (filter.app && !repository.toLowerCase().includes(filter.app.toLowerCase())) return false;
  if (filter.tagPattern && !globToRegExp(filter.tagPattern).test(tag)) return false;
  return true;
}

/**
 * The digest every region should have, decided without regard to sort order or to which regions
 * happen to be readable:
 * - with a source region (where CI pushes) that holds the tag: its digest;
 * - with a source region that could not be read: unknown (`sourceUnreadable`), nobody is blamed;
 * - otherwise, with push times everywhere (Harbor): the digest first pushed most recently (a re-push
 *   supersedes older copies; a replica's later push_time does not make it the source);
 * - otherwise, when every region holds the same digest: that one; when they differ: a conflict
 *   (no reference: each differing cell is a mismatch, no region is right by default).
 */
export function referenceDigest(
  obs: TagObservation[],
  sourceRegion?: string,
  readable?: Set<string>,
): { digest: string; region: string; pushedAt?: number } | { conflict: true } | { sourceUnreadable: true } | undefined {
  if (obs.length === 0) return undefined;
  if (sourceRegion) {
    const fromSource = obs.find((o) => o.region === sourceRegion);
    if (fromSource) return { digest: fromSource.digest, region: fromSource.region, pushedAt: fromSource.pushedAt };
    if (readable && !readable.has(sourceRegion)) return { sourceUnreadable: true };
  }
  const firstPush = new Map<string, TagObservation>();
  for (const o of obs) {
    const prev = firstPush.get(o.digest);
    if (!prev || (o.pushedAt ?? Infinity) < (prev.pushedAt ?? Infinity)) firstPush.set(o.digest, o);
  }
  const candidates = [...firstPush.values()];
  if (candidates.length === 1) return { digest: candidates[0]!.digest, region: candidates[0]!.region, pushedAt: candidates[0]!.pushedAt };
  if (candidates.every((c) => c.pushedAt !== undefined)) {
    const newest = Math.max(...candidates.map((c) => c.pushedAt!));
    const best = candidates.filter((c) => c.pushedAt === newest);
    if (best.length === 1) return { digest: best[0]!.digest, region: best[0]!.region, pushedAt: best[0]!.pushedAt };
  }
  return { conflict: true };
}

/** The newest replication task concerning one cell. */
function latestTask(tasks: ReplicationObservation[] | undefined): ReplicationObservation | undefined {
  if (!tasks?.length) return undefined;
  return [...tasks].sort((a, b) => (b.taskStartedAt ?? 0) - (a.taskStartedAt ?? 0))[0];
}

export function cellState(
  present: TagObservation | undefined,
  reference: string | undefined,
  task: ReplicationObservation | undefined,
): CellState {
  const active = task !== undefined && activeTaskStatuses.has(task.taskStatus);
  if (present && present.digest === reference) return 'synced';
  if (active) return 'replicating';
  if (task?.taskStatus === 'Failed') return 'failed';
  if (present) return 'mismatch';
  return 'missing';
}

/** Row order: images used by workloads and plans first, then newest push first, then name. */
export const compareRows = (a: MatrixRow, b: MatrixRow): number =>
  Number(b.priority) - Number(a.priority) ||
  (b.sourcePushedAt ?? 0) - (a.sourcePushedAt ?? 0) ||
  a.repository.localeCompare(b.repository) ||
  a.tag.localeCompare(b.tag);

export function computeMatrix(input: MatrixInput): SyncMatrix {
  const { regions, now } = input;
  const byImage = new Map<string, { repository: string; tag: string; obs: TagObservation[] }>();
  for (const o of input.observations) {
    if (!matchesFilter(o.repository, o.tag, input.filter)) continue;
    const key = imageKey(o.repository, o.tag);
    let entry = byImage.get(key);
    if (!entry) byImage.set(key, (entry = { repository: o.repository, tag: o.tag, obs: [] }));
    if (!entry.obs.some((x) => x.region === o.region)) entry.obs.push(o);
  }
  const tasksByCell = new Map<string, ReplicationObservation[]>();
  for (const t of input.replication) {
    const key = `${imageKey(t.repository, t.tag)}@${t.destRegion}`;
    const list = tasksByCell.get(key) ?? [];
    list.push(t);
    tasksByCell.set(key, list);
  }

  let rows: MatrixRow[] = [];
  for (const [key, { repository, tag, obs }] of byImage) {
    const decided = referenceDigest(obs, input.sourceRegion, input.readableRegions);
    const ref = decided && 'digest' in decided ? decided : undefined;
    const conflict = !!decided && 'conflict' in decided;
    const sourceUnreadable = !!decided && 'sourceUnreadable' in decided;
    const cells: MatrixCell[] = regions.map((region) => {
      const error = input.regionErrors.get(region);
      if (input.follows && !input.follows(region, repository)) return { region, state: 'not-followed', stuck: false };
      if (!input.readableRegions.has(region)) {
        return { region, state: 'unknown', stuck: false, ...(error ? { error } : {}) };
      }
      const present = obs.find((o) => o.region === region);
      if (present && sourceUnreadable)
        return {
          region,
          state: 'unknown',
          digest: present.digest,
          stuck: false,
          error: {
            code: 'unavailable',
            message: `The source region ${input.sourceRegion} could not be read: this digest cannot be compared with it.`,
          },
        };
      const task = latestTask(tasksByCell.get(`${key}@${region}`));
      const state = conflict && present ? 'mismatch' : cellState(present, ref?.digest, task);
      let lagMs: number | undefined;
      if (ref?.pushedAt !== undefined) {
        if (state === 'synced') lagMs = present?.pushedAt !== undefined ? Math.max(0, present.pushedAt - ref.pushedAt) : undefined;
        else lagMs = Math.max(0, now - ref.pushedAt);
      }
      return {
        region,
        state,
        digest: present?.digest,
        pushedAt: present?.pushedAt,
        lagMs,
        stuck: state !== 'synced' && task !== undefined && task.stuck && activeTaskStatuses.has(task.taskStatus),
      };
    });
    const [project = ''] = repository.split('/');
    const priority = input.priority.has(key) || input.priority.has(repository);
    const sources = input.sources?.get(repository);
    const row: MatrixRow = {
      repository,
      tag,
      project,
      digest: ref?.digest,
      sourceRegion: ref?.region,
      sourcePushedAt: ref?.pushedAt,
      priority,
      cells,
      ...(conflict ? { conflict: true } : {}),
      ...(sources?.length ? { sources } : {}),
    };
    if (input.filter?.onlyOutOfSync && cells.every((c) => c.state === 'synced' || c.state === 'not-followed')) continue;
    rows.push(row);
  }
  // Priority first, then newest push first, then name.
  rows.sort(compareRows);
  // Counts cover every image that matched, not only the rows sent (the list is capped for the view).
  // Unknown and not-followed cells are counted as such, never as in sync.
  const summary = regions.map((region) => {
    let outOfSync = 0;
    let stuck = 0;
    let unknown = 0;
    let notFollowed = 0;
    let oldestLagMs: number | undefined;
    for (const row of rows) {
      const cell = row.cells.find((c) => c.region === region);
      if (!cell || cell.state === 'synced') continue;
      if (cell.state === 'unknown') {
        unknown++;
        continue;
      }
      if (cell.state === 'not-followed') {
        notFollowed++;
        continue;
      }
      outOfSync++;
      if (cell.stuck) stuck++;
      if (cell.lagMs !== undefined && (oldestLagMs === undefined || cell.lagMs > oldestLagMs)) oldestLagMs = cell.lagMs;
    }
    const readable = input.readableRegions.has(region);
    const since = input.unreadableSince?.get(region);
    const state = !readable ? 'unknown' : outOfSync > 0 ? 'out-of-sync' : unknown > 0 ? 'unknown' : 'in-sync';
    return {
      region,
      state,
      outOfSync,
      unknown,
      notFollowed,
      stuck,
      ...(oldestLagMs !== undefined ? { oldestLagMs } : {}),
      ...(!readable && since !== undefined ? { unreadableSince: since } : {}),
      ...(!readable && input.regionErrors.get(region) ? { error: input.regionErrors.get(region) } : {}),
    } as const;
  });

  const limit = input.filter?.limit ?? 5_000;
  const truncated = rows.length > limit;
  if (truncated) rows = rows.slice(0, limit);

  return {
    computedAt: now,
    regions,
    rows,
    summary,
    errors: input.registryErrors ?? [],
    truncated,
    ...(input.sourceRegion ? { sourceRegion: input.sourceRegion } : {}),
  };
}

/** Sort tasks for display: failed first, then active, then newest. */
export function sortTasksFailedFirst<T extends { status: string; startTime?: number }>(tasks: T[]): T[] {
  const rank = (s: string) => (s === 'Failed' ? 0 : activeTaskStatuses.has(s) ? 1 : s === 'Stopped' ? 2 : 3);
  return [...tasks].sort((a, b) => rank(a.status) - rank(b.status) || (b.startTime ?? 0) - (a.startTime ?? 0));
}

/** An execution is stuck when InProgress longer than the threshold. */
export const isStuck = (status: string, startTime: number | undefined, now: number, thresholdMs: number) =>
  status === 'InProgress' && startTime !== undefined && now - startTime > thresholdMs;

/**
 * Harbor task resources look like `library/app:[1.0]` or `library/app:[1.0,1.1]` (or a plain
 * `library/app:1.0`). Returns the repository and tags, dropping a destination namespace prefix.
 */
export function parseTaskResource(resource: string | undefined): { repository: string; tags: string[] } | undefined {
  if (!resource) return undefined;
  const m = /^(.+?):\[([^\]]*)\](?:\(\d+\))?$/.exec(resource) ?? /^(.+):([^:/]+)$/.exec(resource);
  if (!m) return undefined;
  const tags = (m[2] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return { repository: m[1]!, tags };
}
