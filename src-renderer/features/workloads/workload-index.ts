import type { DeploymentSummary, PodSummary, WorkloadDiff, WorkloadKind } from '../../../src-shared/workloads/contract';

/** A row as the tables use it: the summary plus a lowercase key for free-text search, computed once per upsert. */
export type PodRow = PodSummary & { readonly searchKey: string };
export type DeploymentRow = DeploymentSummary & { readonly searchKey: string };

/** The same version of the same row, and both live or both from the snapshot. */
const same = (a: Keyed, b: Keyed): boolean => a.resourceVersion === b.resourceVersion && a.staleAsOf === b.staleAsOf;

interface Keyed {
  uid: string;
  resourceVersion: string;
  /** Set on rows from the saved snapshot: a live row of the same version still replaces it. */
  staleAsOf?: number;
  clusterId: string;
  name: string;
  images: readonly string[];
}

/** Name and images, lowercased: what the free-text filter matches ("name or image contains"). */
export function searchKeyOf(item: { name: string; images: readonly string[] }): string {
  let key = item.name;
  for (const image of item.images) key += '\n' + image;
  return key.toLowerCase();
}

/**
 * How an array of rows differs from an earlier one: which row objects went away and which came
 * in (a changed row is both: its old object removed, its new object added). Lets the sorted view
 * splice in 200 changes instead of re-sorting 50,000 rows.
 */
export interface RowsDelta<T> {
  from: readonly T[];
  added: readonly T[];
  removed: readonly T[];
}

// Keyed by the resulting array, so a consumer always gets the delta that matches the array it
// holds (React may skip intermediate versions; then there is no matching `from` and it re-sorts).
// `from` is held weakly: held strongly, every array kept the one before it alive through its
// delta, and so on back to the last reset (50k pods: ~400 KB per batch, 115 MB after 300 batches).
interface StoredDelta {
  from: WeakRef<readonly object[]>;
  added: readonly object[];
  removed: readonly object[];
}
const deltas = new WeakMap<readonly object[], StoredDelta>();

export function rowsDelta<T extends object>(rows: readonly T[]): RowsDelta<T> | undefined {
  const d = deltas.get(rows);
  const from = d?.from.deref();
  // A `from` nobody holds any more cannot match what a consumer holds.
  return d && from ? ({ from, added: d.added, removed: d.removed } as RowsDelta<T>) : undefined;
}

export function recordDelta<T extends object>(rows: readonly T[], delta: RowsDelta<T>): void {
  deltas.set(rows, { from: new WeakRef(delta.from), added: delta.added, removed: delta.removed });
}

interface ClusterBucket<T> {
  byUid: Map<string, T>;
  /** Cached Array.from(byUid.values()); null when the map changed since. */
  rows: T[] | null;
  /** A reset has been received: the list is complete (synced). */
  synced: boolean;
}

/**
 * Rows of one kind, per cluster, keyed by uid. Applying diffs touches only the maps; arrays are
 * rebuilt lazily and only for clusters that changed, so unchanged clusters keep their array
 * identity and an idle app produces no new arrays at all.
 */
export class KindIndex<T extends Keyed> {
  private readonly buckets = new Map<string, ClusterBucket<T & { searchKey: string }>>();
  private all: (T & { searchKey: string })[] = [];
  private dirty = false;
  // Changes since the last rows() call; `bulk` when too much changed to describe (reset, removal).
  private added = new Set<T & { searchKey: string }>();
  private removed: (T & { searchKey: string })[] = [];
  private bulk = false;

  private noteRemoved(row: T & { searchKey: string }): void {
    if (this.bulk) return;
    // A row added and replaced (or deleted) within one batch never reached the last rows().
    if (!this.added.delete(row)) this.removed.push(row);
  }

  private bucket(clusterId: string): ClusterBucket<T & { searchKey: string }> {
    let b = this.buckets.get(clusterId);
    if (!b) {
      b = { byUid: new Map(), rows: null, synced: false };
      this.buckets.set(clusterId, b);
    }
    return b;
  }

