/**
 * Holds a view's first lines (every source's backlog) and releases them merged by timestamp once
 * every started source has finished its backlog, so that 50 pods read as one story in time order.
 *
 * A source has finished its backlog when it sends a line stamped at or after the view opened (the
 * API server sends the backlog first), a marker, a state other than `live` (waiting, ended, gone,
 * …: nothing more comes now), or goes quiet for `quietMs` after its last line (a pod with nothing
 * new to say). The hold also waits for each cluster's first pod list, so that sources not started
 * yet are waited for too.
 *
 * Bounded: after `maxMs` (sources that never answer) or when `maxBytes` wait (a fast view whose
 * last streams open late), the hold releases what it has. A source still sending its backlog then
 * gets a marker before its first line older than the release, so lines out of time order are
 * marked, never silently misplaced; nothing is dropped (every line goes on to the spool).
 */
import { mergeByTime, timeKey } from './backlog-merge';

/** [source id, label, timestamp, raw text, bytes cut, kind] as LogView.add takes them. */
export type HeldLine = [src: number, label: string, ts: string, raw: string, cutBytes: number, kind: number];

export interface BacklogHoldOptions {
  /** Longest hold (sources that never answer). */
  maxMs?: number;
  /** Most text held (estimated bytes, per-line overhead included) before releasing early. */
  maxBytes?: number;
  /** A live source quiet this long after its last line has sent its backlog. */
  quietMs?: number;
  now?: () => number;
}

export const BACKLOG_HOLD_MS = 3000;
export const BACKLOG_HOLD_BYTES = 64 * 1024 * 1024;
const QUIET_MS = 400;
/** Array, tuple and string headers of one held line, roughly. */
const LINE_OVERHEAD = 96;
/** A source not live yet has no activity time. */
const NOT_LIVE = -1;

export class BacklogHold {
  private held: HeldLine[] = [];
  private bytes = 0;
  private readonly openedKey: string;
  private readonly deadline: number;
  private readonly maxBytes: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  /** Sources whose backlog may still come: id → time of their last line (NOT_LIVE before the stream opens). */
  private readonly pending = new Map<number, number>();
  private clustersToList: number;
  private releasedKey = '';
  /** Sources still in their backlog at the release (their older lines get a marker first). */
  private readonly late = new Set<number>();
  private released = false;

  constructor(
    clusters: number,
    private readonly out: (l: HeldLine) => void,
    o: BacklogHoldOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.openedKey = timeKey(new Date(this.now()).toISOString());
    this.deadline = this.now() + (o.maxMs ?? BACKLOG_HOLD_MS);
    this.maxBytes = o.maxBytes ?? BACKLOG_HOLD_BYTES;
    this.quietMs = o.quietMs ?? QUIET_MS;
    this.clustersToList = clusters;
  }

  /** True once released and no late backlog is left to mark: the view can drop the hold. */
  get done(): boolean {
    return this.released && this.late.size === 0;
  }

  /** A cluster's first pod list arrived (or the cluster failed): its sources are known. */
  clusterListed(): void {
    this.clustersToList--;
  }

  sourceAdded(src: number): void {
    if (!this.released) this.pending.set(src, NOT_LIVE);
  }

  /** The source's state changed; anything but `live` means no backlog comes now. */
  sourceState(src: number, state: string): void {
    if (state === 'live') {
      if (this.pending.has(src)) this.pending.set(src, this.now());
    } else this.finished(src);
  }

  /** Takes a line: true if held (or handled); false = the caller writes it now. */
  take(l: HeldLine): boolean {
    const [src, , ts, raw, , kind] = l;
    if (this.released) {
      if (!this.late.has(src)) return false;
      if (kind === 1 || (ts && timeKey(ts) >= this.releasedKey)) this.late.delete(src);
      else {
        this.late.delete(src);
        this.out([
          src,
          l[1],
          new Date(this.now()).toISOString(),
          `── ${l[1]}: its backlog came after the merged start; the lines below are older than the lines above ──`,
          0,
          1,
        ]);
      }
      return false;
    }
    this.held.push(l);
    this.bytes += raw.length + l[1].length + ts.length + LINE_OVERHEAD;
    if (kind === 1 || (ts && timeKey(ts) >= this.openedKey)) this.finished(src);
    else if (this.pending.has(src)) this.pending.set(src, this.now());
    if (this.bytes >= this.maxBytes) this.release();
    return true;
  }

  /** Called on the view's timer: releases when every source is done, or at the deadline. */
  tick(): void {
    if (this.released) return;
    const now = this.now();
    for (const [src, last] of this.pending) if (last !== NOT_LIVE && now - last >= this.quietMs) this.pending.delete(src);
    if ((this.clustersToList <= 0 && this.pending.size === 0) || now >= this.deadline) this.release();
  }

  private finished(src: number): void {
    this.pending.delete(src);
    this.late.delete(src);
  }

  private release(): void {
    const merged = mergeByTime(this.held, (l) => l[2]);
    this.held = [];
    this.bytes = 0;
    this.released = true;
    for (const src of this.pending.keys()) this.late.add(src);
    this.pending.clear();
    for (let i = merged.length - 1; i >= 0; i--) {
      const ts = merged[i]![2];
      if (ts) {
        this.releasedKey = timeKey(ts);
        break;
      }
    }
    for (const l of merged) this.out(l);
  }
}
