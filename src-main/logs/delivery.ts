/**
 * Flow control between a view and its renderer. Lines are sent in batches (every `flushMs`, at
 * most `batchLines` lines / `batchBytes` bytes); the renderer acks a batch's seq once xterm has
 * written it. At most `highWater` lines may be unacked; beyond that lines wait, and when more
 * than `maxPending` wait, the oldest waiting ones are skipped: counted, announced in the next
 * batch (`skippedBefore`), and still in the ring and the spool. Nothing disappears silently.
 */
import type { LogLine } from '../../src-shared/logs/contract';

export interface Batch {
  seq: number;
  first: number;
  skippedBefore: number;
  lines: LogLine[];
}

export interface DeliveryOptions {
  highWater?: number; // 40,000 lines unacked (a window of 20,000 left the page idle half the time while main answered acks late)
  maxPending?: number; // 50,000 lines waiting
  batchLines?: number; // 5,000
  batchBytes?: number; // 1 MB
}

export class Delivery {
  private pending: LogLine[] = [];
  private head = 0;
  private pendingFirst = 0;
  private seq = 0;
  private readonly inflight: { seq: number; lines: number }[] = [];
  private inflightLines = 0;
  private skippedNext = 0;
  skipped = 0;
  /** Lines the renderer has acknowledged as written (into xterm). */
  acked = 0;
  private readonly o: Required<DeliveryOptions>;

  constructor(
    private readonly emit: (b: Batch) => void,
    o: DeliveryOptions = {},
  ) {
    this.o = { highWater: 40_000, maxPending: 50_000, batchLines: 5000, batchBytes: 1024 * 1024, ...o };
  }

  /** A line with view-wide index `index` (indexes are contiguous). */
  push(index: number, line: LogLine): void {
    if (this.waiting === 0) this.pendingFirst = index;
    this.pending.push(line);
    if (this.waiting > this.o.maxPending) {
      // Drop the oldest waiting lines in one go (a quarter), not one by one.
      const drop = Math.floor(this.o.maxPending / 4);
      this.head += drop;
      this.pendingFirst += drop;
      this.skipped += drop;
      this.skippedNext += drop;
      if (this.head > 65_536) {
        this.pending = this.pending.slice(this.head);
        this.head = 0;
      }
    }
  }

  get waiting(): number {
    return this.pending.length - this.head;
  }

  get unacked(): number {
    return this.inflightLines;
  }

  ack(seq: number): void {
    while (this.inflight.length && this.inflight[0]!.seq <= seq) {
      const n = this.inflight.shift()!.lines;
      this.inflightLines -= n;
      this.acked += n;
    }
  }

  /** Send what the window allows. Returns the number of lines sent. */
  flush(): number {
    let sent = 0;
    while (this.waiting > 0 && this.inflightLines < this.o.highWater) {
      const room = Math.min(this.o.batchLines, this.o.highWater - this.inflightLines);
      const lines: LogLine[] = [];
      let bytes = 0;
      while (lines.length < room && this.head < this.pending.length && (bytes < this.o.batchBytes || lines.length === 0)) {
        const l = this.pending[this.head++]!;
        bytes += l[2].length + 40;
        lines.push(l);
      }
      const batch = { seq: ++this.seq, first: this.pendingFirst, skippedBefore: this.skippedNext, lines };
      this.pendingFirst += lines.length;
      this.skippedNext = 0;
      if (this.head === this.pending.length) {
        this.pending = [];
        this.head = 0;
      }
      this.inflight.push({ seq: batch.seq, lines: lines.length });
      this.inflightLines += lines.length;
      sent += lines.length;
      this.emit(batch);
    }
    return sent;
  }
}
