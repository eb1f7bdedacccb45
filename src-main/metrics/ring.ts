/**
 * A fixed-capacity ring of samples in typed arrays: one Float64 timestamp and three Float32 values
 * (CPU cores, working set, RSS) per slot, 20 bytes a sample. 5,000 containers × 1 h at 10 s is
 * 36 MB with no per-sample objects for the garbage collector to walk. Float32 keeps 7 significant
 * digits: 1 GiB is stored to within 64 bytes, plenty for a chart and a CSV. NaN marks "no value"
 * (RSS from a source without it) and, as a whole row, a gap.
 */
export interface Sample { t: number; cpu: number; ws: number; rss: number }

export class SampleRing {
  readonly t: Float64Array;
  readonly cpu: Float32Array;
  readonly ws: Float32Array;
  readonly rss: Float32Array;
  /** Index of the next write. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.cpu = new Float32Array(capacity);
    this.ws = new Float32Array(capacity);
    this.rss = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(t: number, cpu: number, ws: number, rss: number): void {
    const i = this.head;
    this.t[i] = t;
    this.cpu[i] = cpu;
    this.ws[i] = ws;
    this.rss[i] = rss;
    this.head = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The i-th oldest slot's index in the arrays. */
  private at(i: number): number {
    return (this.head - this.count + i + this.capacity) % this.capacity;
  }

  last(): Sample | undefined {
    return this.count ? this.get(this.count - 1) : undefined;
  }

  get(i: number): Sample {
    const j = this.at(i);
    return { t: this.t[j]!, cpu: this.cpu[j]!, ws: this.ws[j]!, rss: this.rss[j]! };
  }

  /** Oldest first, only samples at or after `since`. */
  toArrays(since = -Infinity): { t: number[]; cpu: number[]; ws: number[]; rss: number[] } {
    const out = { t: [] as number[], cpu: [] as number[], ws: [] as number[], rss: [] as number[] };
    for (let i = 0; i < this.count; i++) {
      const j = this.at(i);
      if (this.t[j]! < since) continue;
      out.t.push(this.t[j]!);
      out.cpu.push(this.cpu[j]!);
      out.ws.push(this.ws[j]!);
      out.rss.push(this.rss[j]!);
    }
    return out;
  }

  /** Calls fn(t, ws) for samples at or after `since`, oldest first, without allocating. */
  forEachWs(since: number, fn: (t: number, ws: number) => void): void {
    for (let i = 0; i < this.count; i++) {
      const j = this.at(i);
      const t = this.t[j]!;
      if (t >= since) fn(t, this.ws[j]!);
    }
  }

  /** Drops samples older than `before` (they would be overwritten anyway; this frees idle series). */
  trimBefore(before: number): void {
    while (this.count > 0 && this.t[this.at(0)]! < before) this.count--;
  }

  get bytes(): number {
    return this.capacity * 20;
  }
}
