/**
 * Simulated durations on a real wall clock. Timestamps written into objects stay real (so kubectl's
 * AGE column is sane), but every simulated duration (start-up, back-off, deadlines) is divided by
 * `speed`, so a clock speed of 10 makes a 10 s back-off last 1 s.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Timers that came due while frozen, run on thaw (in the order they came due). */
  private readonly held = new Map<NodeJS.Timeout, () => void>();
  private frozen = false;

  constructor(readonly speed: number = 1) {
    if (!(speed > 0)) throw new Error(`clock speed must be > 0, got ${speed}`);
  }

  nowIso(): string {
    // Kubernetes serialises metav1.Time with second precision.
    return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /**
   * Simulated milliseconds elapsed since a real timestamp (ISO string or epoch ms), at least.
   * A second-precision timestamp is taken as the end of its second: its truncation, multiplied by
   * the clock speed, would otherwise make minReadySeconds or a progress deadline pass too early.
   */
  simElapsedMs(since: string | number): number {
    const t = typeof since === 'number' ? since : Date.parse(since) + (/\.\d+Z$/.test(since) ? 0 : 999);
    return Math.max(0, Date.now() - t) * this.speed;
  }

  /**
   * Runs `fn` after `simMs` simulated milliseconds. Node fires a delay above 2^31-1 ms at once;
   * such a timer fires after ~24 days instead, early, which callers treat as "look again".
   */
  after(simMs: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.frozen) this.held.set(timer, fn);
        else fn();
      },
      Math.min(MAX_TIMEOUT_MS, Math.max(0, simMs / this.speed)),
    );
    timer.unref?.();
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
    this.held.delete(timer);
  }

  /**
   * Stop every simulated activity (controllers, kubelet: nothing changes by itself) until thaw().
   * Benchmarks use it to measure a client with truly nothing changing. Timestamps stay real.
   */
  freeze(): void {
    this.frozen = true;
  }

  /** Resume: what came due while frozen runs now. */
  thaw(): void {
    this.frozen = false;
    const due = [...this.held.values()];
    this.held.clear();
    for (const fn of due) fn();
  }

  stopAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
  }
}
