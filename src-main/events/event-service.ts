/**
 * EventService: the Events of every cluster, as compact rows in batched diffs.
 *
 *   const events = new EventService(clusterService);
 *   const stop = events.subscribe(clusterIds | undefined, (diffs) => ...);
 *
 * One reflector per cluster on /api/v1/events (shared by subscribers, stopped with the last one),
 * storing the slim row only. A subscription gets a reset per cluster, then diffs coalesced per
 * uid at most every `flushIntervalMs`.
 */
import type { EventDiff, EventRow } from '../../src-shared/events/contract';
import type { ClusterService } from '../clusters/cluster-service';
import type { Clock } from '../watch/clock';
import { ClusterSubscribers, type ClusterSubscriber } from '../watch/cluster-subscribers';
import { DiffBatcher } from '../watch/diff-batcher';
import { Reflector } from '../watch/reflector';
import type { StoredEvent } from './event-row';
import { slimEvent, toEventRow } from './event-row';

export interface EventServiceOptions {
  clock?: Clock;
  flushIntervalMs?: number;
  maxBatch?: number;
  log?: (m: string) => void;
}

interface Subscriber extends ClusterSubscriber {
  batcher: DiffBatcher<EventRow>;
}

interface ClusterEvents {
  reflector: Reflector<StoredEvent>;
  refs: number;
}

export class EventService {
  private readonly clustersEvents = new Map<string, ClusterEvents>();
  private readonly subs = new ClusterSubscribers<Subscriber>({ attach: (sub, id) => this.attach(sub, id), gone: (sub, id) => sub.batcher.reset(id, []) });
  private readonly disposeClusters: () => void;

  constructor(
    private readonly clusters: ClusterService,
    private readonly opts: EventServiceOptions = {},
  ) {
    this.disposeClusters = clusters.onDidChangeClusters(() => this.subs.sync(new Set(clusters.ids())));
  }

  /** Events held per cluster (the view's note on memory). */
  stats(): Record<string, number> {
    return Object.fromEntries([...this.clustersEvents].map(([id, c]) => [id, c.reflector.size]));
  }

  subscribe(clusterIds: string[] | undefined, onDiffs: (diffs: EventDiff[]) => void): () => void {
    const batcher = new DiffBatcher<EventRow>({ clock: this.opts.clock, flushIntervalMs: this.opts.flushIntervalMs, maxBatch: this.opts.maxBatch }, (batches) =>
      onDiffs(
        batches.map((b) => {
          const status = this.clustersEvents.get(b.key)?.reflector.status();
          return { clusterId: b.key, reset: b.reset, upserts: b.upserts, deletes: b.deletes, synced: status?.synced ?? false, ...(status?.error ? { error: status.error.message.slice(0, 2000) } : {}) };
        }),
      ),
    );
    return this.subs.add({ clusterIds: clusterIds && new Set(clusterIds), attached: new Map(), batcher, closed: false }, this.clusters.ids());
  }

  /** Shares the cluster's event reflector; undefined while the cluster has no connection. */
  private attach(sub: Subscriber, id: string): (() => void) | undefined {
    const { batcher } = sub;
    const release = this.clusters.acquire(id);
    const c = this.eventsOf(id);
    if (!c) {
      release();
      return undefined;
    }
    c.refs++;
    const offChange = c.reflector.onDidChange((events) => {
      for (const e of events) {
        if (e.type === 'upsert') batcher.upsert(id, toEventRow(id, e.object));
        else batcher.delete(id, e.object.metadata.uid || `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`);
      }
    });
    const offStatus = c.reflector.onDidChangeStatus(() => batcher.touch(id));
    batcher.reset(
      id,
      c.reflector.items().map((o) => toEventRow(id, o)),
    );
    return () => {
      offChange();
      offStatus();
      release();
      if (--c.refs === 0) {
        c.reflector.dispose();
        this.clustersEvents.delete(id);
      }
    };
  }

  dispose(): void {
    this.disposeClusters();
    this.subs.dispose();
    for (const c of this.clustersEvents.values()) c.reflector.dispose();
    this.clustersEvents.clear();
  }

  private eventsOf(clusterId: string): ClusterEvents | undefined {
    let c = this.clustersEvents.get(clusterId);
    if (c) return c;
    const conn = this.clusters.connection(clusterId);
    if (!conn) return undefined;
    const reflector = new Reflector<StoredEvent>({
      transport: conn,
      path: '/api/v1/events',
      resource: 'events',
      transform: (e) => slimEvent(e as never),
      clock: this.opts.clock,
      log: this.opts.log && ((m) => this.opts.log!(`[${clusterId}] ${m}`)),
    });
    this.clustersEvents.set(clusterId, (c = { reflector, refs: 0 }));
    reflector.start();
    return c;
  }
}
