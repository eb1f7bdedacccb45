/**
 * Per-container history: a sample ring plus the restart/OOM timeline. Handles what real clusters
 * do between two samples: containers appear (new series) and vanish (no sample; a gap row when they
 * come back, so a chart does not draw a line across the hole), cumulative CPU counters reset when a
 * container restarts (never a negative rate), and node clocks disagree with ours (samples are
 * placed on OUR clock; node timestamps are only ever subtracted from the same node's timestamps).
 */
import type { ContainerRef, SourceStatus, TimelineEvent } from '../../src-shared/metrics/contract';
import { SamplePool } from './sample-pool';
import type { ContainerReading } from './sources';
import { TieredRing } from './tiered-ring';
import { Interner } from '../base/interner';

export interface ContainerHistory {
  key: string;
  ref: ContainerRef;
  ring: TieredRing;
  /** How much this container deserves full resolution (budget.ts); 0 = not at all. */
  interest: number;
  /** Epoch ms until which `interest` holds even if nothing new makes it interesting. */
  interestUntil: number;
  events: TimelineEvent[];
  source?: SourceStatus['kind'];
  /** Epoch ms of the first sample of the current container instance (after the last restart). */
  instanceStart: number;
  lastCoreNs?: number;
  lastNodeTime?: number;
}

const MAX_EVENTS = 100;
/** Most containers never restart: they share this (never written to) instead of an array each. */
const NO_EVENTS: TimelineEvent[] = [];

export const keyOf = (r: ContainerRef) => `${r.clusterId}\u0000${r.namespace}\u0000${r.pod}\u0000${r.container}`;

/**
 * Estimated bytes of one container's history besides its sample pages: the object, its key and
 * ref strings, the rings' page lists (bench/metrics.ts measures the real figure).
 */
export const SERIES_OVERHEAD_BYTES = 500;

export class MetricsHistory {
  private readonly series = new Map<string, ContainerHistory>();
  readonly pool = new SamplePool();
  /** One copy of each cluster id, namespace and container name (a copy per container otherwise). */
  private readonly strings = new Interner(Infinity, Infinity);

  /** `capacity`: samples of a full-resolution container (history length / fastest interval). */
  constructor(
    private capacity: number,
    private readonly intervalMs: () => number,
  ) {}

  get size(): number {
    return this.series.size;
  }

  get(ref: ContainerRef): ContainerHistory | undefined {
    return this.series.get(keyOf(ref));
  }

  values(): IterableIterator<ContainerHistory> {
    return this.series.values();
  }

  private ensure(ref: ContainerRef, t: number): ContainerHistory {
    const key = keyOf(ref);
    let h = this.series.get(key);
    if (!h) {
      // New containers start at full resolution for a while: the budget decides once it knows them.
      const r = {
        clusterId: this.strings.of(ref.clusterId),
        namespace: this.strings.of(ref.namespace),
        pod: ref.pod,
        container: this.strings.of(ref.container),
      };
      h = {
        key,
        ref: r,
        ring: new TieredRing(this.pool, this.capacity),
        events: NO_EVENTS,
        instanceStart: t,
        interest: 1,
        interestUntil: t + 10 * 60_000,
      };
      this.series.set(key, h);
    }
    return h;
  }

  record(clusterId: string, t: number, r: ContainerReading, source: SourceStatus['kind']): void {
    const h = this.ensure({ clusterId, namespace: r.namespace, pod: r.pod, container: r.container }, t);
    h.source = source;
    const last = h.ring.last();
    if (last && t <= last.t) return; // a duplicate round (clock stepped back): keep what we have
    if (last && t - last.t > 2.5 * this.intervalMs()) h.ring.push(last.t + this.intervalMs(), Number.NaN, Number.NaN, Number.NaN);
    let cpu = r.cpu;
    if (r.coreNs !== undefined) {
      if (h.lastCoreNs !== undefined && r.coreNs < h.lastCoreNs)
        h.instanceStart = t; // counter reset: a new container instance
      else if (
        Number.isNaN(cpu) &&
        h.lastCoreNs !== undefined &&
        r.nodeTime !== undefined &&
        h.lastNodeTime !== undefined &&
        r.nodeTime > h.lastNodeTime
      ) {
        cpu = (r.coreNs - h.lastCoreNs) / ((r.nodeTime - h.lastNodeTime) * 1e6);
      }
      h.lastCoreNs = r.coreNs;
      h.lastNodeTime = r.nodeTime;
    }
    h.ring.push(t, cpu, r.ws, r.rss);
  }

