/**
 * One container's samples at one of two resolutions, chosen by the history budget:
 *  - full: every sample for the whole history;
 *  - coarse: every sample of the last few minutes (what growth detection and the curve before a
 *    sudden OOM kill need), older ones merged into buckets of `coarseMs` as they age: the highest
 *    working set and RSS of the bucket (peaks are what OOM forensics looks for; an average would
 *    hide them), the mean CPU, stamped with the bucket's last sample time (the same round time in
 *    every container of a cluster, so sums still line up).
 * A container that turns interesting goes back to full resolution from then on; what was merged
 * stays merged until it leaves the history.
 */
import type { Sample, SampleArrays } from './ring';
import { emptyArrays, SampleRing } from './ring';
import type { SamplePool } from './sample-pool';

interface Bucket {
  key: number;
  t: number;
  cpuSum: number;
  cpuN: number;
  ws: number;
  rss: number;
}

const maxNaN = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

export class TieredRing {
  readonly fine: SampleRing;
  private coarse: SampleRing | undefined;
  private bucket: Bucket | undefined;
  /** 0 = full resolution. */
  coarseMs = 0;

  constructor(
    private readonly pool: SamplePool,
    private fullSlots: number,
  ) {
    this.fine = new SampleRing(fullSlots, pool);
  }

  get size(): number {
    return (this.coarse?.size ?? 0) + (this.bucket ? 1 : 0) + this.fine.size;
  }

  /** The newest sample as taken (never a merged bucket). */
  last(): Sample | undefined {
    return this.fine.last() ?? this.bucketSample() ?? this.coarse?.last();
  }

  push(t: number, cpu: number, ws: number, rss: number): void {
    if (this.coarseMs > 0) while (this.fine.size >= this.fine.maxSlots) this.spill(this.fine.shift()!);
    this.fine.push(t, cpu, ws, rss);
  }

  /**
   * Full resolution (coarseMs 0, fineSlots ignored) or the last `fineSlots` samples as taken and
   * buckets of `coarseMs` before them. Called every round; does nothing when nothing changes.
   */
  setResolution(coarseMs: number, fineSlots: number, fullSlots = this.fullSlots): void {
    this.fullSlots = fullSlots;
    if (coarseMs === 0) {
      if (this.coarseMs !== 0) this.flushBucket();
      this.coarseMs = 0;
      if (this.fine.maxSlots !== fullSlots) this.fine.setMaxSlots(fullSlots);
      return;
    }
    if (coarseMs !== this.coarseMs) {
      // Coarser than before: merge what is already merged again, oldest first, into the new buckets.
      const old = this.coarse;
      const pending = this.bucketSample();
      this.coarse = undefined;
      this.bucket = undefined;
      this.coarseMs = coarseMs;
      if (old) {
        while (old.size > 0) this.spill(old.shift()!);
        old.free();
      }
      if (pending) this.spill(pending);
    }
    const slots = Math.max(2, Math.min(fineSlots, fullSlots));
    if (this.fine.maxSlots !== slots) {
      while (this.fine.size > slots) this.spill(this.fine.shift()!);
      this.fine.setMaxSlots(slots);
    }
  }

  private spill(s: Sample): void {
    if (!this.coarse) this.coarse = new SampleRing(this.fullSlots, this.pool);
    if (Number.isNaN(s.ws) && Number.isNaN(s.cpu)) {
      // A gap stays a gap (the chart must not draw a line across the hole).
      this.flushBucket();
      this.coarse.push(s.t, s.cpu, s.ws, s.rss);
      return;
    }
    const key = Math.floor(s.t / this.coarseMs);
    if (this.bucket && this.bucket.key !== key) this.flushBucket();
    const b = (this.bucket ??= { key, t: s.t, cpuSum: 0, cpuN: 0, ws: Number.NaN, rss: Number.NaN });
    b.t = s.t;
    if (!Number.isNaN(s.cpu)) {
      b.cpuSum += s.cpu;
      b.cpuN++;
    }
    b.ws = maxNaN(b.ws, s.ws);
    b.rss = maxNaN(b.rss, s.rss);
  }

  private bucketSample(): Sample | undefined {
    const b = this.bucket;
    return b && { t: b.t, cpu: b.cpuN ? b.cpuSum / b.cpuN : Number.NaN, ws: b.ws, rss: b.rss };
  }

  private flushBucket(): void {
    const s = this.bucketSample();
    this.bucket = undefined;
    if (s) (this.coarse ??= new SampleRing(this.fullSlots, this.pool)).push(s.t, s.cpu, s.ws, s.rss);
  }

  /** Oldest first: merged buckets, then samples as taken. */
  toArrays(since = -Infinity): SampleArrays {
    const out = emptyArrays();
    this.coarse?.appendTo(out, since);
    const b = this.bucketSample();
    if (b && b.t >= since) {
      out.t.push(b.t);
      out.cpu.push(b.cpu);
      out.ws.push(b.ws);
      out.rss.push(b.rss);
    }
    return this.fine.appendTo(out, since);
  }

  /** Calls fn(t, ws) for samples at or after `since`, newest first, without allocating. */
  forEachWsBackward(since: number, fn: (t: number, ws: number) => void): void {
    if (!this.fine.forEachWsBackward(since, fn)) return;
    if (this.bucket) {
      if (this.bucket.t < since) return;
      fn(this.bucket.t, this.bucket.ws);
    }
    this.coarse?.forEachWsBackward(since, fn);
  }

  trimBefore(before: number): void {
    if (this.coarse) {
      this.coarse.trimBefore(before);
      if (this.coarse.size === 0) this.coarse = undefined;
    }
    if (this.bucket && this.bucket.t < before) this.bucket = undefined;
    this.fine.trimBefore(before);
  }

  free(): void {
    this.coarse?.free();
    this.coarse = undefined;
    this.bucket = undefined;
    this.fine.free();
  }

  get bytes(): number {
    return this.fine.bytes + (this.coarse?.bytes ?? 0);
  }
}
