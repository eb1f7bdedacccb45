/**
 * PaletteService: the command palette's names, kept live. On the first search each cluster gets a
 * feed: pods and Deployments come from the watches the workloads layer already keeps
 * (ClusterService's per-cluster ClusterWorkloads); every other kind from one metadata-only
 * reflector per type (paged list, then watch; objects cut down to namespace and name). A change
 * of names (an object added or deleted; a pod's status changing is not one) marks its bucket
 * dirty, and dirty buckets are rebuilt off the keystroke path, `rebuildMs` after the first mark:
 * an object created with kubectl is found about half a second after its watch event, and a
 * search costs only the search.
 * Feeds stop (and clusters are released) after `idleMs` without a search; the names stay for the
 * next search, which starts the feeds again (a relist diffs them up to date).
 *
 *   const palette = new PaletteService(clusters, (id) => resources.discover(id));
 *   palette.search('web', 50);   // answers at once from what is indexed; `pending` clusters still listing
 *   palette.dispose();
 */
import type { KubeObject, ObjectMeta } from '../../src-shared/k8s/types';
import { Interner } from '../base/interner';
import type { PaletteHit } from '../../src-shared/palette/contract';
import type { ResourceType } from '../../src-shared/resources/contract';
import type { ClusterService } from '../clusters/cluster-service';
import type { DiscoveredKind } from '../resources/discovery';
import { collectionPath, typeKey } from '../resources/type-watch';
import { metadataTransport } from '../watch/metadata-transport';
import { Reflector } from '../watch/reflector';
import { NameIndex } from './name-index';

/** Kinds whose names nobody looks up, and which are the most numerous. */
const SKIP = new Set(['events', 'endpoints', 'endpointslices', 'leases', 'replicasets', 'controllerrevisions']);
/** Kinds the workloads layer already watches in every connected cluster. */
const FROM_WORKLOADS: Record<string, 'pods' | 'deployments'> = { '/pods': 'pods', 'apps/deployments': 'deployments' };

type Clusters = Pick<ClusterService, 'ids' | 'connection' | 'acquire' | 'workloads' | 'onDidChangeWorkloads'>;

export interface PaletteServiceOptions {
  /** Dirty buckets are rebuilt this long after the first change (ms). Default 500. */
  rebuildMs?: number;
  /** Feeds stop after this long without a search (ms). Default 10 min. */
  idleMs?: number;
  now?: () => number;
  log?: (m: string) => void;
}

interface Bucket {
  type: ResourceType;
  kind: string;
  /** The names right now: from a palette reflector, or from the workloads layer. */
  names(): { namespace: string; name: string }[];
  dirty: boolean;
  /** Built once its first list was complete (before that, searches build it themselves). */
  complete: boolean;
  synced(): boolean;
}

/**
 * Pods or Deployments: how many were indexed, to tell a new object from a status change (a change
 * with deletions always changes names; one with only upserts does when the count grew). A count
 * instead of a set of 50,000 uids.
 */
interface WorkloadBucket extends Bucket {
  indexed: number;
  count(): number;
}

interface Feed {
  release: () => void;
  buckets: Map<string, Bucket>;
  reflectors: Reflector<KubeObject>[];
  disposers: (() => void)[];
  discovering: boolean;
  stopped: boolean;
}

/**
 * What a palette reflector keeps per object: identity and version only, in one object (the
 * reflector reads `metadata`, which is the entry itself) instead of an object and its metadata;
 * namespaces shared through the feed's interner.
 */
class NameEntry implements KubeObject {
  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly uid: string,
    readonly resourceVersion: string,
  ) {}

  get metadata(): ObjectMeta {
    return this;
  }
}

export class PaletteService {
  readonly index = new NameIndex();
  private readonly feeds = new Map<string, Feed>();
  private lastSearch = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly clusters: Clusters,
    private readonly discover: (clusterId: string) => Promise<DiscoveredKind[] | string>,
    private readonly opts: PaletteServiceOptions = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  search(query: string, limit = 50): { hits: PaletteHit[]; indexed: number; pending: number; tookMs: number } {
    this.lastSearch = this.now();
    this.refresh();
    const t0 = performance.now();
    // Only what was not built since its first list completed: later changes are the timer's.
    this.rebuild((b) => !b.complete);
    const hits = this.index.search(query, limit);
    return { hits, indexed: this.index.size, pending: this.pending(), tookMs: performance.now() - t0 };
  }

  /** Clusters whose feeds are running (0 once idle). */
  get liveClusters(): number {
    return this.feeds.size;
  }

  /** Clusters whose names are not all listed yet. */
  pending(): number {
    let n = 0;
    for (const f of this.feeds.values()) if (f.discovering || [...f.buckets.values()].some((b) => !b.synced())) n++;
    return n;
  }

