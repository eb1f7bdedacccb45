import type { SimClock } from './clock';

/**
 * At most one pending simulated timer per key (a pod's next lifecycle step, a CronJob's next
 * firing, a deadline to look at again). Setting a key replaces its pending timer; a timer that
 * fires forgets its key before it runs, so its callback may set the key again.
 */
export class KeyedTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly clock: SimClock) {}

  /** Runs `fn` after `simMs` simulated ms, in place of the key's pending timer. */
  set(key: string, simMs: number, fn: () => void): void {
    this.cancel(key);
    const timer = this.clock.after(simMs, () => {
      if (this.timers.get(key) === timer) this.timers.delete(key);
      fn();
    });
    this.timers.set(key, timer);
  }

  /** As `set`, unless the key already has a pending timer (that one stays). */
  setIfIdle(key: string, simMs: number, fn: () => void): void {
    if (!this.timers.has(key)) this.set(key, simMs, fn);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  cancel(key: string): void {
    this.clock.cancel(this.timers.get(key));
    this.timers.delete(key);
  }

  cancelAll(): void {
    for (const t of this.timers.values()) this.clock.cancel(t);
    this.timers.clear();
  }
}
