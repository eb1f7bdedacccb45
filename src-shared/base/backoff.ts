/**
 * Retry delays, written once for main and renderer: a delay that starts at `initialMs`, doubles
 * with every failed attempt up to `maxMs`, and is multiplied by a random factor within `jitter` so
 * that many clients cut off at once do not all come back in the same instant.
 *
 * The jitter range is part of each caller's policy, named where it is chosen:
 * - EQUAL_JITTER [0.5, 1]: half fixed, half random, never above the doubling (the default;
 *   the renderer's reconnect, log followers).
 * - CLIENT_GO_JITTER [1, 1.25]: the doubling plus up to a quarter, as client-go's reflector.
 * - SPREAD_JITTER [0.75, 1.25]: around the doubling (registry HTTP retries).
 */
export type JitterRange = readonly [low: number, high: number];

export const EQUAL_JITTER: JitterRange = [0.5, 1];
export const CLIENT_GO_JITTER: JitterRange = [1, 1.25];
export const SPREAD_JITTER: JitterRange = [0.75, 1.25];

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. Default 800 ms. */
  initialMs?: number;
  /** No delay exceeds this, jitter included. Default 30 s. */
  maxMs?: number;
  jitter?: JitterRange;
  random?: () => number;
}

/** The delay before retry `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = {}): number {
  const { initialMs = 800, maxMs = 30_000, jitter = EQUAL_JITTER, random = Math.random } = policy;
  // Past 2^40 the doubling is far beyond any maxMs; stopping there keeps the number finite.
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 0), 40));
  const [low, high] = jitter;
  return Math.min(maxMs, Math.round(base * (low + (high - low) * random())));
}

/**
 * A backoff with memory: `next(now)` gives the delay after a failure; `healthy(now)` marks that
 * things work, and once they have worked for `resetAfterMs` the next failure starts again from
 * `initialMs` (a flapping connection keeps its long delays; a long-healthy one comes back fast).
 */
export class Backoff {
  private failures = 0;
  private healthySince: number | undefined;
  private readonly resetAfterMs: number;

  constructor(private readonly policy: BackoffPolicy & { resetAfterMs?: number } = {}) {
    this.resetAfterMs = policy.resetAfterMs ?? 120_000;
  }

  /** Call when things work (a watch is open and delivering, a stream is live). */
  healthy(now: number): void {
    this.healthySince ??= now;
  }

  /** Delay before retrying after a failure at `now`. */
  next(now: number): number {
    if (this.healthySince !== undefined && now - this.healthySince >= this.resetAfterMs) this.failures = 0;
    this.healthySince = undefined;
    return backoffDelay(this.failures++, this.policy);
  }

  /** Start again from `initialMs` at the next failure. */
  reset(): void {
    this.failures = 0;
    this.healthySince = undefined;
  }

  get attempts(): number {
    return this.failures;
  }
}