  /** Start feeds for clusters that have none; drop clusters that are gone. */
  refresh(): void {
    const ids = new Set(this.clusters.ids());
    for (const [id, f] of this.feeds)
      if (!ids.has(id)) {
        this.stopFeed(f);
        this.feeds.delete(id);
        this.index.dropCluster(id);
      }
    for (const id of ids) if (!this.feeds.has(id)) this.startFeed(id);
    this.scheduleIdle();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.rebuildTimer);
    for (const f of this.feeds.values()) this.stopFeed(f);
    this.feeds.clear();
  }

  private scheduleIdle(): void {
    if (this.idleTimer) return;
    const idle = this.opts.idleMs ?? 10 * 60_000;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.now() - this.lastSearch < idle) return this.scheduleIdle();
      // Nobody searched for a while: stop watching, keep the names for the next search.
      for (const f of this.feeds.values()) this.stopFeed(f);
      this.feeds.clear();
    }, idle);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  private markDirty(b: Bucket): void {
    b.dirty = true;
    if (this.rebuildTimer) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuild(() => true);
    }, this.opts.rebuildMs ?? 500);
    (this.rebuildTimer as { unref?: () => void }).unref?.();
  }

  private rebuild(which: (b: Bucket) => boolean): void {
    for (const [id, f] of this.feeds) {
      for (const b of f.buckets.values()) {
        if (!b.dirty || !which(b)) continue;
        // A type being listed again (feeds restarted after idle) keeps its old names until synced.
        if (!b.synced() && this.index.has(id, b.type)) continue;
        b.dirty = false;
        b.complete = b.synced();
        this.index.replace(id, b.type, b.kind, b.names());
      }
    }
  }

  private startFeed(clusterId: string): void {
    const feed: Feed = {
      release: this.clusters.acquire(clusterId),
      buckets: new Map(),
      reflectors: [],
      disposers: [],
      discovering: true,
      stopped: false,
    };
    this.feeds.set(clusterId, feed);
    void this.discover(clusterId).then((kinds) => {
      feed.discovering = false;
      if (feed.stopped) return;
      const conn = this.clusters.connection(clusterId);
      if (!conn || typeof kinds === 'string') {
        this.opts.log?.(`palette: ${clusterId}: ${typeof kinds === 'string' ? kinds : 'not connected'}`);
        // Try again at the next search.
        this.stopFeed(feed);
        this.feeds.delete(clusterId);
        return;
      }
      const fromWorkloads = new Map<string, WorkloadBucket>();
      const strings = new Interner();
      for (const k of kinds) {
        if (SKIP.has(k.resource)) continue;
        const type: ResourceType = { group: k.group, version: k.version, resource: k.resource };
        const key = typeKey(type);
        const shared = FROM_WORKLOADS[`${k.group}/${k.resource}`];
        if (shared) {
          const list = () => {
            const w = this.clusters.workloads(clusterId);
            return w ? (shared === 'pods' ? w.podList() : w.deploymentList()) : [];
          };
          const bucket: WorkloadBucket = {
            type,
            kind: k.kind,
            dirty: true,
            complete: false,
            indexed: 0,
            count: () => this.clusters.workloads(clusterId)?.counts()[shared] ?? 0,
            names() {
              const items = list();
              this.indexed = items.length;
              return items.map((o) => ({ namespace: o.namespace, name: o.name }));
            },
            synced: () => this.clusters.workloads(clusterId)?.statuses()[shared].synced ?? false,
          };
          feed.buckets.set(key, bucket);
          fromWorkloads.set(shared === 'pods' ? 'Pod' : 'Deployment', bucket);
          continue;
        }
        const r = new Reflector<KubeObject>({
          transport: metadataTransport(conn),
          path: collectionPath(type),
          resource: key,
          transform: (o) => {
            const m = o.metadata;
            return new NameEntry(m?.name ?? '', strings.of(m?.namespace ?? ''), m?.uid ?? '', m?.resourceVersion ?? '');
          },
          ...(this.opts.log ? { log: this.opts.log } : {}),
        });
        const bucket: Bucket = {
          type,
          kind: k.kind,
          dirty: true,
          complete: false,
          names: () => r.items().map((o) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' })),
          synced: () => r.status().synced,
        };
        feed.buckets.set(key, bucket);
        feed.disposers.push(r.onDidChange(() => this.markDirty(bucket)));
        feed.reflectors.push(r);
        r.start();
      }
      feed.disposers.push(
        this.clusters.onDidChangeWorkloads((id, change) => {
          if (id !== clusterId) return;
          if (change.kind === 'reset') {
            for (const b of fromWorkloads.values()) this.markDirty(b);
            return;
          }
          // Only a pod or Deployment that came or went changes names; status changes do not.
          const b = fromWorkloads.get(change.kind);
          if (!b || b.dirty) return;
          if (change.deletes.length > 0 || (change.upserts.length > 0 && b.count() !== b.indexed)) this.markDirty(b);
        }),
      );
    });
  }

  private stopFeed(f: Feed): void {
    if (f.stopped) return;
    f.stopped = true;
    for (const d of f.disposers) d();
    for (const r of f.reflectors) r.dispose();
    f.release();
  }
}
