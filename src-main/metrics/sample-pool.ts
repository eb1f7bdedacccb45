/**
 * Where every container's samples live: fixed pages of 16 samples carved out of 64 KB chunks.
 * One typed array per container cost ~900 bytes of ArrayBuffer and view bookkeeping each (at
 * 50,000 containers, 45 MB before a single sample); pages cost nothing per container, a ring only
 * holds the numbers of its pages, grows a page at a time (a container seen for 5 minutes holds 5
 * minutes) and gives pages back as old samples leave. Freed pages are reused before a new chunk is
 * made, so the pool stays at the high-water mark of what was held, which the budget bounds.
 *
 * A sample is 16 bytes: time as a whole-ms Int32 offset from the pool's base (re-based after ~24
 * days of uptime) and CPU cores, working set, RSS as Float32 (7 significant digits: 1 GiB to
 * within 64 bytes). NaN marks "no value" and, as a whole row, a gap.
 */
export const PAGE_SLOTS = 16;
export const SAMPLE_BYTES = 16;
export const PAGE_BYTES = PAGE_SLOTS * SAMPLE_BYTES;
const PAGES_PER_CHUNK = 256; // 64 KB
const FLOATS_PER_PAGE = PAGE_SLOTS * 4;
/** Offsets stay well inside Int32: re-base when one would pass this. */
const MAX_OFFSET = 2 ** 31 - 1 - 2 * 86_400_000;

export class SamplePool {
  readonly f32: Float32Array[] = [];
  readonly i32: Int32Array[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private used = 0;
  /** Epoch ms that offset 0 stands for; set by the first sample written. */
  base = Number.NaN;

  alloc(): number {
    this.used++;
    const p = this.free.pop();
    if (p !== undefined) return p;
    if (this.next === this.f32.length * PAGES_PER_CHUNK) {
      const buf = new ArrayBuffer(PAGES_PER_CHUNK * PAGE_BYTES);
      this.f32.push(new Float32Array(buf));
      this.i32.push(new Int32Array(buf));
    }
    return this.next++;
  }

  release(page: number): void {
    this.used--;
    this.free.push(page);
  }

  /** Index of slot `k` of `page` in its chunk's arrays (t at +0, cpu +1, ws +2, rss +3). */
  static offset(page: number, k: number): number {
    return (page % PAGES_PER_CHUNK) * FLOATS_PER_PAGE + k * 4;
  }
  static chunk(page: number): number {
    return (page / PAGES_PER_CHUNK) | 0;
  }

  write(page: number, k: number, t: number, cpu: number, ws: number, rss: number): void {
    const off = SamplePool.offset(page, k);
    const c = SamplePool.chunk(page);
    this.i32[c]![off] = this.encodeT(t);
    const f = this.f32[c]!;
    f[off + 1] = cpu;
    f[off + 2] = ws;
    f[off + 3] = rss;
  }

  t(page: number, k: number): number {
    return this.i32[SamplePool.chunk(page)]![SamplePool.offset(page, k)]! + this.base;
  }

  private encodeT(t: number): number {
    if (Number.isNaN(this.base)) this.base = Math.round(t);
    let off = Math.round(t) - this.base;
    if (off > MAX_OFFSET) {
      this.rebase(Math.round(t) - 86_400_000);
      off = Math.round(t) - this.base;
    }
    return off;
  }

  /** Moves the base forward: every stored time shifts (history is at most a day; older would wrap, but none is kept). */
  private rebase(base: number): void {
    const d = base - this.base;
    for (const a of this.i32) for (let i = 0; i < a.length; i += 4) a[i] = a[i]! - d;
    this.base = base;
  }

  /** Bytes of the pages rings hold now. */
  get usedBytes(): number {
    return this.used * PAGE_BYTES;
  }
  /** Bytes the pool has allocated (high-water mark; free pages are reused). */
  get allocatedBytes(): number {
    return this.f32.length * PAGES_PER_CHUNK * PAGE_BYTES;
  }
}
