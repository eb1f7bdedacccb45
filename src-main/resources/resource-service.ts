/**
 * ResourceService: any resource type across clusters, as the server prints it.
 *
 *   const resources = new ResourceService(clusterService, { flushIntervalMs: 100 });
 *   await resources.kinds()                                  // discovery merged over clusters
 *   const stop = resources.subscribe(type, clusterIds, (diffs) => ...);
 *   await resources.detail(ref); await resources.revealSecretKey(req);
 *
 * A subscription gets a reset per cluster (its current rows and the server's columns), then
 * diffs coalesced per uid, flushed at most every `flushIntervalMs`, at most `maxBatch` rows each.
 * Watches are shared per cluster+type and stop with their last subscriber.
 */
import type { ResourceDiff, ResourceRow, ResourceType, KindInfo } from '../../src-shared/resources/contract';
import type { ClusterService } from '../clusters/cluster-service';
import type { Clock } from '../watch/clock';
import { systemClock } from '../watch/clock';
import type { DiscoveredKind } from './discovery';
import { discoverKinds } from './discovery';
import { toResourceRow } from './table-rows';
import { TypeWatch, typeKey } from './type-watch';

export interface ResourceServiceOptions {
  clock?: Clock;
  flushIntervalMs?: number;
  maxBatch?: number;
  /** How long a cluster's discovery answer is reused. Default 60 s. */
  discoveryTtlMs?: number;
  log?: (m: string) => void;
}

interface Pending {
  reset: boolean;
  status: boolean;
  upserts: Map<string, ResourceRow>;
  deletes: Set<string>;
}

interface Subscriber {
  type: ResourceType;
  clusterIds: Set<string> | undefined;
  onDiffs: (diffs: ResourceDiff[]) => void;
  pending: Map<string, Pending>;
  attached: Map<string, () => void>;
  columnsSent: Map<string, number>;
  timer: unknown;
  lastFlush: number;
  closed: boolean;
}

export class ResourceService {
  private readonly watches = new Map<string, TypeWatch>();
  private readonly subs = new Set<Subscriber>();
  private readonly discovery = new Map<string, { at: number; kinds: Promise<DiscoveredKind[] | string> }>();
  private readonly clock: Clock;
  private readonly disposeClusters: () => void;

  constructor(
    private readonly clusters: ClusterService,
    private readonly opts: ResourceServiceOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.disposeClusters = clusters.onDidChangeClusters(() => this.syncClusters());
  }

  /** Discovery of one cluster (cached); a string is the reason it failed. */
  discover(clusterId: string): Promise<DiscoveredKind[] | string> {
    const cached = this.discovery.get(clusterId);
    if (cached && this.clock.now() - cached.at < (this.opts.discoveryTtlMs ?? 60_000)) return cached.kinds;
    const release = this.clusters.acquire(clusterId);
    const conn = this.clusters.connection(clusterId);
    const kinds = conn
      ? discoverKinds(conn).then((r) => (r.ok ? r.value : r.error.message)).finally(release)
      : (release(), Promise.resolve(`Cluster "${clusterId}" has no usable connection (see the cluster overview).`));
    this.discovery.set(clusterId, { at: this.clock.now(), kinds });
    void kinds.then((k) => typeof k === 'string' && this.discovery.delete(clusterId));
    return kinds;
  }

