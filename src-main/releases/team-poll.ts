/**
 * When the team records are read: at once on start, `debounceMs` after a watch event (a burst of
 * events, one read), and `period()` after the last read as the fallback. One read in flight at a
 * time: an event during a read asks for one more read after it.
 */
export interface TeamPollOptions {
  round: () => Promise<void>;
  /** The fallback period, asked after every read and whenever `arm()` is called. */
  period: () => number;
  debounceMs: number;
  log?: (m: string) => void;
}

export class TeamPollScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** An event arrived during a read: read again after it. */
  private again = false;
  /** A read is due `debounceMs` after an event: the fallback timer does not push it back. */
  private kicked = false;
  private lastEnd = Date.now();
  private disposed = false;

  constructor(private readonly o: TeamPollOptions) {}

  start(): void {
    this.run();
  }

  /** Something changed in a cluster: read soon. */
  kick(): void {
    if (this.disposed) return;
    if (this.running) this.again = true;
    else if (!this.kicked) {
      this.kicked = true;
      this.set(this.o.debounceMs);
    }
  }

  /** The period may have changed (a watch opened or failed): the next fallback read follows it. */
  arm(): void {
    if (this.disposed || this.running || this.kicked) return;
    this.set(Math.max(0, this.lastEnd + this.o.period() - Date.now()));
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.kicked = false;
    this.running = true;
    void this.o
      .round()
      .catch((e: Error) => this.o.log?.(`[releases] team records: ${e.message}`))
      .finally(() => {
        this.running = false;
        this.lastEnd = Date.now();
        if (this.disposed) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.arm();
      });
  }

  private set(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref();
  }
}
