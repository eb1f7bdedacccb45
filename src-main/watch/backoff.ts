/**
 * Reflector backoff, as client-go: 800 ms doubling up to 30 s, with jitter, reset after 2 min of
 * healthy operation. `next()` gives the delay before the next attempt after a failure.
 */
export interface BackoffOptions {
  initialMs?: number; // 800
  maxMs?: number; // 30 000
  resetAfterMs?: number; // 120 000
  /** Fraction of the delay added at random (0..jitter). Default 0.25. */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  private healthySince: number | undefined;
  private readonly o: Required<BackoffOptions>;

  constructor(opts: BackoffOptions = {}) {
    this.o = { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000, jitter: 0.25, random: Math.random, ...opts };
  }

  /** Call when things work (a watch is open and delivering). */
  healthy(now: number): void {
    this.healthySince ??= now;
  }

  /** Delay before retrying after a failure at `now`. */
  next(now: number): number {
    if (this.healthySince !== undefined && now - this.healthySince >= this.o.resetAfterMs) this.failures = 0;
    this.healthySince = undefined;
    const base = Math.min(this.o.maxMs, this.o.initialMs * 2 ** this.failures);
    this.failures++;
    return Math.min(this.o.maxMs, Math.round(base * (1 + this.o.jitter * this.o.random())));
  }

  get attempts(): number {
    return this.failures;
  }
}
