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
import type { Batch } from '../watch/diff-batcher';
import { ClusterSubscribers, type ClusterSubscriber } from '../watch/cluster-subscribers';
import { SharedWatches } from '../watch/shared-watches';
import { DiffBatcher } from '../watch/diff-batcher';
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

interface Subscriber extends ClusterSubscriber {
  type: ResourceType;
  batcher: DiffBatcher<ResourceRow>;
  columnsSent: Map<string, number>;
}

export class ResourceService {
  private readonly watches = new SharedWatches<TypeWatch>((w) => w.reflector.dispose());
  private readonly subs = new ClusterSubscribers<Subscriber>({
    attach: (sub, id) => this.attach(sub, id),
    gone: (sub, id) => sub.batcher.reset(id, []),
  });
  private readonly discovery = new Map<string, { at: number; kinds: Promise<DiscoveredKind[] | string> }>();
  private readonly clock: Clock;
  private readonly disposeClusters: () => void;

  constructor(
    private readonly clusters: ClusterService,
    private readonly opts: ResourceServiceOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.disposeClusters = clusters.onDidChangeClusters(() => this.subs.sync(new Set(this.clusters.ids())));
  }

  /** Discovery of one cluster (cached); a string is the reason it failed. */
  discover(clusterId: string): Promise<DiscoveredKind[] | string> {
    const cached = this.discovery.get(clusterId);
    if (cached && this.clock.now() - cached.at < (this.opts.discoveryTtlMs ?? 60_000)) return cached.kinds;
    const release = this.clusters.acquire(clusterId);
    const conn = this.clusters.connection(clusterId);
    const kinds = conn
      ? discoverKinds(conn)
          .then((r) => (r.ok ? r.value : r.error.message))
          .finally(release)
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
    const batcher = new DiffBatcher<ResourceRow>(
      { clock: this.clock, flushIntervalMs: this.opts.flushIntervalMs, maxBatch: this.opts.maxBatch },
      (batches) => onDiffs(this.toDiffs(sub, batches)),
    );
    const sub: Subscriber = {
      type,
      clusterIds: clusterIds && new Set(clusterIds),
      batcher,
      attached: new Map(),
      columnsSent: new Map(),
      closed: false,
    };
    return this.subs.add(sub, this.clusters.ids());
  }

  dispose(): void {
    this.disposeClusters();
    this.subs.dispose();
    this.watches.dispose();
  }

  /** Shares the cluster's watch of the type; undefined while the cluster has no connection. */
  private attach(sub: Subscriber, clusterId: string): (() => void) | undefined {
    const release = this.clusters.acquire(clusterId);
    const shared = this.watches.acquire(`${clusterId}|${typeKey(sub.type)}`, () => this.newWatch(clusterId, sub.type));
    if (!shared) {
      release();
      sub.batcher.reset(clusterId, []);
      return undefined;
    }
    const { watch } = shared;
    const offChange = watch.onDidChange((events) => {
      for (const e of events) {
        if (!e.object.metadata.name) continue;
        const row = toResourceRow(clusterId, e.object);
        if (e.type === 'upsert') sub.batcher.upsert(clusterId, row);
        else sub.batcher.delete(clusterId, row.uid);
      }
    });
    const offStatus = watch.reflector.onDidChangeStatus(() => sub.batcher.touch(clusterId));
    sub.batcher.reset(
      clusterId,
      watch.reflector.items().map((o) => toResourceRow(clusterId, o)),
    );
    return () => {
      offChange();
      offStatus();
      release();
      shared.release();
    };
  }

  private newWatch(clusterId: string, type: ResourceType): TypeWatch | undefined {
    const conn = this.clusters.connection(clusterId);
    if (!conn) return undefined;
    const w = new TypeWatch(clusterId, type, conn, { clock: this.opts.clock, log: this.opts.log });
    w.reflector.start();
    return w;
  }

  /** Batches of rows become diffs with each cluster's sync state, error and (changed) columns. */
  private toDiffs(sub: Subscriber, batches: Batch<ResourceRow>[]): ResourceDiff[] {
    return batches.map(({ key: clusterId, reset, upserts, deletes }) => {
      const watch = this.watches.get(`${clusterId}|${typeKey(sub.type)}`);
      const status = watch?.reflector.status();
      const diff: ResourceDiff = { clusterId, reset, upserts, deletes, synced: status?.synced ?? false };
      if (status?.error) diff.error = status.error.message.slice(0, 2000);
      if (!watch) diff.error = `Cluster "${clusterId}" has no usable connection (see the cluster overview).`;
      if (watch?.columns && sub.columnsSent.get(clusterId) !== watch.columnsVersion) {
        diff.columns = watch.columns;
        sub.columnsSent.set(clusterId, watch.columnsVersion);
      }
      return diff;
    });
  }
}
