/**
 * Coalesces row changes per key (a cluster, or a cluster+kind) and delivers them at a bounded
 * rate: at most one delivery every `flushIntervalMs`, at most `maxBatch` rows in it (the rest
 * follows in the next one), nothing when nothing changed. A reset replaces what the receiver has
 * for that key. `touch` asks for a delivery with no rows (a status change).
 *
 *   const b = new DiffBatcher<Row>({ clock, flushIntervalMs: 100, maxBatch: 5000 }, (batches) => send(batches));
 *   b.reset('fat', rows); b.upsert('fat', row); b.delete('fat', uid); b.touch('fat'); b.flushNow(); b.dispose();
 */
import type { Clock } from './clock';
import { systemClock } from './clock';

export interface Batch<R> {
  key: string;
  reset: boolean;
  upserts: R[];
  deletes: string[];
}

interface Pending<R> {
  reset: boolean;
  upserts: Map<string, R>;
  deletes: Set<string>;
}

export class DiffBatcher<R extends { uid: string }> {
  private readonly pending = new Map<string, Pending<R>>();
  private readonly clock: Clock;
  private timer: unknown;
  private lastFlush = -Infinity;
  private closed = false;

  constructor(
    private readonly o: { clock?: Clock; flushIntervalMs?: number; maxBatch?: number },
    private readonly deliver: (batches: Batch<R>[]) => void,
  ) {
    this.clock = o.clock ?? systemClock;
  }

  private of(key: string): Pending<R> {
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { reset: false, upserts: new Map(), deletes: new Set() }));
    return p;
  }

  reset(key: string, rows: Iterable<R>): void {
    const upserts = new Map<string, R>();
    for (const r of rows) upserts.set(r.uid, r);
    this.pending.set(key, { reset: true, upserts, deletes: new Set() });
    this.schedule();
  }

  upsert(key: string, row: R): void {
    const p = this.of(key);
    p.upserts.set(row.uid, row);
    p.deletes.delete(row.uid);
    this.schedule();
  }

  delete(key: string, uid: string): void {
    const p = this.of(key);
    p.upserts.delete(uid);
    if (!p.reset) p.deletes.add(uid);
    this.schedule();
  }

  touch(key: string): void {
    this.of(key);
    this.schedule();
  }

  /** Deliver what is pending now, not at the next tick (the interval still counts from here). */
  flushNow(): void {
    if (this.closed || this.pending.size === 0) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  dispose(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.pending.clear();
  }

  private schedule(): void {
    if (this.closed || this.timer !== undefined || this.pending.size === 0) return;
    const wait = Math.max(0, this.lastFlush + (this.o.flushIntervalMs ?? 100) - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.closed) return;
    let budget = this.o.maxBatch ?? 5000;
    const batches: Batch<R>[] = [];
    for (const [key, p] of this.pending) {
      if (budget <= 0) break;
      const upserts: R[] = [];
      const deletes: string[] = [];
      for (const [uid, row] of p.upserts) {
        if (budget <= 0) break;
        upserts.push(row);
        p.upserts.delete(uid);
        budget--;
      }
      for (const uid of p.deletes) {
        if (budget <= 0) break;
        deletes.push(uid);
        p.deletes.delete(uid);
        budget--;
      }
      batches.push({ key, reset: p.reset, upserts, deletes });
      // What did not fit stays queued as an incremental continuation.
      p.reset = false;
      if (p.upserts.size === 0 && p.deletes.size === 0) this.pending.delete(key);
    }
    this.lastFlush = this.clock.now();
    if (batches.length) {
      try {
        this.deliver(batches);
      } catch {
        /* a failing receiver must not stop the batcher */
      }
    }
    this.schedule();
  }
}
