/**
 * A ring of samples over pages of a SamplePool: at most `maxSlots` samples, oldest dropped first.
 * Memory follows what is held (a page at a time), not the capacity: no per-sample objects for the
 * garbage collector to walk and no typed array per container.
 */
import { PAGE_BYTES, PAGE_SLOTS, SamplePool } from './sample-pool';

export interface Sample {
  t: number;
  cpu: number;
  ws: number;
  rss: number;
}

export interface SampleArrays {
  t: number[];
  cpu: number[];
  ws: number[];
  rss: number[];
}

export const emptyArrays = (): SampleArrays => ({ t: [], cpu: [], ws: [], rss: [] });

export class SampleRing {
  private pages: number[] = [];
  /** Slot of the oldest sample in pages[0]. */
  private first = 0;
  private count = 0;

  constructor(
    public maxSlots: number,
    readonly pool: SamplePool = new SamplePool(),
  ) {}

  get size(): number {
    return this.count;
  }

  push(t: number, cpu: number, ws: number, rss: number): void {
    if (this.count >= this.maxSlots) this.dropOldest();
    const abs = this.first + this.count;
    const pi = (abs / PAGE_SLOTS) | 0;
    // concat: an array of exactly the pages held (push would leave room for 17 on the first page).
    if (pi >= this.pages.length) this.pages = this.pages.concat(this.pool.alloc());
    this.pool.write(this.pages[pi]!, abs % PAGE_SLOTS, t, cpu, ws, rss);
    this.count++;
  }

  /** Removes and returns the oldest sample. */
  shift(): Sample | undefined {
    if (this.count === 0) return undefined;
    const s = this.get(0);
    this.dropOldest();
    return s;
  }

  private dropOldest(): void {
    this.count--;
    this.first++;
    if (this.count === 0) this.free();
    else if (this.first === PAGE_SLOTS) {
      this.pool.release(this.pages.shift()!);
      this.first = 0;
    }
  }

  /** Gives every page back (the ring is empty afterwards). */
  free(): void {
    for (const p of this.pages) this.pool.release(p);
    this.pages = [];
    this.first = 0;
    this.count = 0;
  }

  /** Lowers or raises the cap; lowering drops the oldest samples beyond it. */
  setMaxSlots(n: number): void {
    this.maxSlots = Math.max(1, n);
    while (this.count > this.maxSlots) this.dropOldest();
  }

  last(): Sample | undefined {
    return this.count ? this.get(this.count - 1) : undefined;
  }

  /** The i-th oldest sample. */
  get(i: number): Sample {
    const abs = this.first + i;
    const page = this.pages[(abs / PAGE_SLOTS) | 0]!;
    const k = abs % PAGE_SLOTS;
    const off = SamplePool.offset(page, k);
    const f = this.pool.f32[SamplePool.chunk(page)]!;
    return { t: this.pool.t(page, k), cpu: f[off + 1]!, ws: f[off + 2]!, rss: f[off + 3]! };
  }

  /** Time of the i-th oldest sample, without building an object. */
  tAt(i: number): number {
    const abs = this.first + i;
    return this.pool.t(this.pages[(abs / PAGE_SLOTS) | 0]!, abs % PAGE_SLOTS);
  }

  /** Appends samples at or after `since`, oldest first, to `out`. */
  appendTo(out: SampleArrays, since = -Infinity): SampleArrays {
    this.each(since, (t, cpu, ws, rss) => {
      out.t.push(t);
      out.cpu.push(cpu);
      out.ws.push(ws);
      out.rss.push(rss);
    });
    return out;
  }

  toArrays(since = -Infinity): SampleArrays {
    return this.appendTo(emptyArrays(), since);
  }

  /** Calls fn for samples at or after `since`, oldest first, without allocating. */
  each(since: number, fn: (t: number, cpu: number, ws: number, rss: number) => void): void {
    const { pool } = this;
    const base = pool.base;
    for (let i = 0; i < this.count; i++) {
      const abs = this.first + i;
      const page = this.pages[(abs / PAGE_SLOTS) | 0]!;
      const off = SamplePool.offset(page, abs % PAGE_SLOTS);
      const c = SamplePool.chunk(page);
      const t = pool.i32[c]![off]! + base;
      if (t < since) continue;
      const f = pool.f32[c]!;
      fn(t, f[off + 1]!, f[off + 2]!, f[off + 3]!);
    }
  }

  /**
   * Calls fn(t, ws) for samples at or after `since`, newest first, stopping at the first older one:
   * the growth trend runs for every container every round and wants only the last minutes.
   */
  forEachWsBackward(since: number, fn: (t: number, ws: number) => void): boolean {
    const { pool } = this;
    const base = pool.base;
    for (let i = this.count - 1; i >= 0; i--) {
      const abs = this.first + i;
      const page = this.pages[(abs / PAGE_SLOTS) | 0]!;
      const off = SamplePool.offset(page, abs % PAGE_SLOTS);
      const c = SamplePool.chunk(page);
      const t = pool.i32[c]![off]! + base;
      if (t < since) return false;
      fn(t, pool.f32[c]![off + 2]!);
    }
    return true;
  }

  /** Drops samples older than `before`. */
  trimBefore(before: number): void {
    while (this.count > 0 && this.tAt(0) < before) this.dropOldest();
  }

  /** Bytes of the pages this ring holds. */
  get bytes(): number {
    return this.pages.length * PAGE_BYTES;
  }
}