  /** Adds a restart/OOM event once (the same restart seen again after a relist is not a new one). */
  addEvent(ref: ContainerRef, e: TimelineEvent, now: number): boolean {
    const h = this.ensure(ref, now);
    if (h.events.some((x) => x.restartCount === e.restartCount)) return false;
    if (h.events === NO_EVENTS) h.events = [];
    h.events.push(e);
    h.events.sort((a, b) => a.at - b.at);
    if (h.events.length > MAX_EVENTS) h.events.shift();
    if (e.at >= h.instanceStart) h.instanceStart = Math.max(h.instanceStart, e.at);
    return true;
  }

  /** Drops series with no sample (and no event) in the horizon; trims the rest. */
  prune(now: number, horizonMs: number): void {
    const before = now - horizonMs;
    for (const [k, h] of this.series) {
      h.ring.trimBefore(before);
      // Every container every round: a new array only when an event actually leaves.
      if (h.events.length && h.events[0]!.at < before) {
        const kept = h.events.filter((e) => e.at >= before);
        h.events = kept.length ? kept : NO_EVENTS;
      }
      if (h.ring.size === 0 && h.events.length === 0) {
        h.ring.free();
        this.series.delete(k);
      }
    }
  }

  /** Restore a series (persistence): its samples, oldest first, into a ring of this history's pool. */
  restore(
    h: Omit<ContainerHistory, 'ring' | 'interest' | 'interestUntil'>,
    samples: { t: ArrayLike<number>; cpu: ArrayLike<number>; ws: ArrayLike<number>; rss: ArrayLike<number> },
    since: number,
    now: number,
  ): void {
    const ring = new TieredRing(this.pool, this.capacity);
    for (let i = Math.max(0, samples.t.length - this.capacity); i < samples.t.length; i++) {
      if (samples.t[i]! >= since) ring.push(samples.t[i]!, samples.cpu[i]!, samples.ws[i]!, samples.rss[i]!);
    }
    if (ring.size === 0 && h.events.length === 0) return;
    this.series.get(h.key)?.ring.free();
    this.series.set(h.key, { ...h, ring, interest: 1, interestUntil: now + 10 * 60_000 });
  }

  /** A new history length or fastest interval: every container's full-resolution capacity. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    this.capacity = capacity;
    for (const h of this.series.values()) h.ring.setResolution(h.ring.coarseMs, h.ring.fine.maxSlots, capacity);
  }

  get fullCapacity(): number {
    return this.capacity;
  }

  /** Sample pages held plus the estimated bookkeeping of each container. */
  get bytes(): number {
    return this.pool.usedBytes + this.series.size * SERIES_OVERHEAD_BYTES;
  }
}

/** Working-set slope (bytes/min) over the current instance's last `windowMs`, least squares. */
export function growthPerMin(h: ContainerHistory, now: number, windowMs = 10 * 60_000): number | undefined {
  const since = Math.max(h.instanceStart, now - windowMs);
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0,
    syy = 0;
  // Runs for every container every round: no arrays allocated, only the window's samples visited.
  h.ring.forEachWsBackward(since, (t, y) => {
    if (Number.isNaN(y)) return;
    const x = (t - since) / 60_000;
    const yy = y / 2 ** 20; // MiB: keeps the sums far from float cancellation
    n++;
    sx += x;
    sy += yy;
    sxx += x * x;
    sxy += x * yy;
    syy += yy * yy;
  });
  if (n < 3) return undefined;
  const dx = n * sxx - sx * sx;
  const dy = n * syy - sy * sy;
  const cov = n * sxy - sx * sy;
  if (!(dx > 0)) return undefined;
  // Only a steady trend counts (r² ≥ 0.6): a GC sawtooth or a wave is not "growing".
  if (dy > 0 && (cov * cov) / (dx * dy) < 0.6) return undefined;
  return (cov / dx) * 2 ** 20;
}
