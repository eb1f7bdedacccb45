/**
 * Per-connection work limits of the browser-mode bridge. Any page that has the token (or a bug in
 * our own renderer) could otherwise flood main: a connection cap, a message rate per connection
 * (token bucket) and a bound on requests in flight per connection. Over a limit, a request is
 * answered with `unavailable` at once (never queued), so main's work stays bounded.
 */
export interface BridgeLimits {
  /** Open WebSocket connections at once (tabs, reconnects). Default 16. */
  maxConnections: number;
  /** Requests one connection may have running at once. Default 64. */
  maxInFlight: number;
  /** Sustained messages per second per connection. Default 200. */
  ratePerSec: number;
  /** Messages a connection may send in a burst above the rate. Default 400. */
  burst: number;
}

export const defaultBridgeLimits: BridgeLimits = { maxConnections: 16, maxInFlight: 64, ratePerSec: 200, burst: 400 };

/** A token bucket: `take()` is true while the connection stays within rate + burst. */
export class RateBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
