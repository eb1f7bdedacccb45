/**
 * The sampling interval adapts to what a round costs: a round over 50,000 containers (kubelet
 * summaries of ~500 nodes over TLS, JSON parsing, history, top lists) costs about a second of CPU,
 * which at the wanted 10 s would keep a core 10% busy for nothing changing. The interval is
 * stretched so that rounds use at most `maxCpuPercent` of a core (default 0.5%), never shortened
 * below what the user asked for. The cost is the median CPU of the last rounds (one round slowed
 * by a burst of other work does not move it) and the interval moves only when it is off by more
 * than 20% (no jitter on the chart's time axis).
 */
export interface Pacing {
  wantedMs: number;
  intervalMs: number;
  /** Median CPU of the last rounds, ms. */
  roundCpuMs: number;
  maxCpuPercent: number;
}

const WINDOW = 5;

export class Pacer {
  private readonly costs: number[] = [];
  private current: number | undefined;
  private warm = false;

  observe(cpuMs: number): void {
    // The first round pays for TLS handshakes with every node and a cold JIT: not what rounds cost.
    if (!this.warm) {
      this.warm = true;
      return;
    }
    this.costs.push(cpuMs);
    if (this.costs.length > WINDOW) this.costs.shift();
  }

  get roundCpuMs(): number {
    if (this.costs.length === 0) return 0;
    const s = [...this.costs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  }

  /** The interval to wait before the next round. */
  intervalMs(wantedMs: number, maxCpuPercent: number): number {
    const need = Math.min(600_000, (this.roundCpuMs * 100) / maxCpuPercent);
    if (need <= wantedMs) return (this.current = wantedMs);
    const cur = this.current ?? wantedMs;
    if (cur >= need && cur <= need * 1.2) return cur;
    // Whole seconds above 10 s, 100 ms below: a readable "every 37 s" in the status.
    const step = need >= 10_000 ? 1000 : 100;
    return (this.current = Math.ceil((need * 1.1) / step) * step);
  }

  /** The interval in use (cheap: called for every sample recorded). */
  currentMs(wantedMs: number): number {
    return Math.max(this.current ?? wantedMs, wantedMs);
  }

  describe(wantedMs: number, maxCpuPercent: number): Pacing {
    return { wantedMs, intervalMs: this.currentMs(wantedMs), roundCpuMs: Math.round(this.roundCpuMs), maxCpuPercent };
  }
}
