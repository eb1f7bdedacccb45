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
import { SharedWatches } from '../watch/shared-watches';
import { DiffBatcher } from '../watch/diff-batcher';
import { Reflector } from '../watch/reflector';
import type { StoredEvent } from './event-row';
import { slimEvent, toEventRow } from './event-row';
import { Interner } from '../base/interner';

export interface EventServiceOptions {
  clock?: Clock;
  flushIntervalMs?: number;
  maxBatch?: number;
  log?: (m: string) => void;
}

interface Subscriber extends ClusterSubscriber {
  batcher: DiffBatcher<EventRow>;
}

export class EventService {
  /** One reflector per cluster, shared by the subscribers that follow it. */
  private readonly clustersEvents = new SharedWatches<Reflector<StoredEvent>>((r) => r.dispose());
  private readonly subs = new ClusterSubscribers<Subscriber>({
    attach: (sub, id) => this.attach(sub, id),
    gone: (sub, id) => sub.batcher.reset(id, []),
  });
  private readonly disposeClusters: () => void;

  constructor(
    private readonly clusters: ClusterService,
    private readonly opts: EventServiceOptions = {},
  ) {
    this.disposeClusters = clusters.onDidChangeClusters(() => this.subs.sync(new Set(clusters.ids())));
  }

  /** Events held per cluster (the view's note on memory). */
  stats(): Record<string, number> {
    return Object.fromEntries(this.clustersEvents.entriesByKey().map(([id, r]) => [id, r.size]));
  }

  subscribe(clusterIds: string[] | undefined, onDiffs: (diffs: EventDiff[]) => void): () => void {
    const batcher = new DiffBatcher<EventRow>(
      { clock: this.opts.clock, flushIntervalMs: this.opts.flushIntervalMs, maxBatch: this.opts.maxBatch },
      (batches) =>
        onDiffs(
          batches.map((b) => {
            const status = this.clustersEvents.get(b.key)?.status();
            return {
              clusterId: b.key,
              reset: b.reset,
              upserts: b.upserts,
              deletes: b.deletes,
              synced: status?.synced ?? false,
              ...(status?.error ? { error: status.error.message.slice(0, 2000) } : {}),
            };
          }),
        ),
    );
    return this.subs.add(
      { clusterIds: clusterIds && new Set(clusterIds), attached: new Map(), batcher, closed: false },
      this.clusters.ids(),
    );
  }

  /** Shares the cluster's event reflector; undefined while the cluster has no connection. */
  private attach(sub: Subscriber, id: string): (() => void) | undefined {
    const { batcher } = sub;
    const release = this.clusters.acquire(id);
    const shared = this.clustersEvents.acquire(id, () => this.newReflector(id));
    if (!shared) {
      release();
      return undefined;
    }
    const reflector = shared.watch;
    const offChange = reflector.onDidChange((events) => {
      for (const e of events) {
        if (e.type === 'upsert') batcher.upsert(id, toEventRow(id, e.object));
        else batcher.delete(id, e.object.metadata.uid || `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`);
      }
    });
    const offStatus = reflector.onDidChangeStatus(() => batcher.touch(id));
    batcher.reset(
      id,
      reflector.items().map((o) => toEventRow(id, o)),
    );
    return () => {
      offChange();
      offStatus();
      release();
      shared.release();
    };
  }

  dispose(): void {
    this.disposeClusters();
    this.subs.dispose();
    this.clustersEvents.dispose();
  }

  private newReflector(clusterId: string): Reflector<StoredEvent> | undefined {
    const conn = this.clusters.connection(clusterId);
    if (!conn) return undefined;
    // Messages repeat too (image pulls, probes, back-offs): long strings are interned here.
    const strings = new Interner(20_000, 1024);
    const reflector = new Reflector<StoredEvent>({
      transport: conn,
      path: '/api/v1/events',
      resource: 'events',
      transform: (e) => slimEvent(e as never, strings),
      clock: this.opts.clock,
      log: this.opts.log && ((m) => this.opts.log!(`[${clusterId}] ${m}`)),
    });
    reflector.start();
    return reflector;
  }
}