  /** Returns true when anything visible changed. */
  apply(clusterId: string, reset: boolean, upserts: readonly T[], deletes: readonly string[]): boolean {
    const b = this.bucket(clusterId);
    let changed = false;
    if (reset) {
      // Keep the row objects whose resourceVersion did not change: no new search keys, stable identity.
      const previous = b.byUid;
      b.byUid = new Map();
      for (const item of upserts) {
        const old = previous.get(item.uid);
        b.byUid.set(item.uid, old && same(old, item) ? old : decorate(item));
      }
      changed = true;
      this.bulk = true;
      if (!b.synced) b.synced = true;
    } else {
      for (const item of upserts) {
        const old = b.byUid.get(item.uid);
        if (old && same(old, item)) continue;
        const row = decorate(item);
        b.byUid.set(item.uid, row);
        if (old) this.noteRemoved(old);
        if (!this.bulk) this.added.add(row);
        changed = true;
      }
    }
    for (const uid of deletes) {
      const old = b.byUid.get(uid);
      if (old) {
        b.byUid.delete(uid);
        this.noteRemoved(old);
        changed = true;
      }
    }
    if (changed) {
      b.rows = null;
      this.dirty = true;
    }
    return changed;
  }

  /** Drop a cluster that is no longer configured. */
  removeCluster(clusterId: string): boolean {
    if (!this.buckets.delete(clusterId)) return false;
    this.dirty = true;
    this.bulk = true;
    return true;
  }

  clusterIds(): string[] {
    return [...this.buckets.keys()];
  }

  isSynced(clusterId: string): boolean {
    return this.buckets.get(clusterId)?.synced ?? false;
  }

  count(clusterId: string): number {
    return this.buckets.get(clusterId)?.byUid.size ?? 0;
  }

  /** All rows across clusters (clusters in id order). Same array identity until something changes. */
  rows(): (T & { searchKey: string })[] {
    if (!this.dirty) return this.all;
    const ids = [...this.buckets.keys()].sort();
    const parts: (T & { searchKey: string })[][] = [];
    for (const id of ids) {
      const b = this.buckets.get(id)!;
      if (!b.rows) b.rows = Array.from(b.byUid.values());
      parts.push(b.rows);
    }
    const from = this.all;
    this.all = parts.length === 1 ? parts[0]!.slice() : ([] as (T & { searchKey: string })[]).concat(...parts);
    this.dirty = false;
    if (!this.bulk) recordDelta(this.all, { from, added: [...this.added], removed: this.removed });
    this.added = new Set();
    this.removed = [];
    this.bulk = false;
    return this.all;
  }
}

function decorate<T extends Keyed>(item: T): T & { searchKey: string } {
  // The summaries arrive freshly parsed from the transport and are owned by us: annotate in place.
  const row = item as T & { searchKey: string };
  row.searchKey = searchKeyOf(item);
  return row;
}

export interface WorkloadChanges {
  pods: boolean;
  deployments: boolean;
}

/** Pods and Deployments of every cluster; the bridge applies batches of diffs here. */
export class WorkloadIndex {
  readonly pods = new KindIndex<PodSummary>();
  readonly deployments = new KindIndex<DeploymentSummary>();

  applyDiffs(diffs: readonly WorkloadDiff[]): WorkloadChanges {
    const changes: WorkloadChanges = { pods: false, deployments: false };
    for (const diff of diffs) {
      if (diff.kind === 'Pod') {
        if (this.pods.apply(diff.clusterId, diff.reset, diff.upserts, diff.deletes)) changes.pods = true;
      } else if (this.deployments.apply(diff.clusterId, diff.reset, diff.upserts, diff.deletes)) {
        changes.deployments = true;
      }
    }
    return changes;
  }

  /** Forget clusters that left the kubeconfig. */
  retainClusters(clusterIds: ReadonlySet<string>): WorkloadChanges {
    const changes: WorkloadChanges = { pods: false, deployments: false };
    for (const id of this.pods.clusterIds()) if (!clusterIds.has(id) && this.pods.removeCluster(id)) changes.pods = true;
    for (const id of this.deployments.clusterIds())
      if (!clusterIds.has(id) && this.deployments.removeCluster(id)) changes.deployments = true;
    return changes;
  }

  /** cluster id -> kinds that have received their initial list. */
  syncedKinds(): Record<string, WorkloadKind[]> {
    const out: Record<string, WorkloadKind[]> = {};
    const ids = new Set([...this.pods.clusterIds(), ...this.deployments.clusterIds()]);
    for (const id of ids) {
      const kinds: WorkloadKind[] = [];
      if (this.pods.isSynced(id)) kinds.push('Pod');
      if (this.deployments.isSynced(id)) kinds.push('Deployment');
      out[id] = kinds;
    }
    return out;
  }
}
