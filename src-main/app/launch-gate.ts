/**
 * Work that nothing on the first screen needs (the metrics history: reading and decoding it took
 * ~0.6 s of main's event loop plus its garbage at 50,000 containers; the first metrics round, which
 * also connects every cluster) waits until the window has its first screen: the first workloads
 * delivery (the last known board) has gone out and `settleMs` has passed for the renderer to paint
 * it, or `maxMs` after start when no window asks (a headless start, a window that never connects).
 *
 *   const gate = new LaunchGate({ settleMs: 2000, maxMs: 8000 });
 *   gate.then(() => metrics.start());   // once
 *   gate.firstScreenSent();             // from the workloads stream's first delivery
 *   gate.openNow();                     // a view needs the deferred work now
 *   gate.dispose();
 */
export interface LaunchGateOptions {
  settleMs?: number;
  maxMs?: number;
  /**
   * Also wait for `firstSync()` (every connected cluster's first lists are in): the deferred work
   * then does not add its memory and garbage to the first lists' (the main process's peak at
   * 50,000 pods) nor compete with them for the CPU. Still at most `maxMs` after start.
   */
  waitForSync?: boolean;
}

export class LaunchGate {
  private readonly waiting: (() => void)[] = [];
  private opened = false;
  private disposed = false;
  private settle: NodeJS.Timeout | undefined;
  private settled = false;
  private synced = false;
  private readonly max: NodeJS.Timeout;

  constructor(private readonly opts: LaunchGateOptions = {}) {
    this.max = setTimeout(() => this.open(), opts.maxMs ?? 8000);
    this.max.unref?.();
  }

  /** Run `work` once the first screen is out (at once if it already is). */
  then(work: () => void): void {
    if (this.disposed) return;
    if (this.opened) work();
    else this.waiting.push(work);
  }

  /** The first screen's data has been handed to the transport. */
  firstScreenSent(): void {
    if (this.opened || this.disposed || this.settle) return;
    this.settle = setTimeout(() => {
      this.settled = true;
      this.openWhenReady();
    }, this.opts.settleMs ?? 2000);
    this.settle.unref?.();
  }

  /** Every connected cluster has synced for the first time (see `waitForSync`). */
  firstSync(): void {
    this.synced = true;
    this.openWhenReady();
  }

  private openWhenReady(): void {
    if (this.settled && (this.synced || !this.opts.waitForSync)) this.open();
  }

  /** Someone needs the deferred work now (the metrics view opened at launch): open at once. */
  openNow(): void {
    this.open();
  }

  get isOpen(): boolean {
    return this.opened;
  }

  dispose(): void {
    clearTimeout(this.max);
    clearTimeout(this.settle);
    this.waiting.length = 0;
    this.disposed = true;
  }

  private open(): void {
    if (this.opened || this.disposed) return;
    this.opened = true;
    clearTimeout(this.max);
    clearTimeout(this.settle);
    for (const work of this.waiting.splice(0)) {
      try {
        work();
      } catch {
        /* one failing task must not keep the others waiting; each logs its own failures */
      }
    }
  }
}

/** The same handlers, each opening the gate first (a view that needs the deferred work now). */
export function openingGate<H extends object>(gate: LaunchGate, handlers: H): H {
  const wrap =
    (h: (...a: unknown[]) => unknown) =>
    (...a: unknown[]) => (gate.openNow(), h(...a));
  return Object.fromEntries(Object.entries(handlers).map(([k, h]) => [k, wrap(h as (...a: unknown[]) => unknown)])) as H;
}