  async kinds(): Promise<{ kinds: KindInfo[]; errors: { clusterId: string; message: string }[] }> {
    const ids = this.clusters.ids();
    const answers = await Promise.all(ids.map((id) => this.discover(id)));
    const merged = new Map<string, KindInfo>();
    const errors: { clusterId: string; message: string }[] = [];
    answers.forEach((a, i) => {
      const clusterId = ids[i]!;
      if (typeof a === 'string') return void errors.push({ clusterId, message: a });
      for (const k of a) {
        const key = typeKey(k);
        const known = merged.get(key);
        if (known) known.clusters.push(clusterId);
        else merged.set(key, { ...k, clusters: [clusterId] });
      }
    });
    return { kinds: [...merged.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group)), errors };
  }

  /** The type of `kind` in `group` as this cluster serves it (for owner references). */
  async knownType(clusterId: string, group: string, kind: string): Promise<ResourceType | undefined> {
    const kinds = await this.discover(clusterId);
    if (typeof kinds === 'string') return undefined;
    const k = kinds.find((x) => x.group === group && x.kind === kind);
    return k && { group: k.group, version: k.version, resource: k.resource };
  }

  subscribe(type: ResourceType, clusterIds: string[] | undefined, onDiffs: (diffs: ResourceDiff[]) => void): () => void {
    const sub: Subscriber = { type, clusterIds: clusterIds && new Set(clusterIds), onDiffs, pending: new Map(), attached: new Map(), columnsSent: new Map(), timer: undefined, lastFlush: -Infinity, closed: false };
    this.subs.add(sub);
    for (const id of this.clusters.ids()) this.attach(sub, id);
    this.schedule(sub);
    return () => {
      if (sub.closed) return;
      sub.closed = true;
      this.subs.delete(sub);
      this.clock.clearTimeout(sub.timer);
      for (const detach of sub.attached.values()) detach();
      sub.attached.clear();
    };
  }

  dispose(): void {
    this.disposeClusters();
    for (const s of [...this.subs]) {
      s.closed = true;
      this.clock.clearTimeout(s.timer);
      for (const d of s.attached.values()) d();
    }
    this.subs.clear();
    for (const w of this.watches.values()) w.reflector.dispose();
    this.watches.clear();
  }

  private attach(sub: Subscriber, clusterId: string): void {
    if ((sub.clusterIds && !sub.clusterIds.has(clusterId)) || sub.attached.has(clusterId)) return;
    const release = this.clusters.acquire(clusterId);
    const watch = this.watchFor(clusterId, sub.type);
    if (!watch) {
      release();
      this.pendingOf(sub, clusterId).reset = true;
      return;
    }
    watch.refs++;
    const offChange = watch.onDidChange((events) => {
      const p = this.pendingOf(sub, clusterId);
      for (const e of events) {
        if (!e.object.metadata.name) continue;
        const row = toResourceRow(clusterId, e.object);
        if (e.type === 'upsert') {
          p.upserts.set(row.uid, row);
          p.deletes.delete(row.uid);
        } else {
          p.upserts.delete(row.uid);
          if (!p.reset) p.deletes.add(row.uid);
        }
      }
      this.schedule(sub);
    });
    const offStatus = watch.reflector.onDidChangeStatus(() => {
      this.pendingOf(sub, clusterId).status = true;
      this.schedule(sub);
    });
    sub.attached.set(clusterId, () => {
      offChange();
      offStatus();
      release();
      if (--watch.refs === 0) {
        watch.reflector.dispose();
        this.watches.delete(`${clusterId}|${typeKey(sub.type)}`);
      }
    });
    const p = this.pendingOf(sub, clusterId);
    p.reset = true;
    p.upserts = new Map(watch.reflector.items().map((o) => toResourceRow(clusterId, o)).map((r) => [r.uid, r]));
    p.deletes.clear();
  }

  private watchFor(clusterId: string, type: ResourceType): TypeWatch | undefined {
    const key = `${clusterId}|${typeKey(type)}`;
    let w = this.watches.get(key);
    if (w) return w;
    const conn = this.clusters.connection(clusterId);
    if (!conn) return undefined;
    w = new TypeWatch(clusterId, type, conn, { clock: this.opts.clock, log: this.opts.log });
    this.watches.set(key, w);
    w.reflector.start();
    return w;
  }

  private pendingOf(sub: Subscriber, clusterId: string): Pending {
    let p = sub.pending.get(clusterId);
    if (!p) sub.pending.set(clusterId, (p = { reset: false, status: false, upserts: new Map(), deletes: new Set() }));
    return p;
  }

  private syncClusters(): void {
    const ids = new Set(this.clusters.ids());
    for (const sub of this.subs) {
      for (const id of ids) this.attach(sub, id);
      for (const [id, detach] of sub.attached) {
        if (ids.has(id)) continue;
        detach();
        sub.attached.delete(id);
        sub.pending.set(id, { reset: true, status: true, upserts: new Map(), deletes: new Set() });
        this.schedule(sub);
      }
    }
  }

  private schedule(sub: Subscriber): void {
    if (sub.closed || sub.timer !== undefined || sub.pending.size === 0) return;
    const wait = Math.max(0, sub.lastFlush + (this.opts.flushIntervalMs ?? 100) - this.clock.now());
    sub.timer = this.clock.setTimeout(() => {
      sub.timer = undefined;
      this.flush(sub);
    }, wait);
  }

  private flush(sub: Subscriber): void {
    if (sub.closed) return;
    let budget = this.opts.maxBatch ?? 5000;
    const diffs: ResourceDiff[] = [];
    for (const [clusterId, p] of sub.pending) {
      if (budget <= 0) break;
      const watch = this.watches.get(`${clusterId}|${typeKey(sub.type)}`);
      const upserts: ResourceRow[] = [];
      const deletes: string[] = [];
      for (const [uid, row] of p.upserts) {
        if (budget-- <= 0) break;
        upserts.push(row);
        p.upserts.delete(uid);
      }
      for (const uid of p.deletes) {
        if (budget-- <= 0) break;
        deletes.push(uid);
        p.deletes.delete(uid);
      }
      const status = watch?.reflector.status();
      const diff: ResourceDiff = { clusterId, reset: p.reset, upserts, deletes, synced: status?.synced ?? false };
      if (status?.error) diff.error = status.error.message.slice(0, 2000);
      if (!watch) diff.error = `Cluster "${clusterId}" has no usable connection (see the cluster overview).`;
      if (watch?.columns && sub.columnsSent.get(clusterId) !== watch.columnsVersion) {
        diff.columns = watch.columns;
        sub.columnsSent.set(clusterId, watch.columnsVersion);
      }
      diffs.push(diff);
      p.reset = false;
      p.status = false;
      if (p.upserts.size === 0 && p.deletes.size === 0) sub.pending.delete(clusterId);
    }
    sub.lastFlush = this.clock.now();
    if (diffs.length) {
      try {
        sub.onDiffs(diffs);
      } catch {
        /* a failing subscriber must not break the others */
      }
    }
    this.schedule(sub);
  }
}
