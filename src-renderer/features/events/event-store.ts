/**
 * The events the view holds, bounded: over `cap`, the oldest Normal events go first (down to 90% of
 * the cap, so that trimming is not paid on every batch), Warnings only when Normals are gone.
 * What was dropped is counted, so the view can say so.
 */
import type { EventDiff, EventRow } from '../../../src-shared/events/contract';

export const DEFAULT_EVENT_CAP = 20_000;

export class EventStore {
  private readonly byCluster = new Map<string, Map<string, EventRow>>();
  private total = 0;
  droppedNormal = 0;
  droppedWarning = 0;
  readonly clusters = new Map<string, { synced: boolean; error?: string }>();

  constructor(readonly cap = DEFAULT_EVENT_CAP) {}

  get size(): number {
    return this.total;
  }

  apply(diffs: readonly EventDiff[]): void {
    for (const d of diffs) {
      let m = this.byCluster.get(d.clusterId);
      if (d.reset || !m) {
        if (m) this.total -= m.size;
        this.byCluster.set(d.clusterId, (m = new Map()));
      }
      for (const u of d.upserts) {
        if (!m.has(u.uid)) this.total++;
        m.set(u.uid, u);
      }
      for (const uid of d.deletes) if (m.delete(uid)) this.total--;
      this.clusters.set(d.clusterId, { synced: d.synced, ...(d.error ? { error: d.error } : {}) });
    }
    if (this.total > this.cap) this.trim();
  }

  rows(): EventRow[] {
    const out: EventRow[] = [];
    for (const m of this.byCluster.values()) for (const r of m.values()) out.push(r);
    return out;
  }

  private trim(): void {
    const target = Math.floor(this.cap * 0.9);
    const all = this.rows();
    // Oldest Normal first, then oldest Warning.
    all.sort((a, b) => Number(a.type === 'Warning') - Number(b.type === 'Warning') || a.lastSeen - b.lastSeen);
    for (let i = 0; i < all.length && this.total > target; i++) {
      const r = all[i]!;
      if (this.byCluster.get(r.clusterId)?.delete(r.uid)) {
        this.total--;
        if (r.type === 'Warning') this.droppedWarning++;
        else this.droppedNormal++;
      }
    }
  }
}

/** Repeats of one thing happening to one object: same cluster, object, type and reason. */
export interface EventGroup {
  key: string;
  clusterId: string;
  namespace: string;
  type: string;
  reason: string;
  object: EventRow['object'];
  /** The latest event's message. */
  message: string;
  /** Occurrences (sum of the events' counts) and how many Event objects that took. */
  count: number;
  events: number;
  firstSeen: number;
  lastSeen: number;
}

export function groupEvents(rows: readonly EventRow[], grouped: boolean): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const r of rows) {
    const key = grouped
      ? `${r.clusterId}\u0000${r.object.namespace}\u0000${r.object.kind}\u0000${r.object.name}\u0000${r.type}\u0000${r.reason}`
      : `${r.clusterId}\u0000${r.uid}`;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        key,
        clusterId: r.clusterId,
        namespace: r.namespace,
        type: r.type,
        reason: r.reason,
        object: r.object,
        message: r.message,
        count: r.count,
        events: 1,
        firstSeen: r.firstSeen ?? r.lastSeen,
        lastSeen: r.lastSeen,
      });
      continue;
    }
    g.count += r.count;
    g.events++;
    g.firstSeen = Math.min(g.firstSeen, r.firstSeen ?? r.lastSeen);
    if (r.lastSeen >= g.lastSeen) {
      g.lastSeen = r.lastSeen;
      g.message = r.message;
    }
  }
  return [...groups.values()];
}

/** Warnings first, then the most recent. */
export const compareGroups = (a: EventGroup, b: EventGroup): number =>
  Number(b.type === 'Warning') - Number(a.type === 'Warning') || b.lastSeen - a.lastSeen;

export interface EventFilters {
  cluster: string;
  namespace: string;
  kind: string;
  reason: string;
  type: string;
  object: string;
}
export const emptyEventFilters: EventFilters = { cluster: '', namespace: '', kind: '', reason: '', type: '', object: '' };

export function filterEvents(rows: readonly EventRow[], f: EventFilters): EventRow[] {
  const text = f.object.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.cluster || r.clusterId === f.cluster) &&
      (!f.namespace || r.object.namespace === f.namespace) &&
      (!f.kind || r.object.kind === f.kind) &&
      (!f.reason || r.reason === f.reason) &&
      (!f.type || r.type === f.type) &&
      (!text || r.object.name.toLowerCase().includes(text)),
  );
}
