/**
 * A followed container's state as the view's pod watch reports it, so a log source decides when
 * to (re)open its stream without asking the API server: a follow request on a container in
 * CrashLoopBackOff returns the last instance's log and closes at once, so "reopen when the
 * stream ends" asks thousands of times a second during a back-off. A source waits for the watch
 * to report a new running instance instead, and every request it makes passes a RequestCap.
 */
import type { PodObject } from './targets';

export interface ContainerState {
  /** Identity of the running instance (restart count and start time); undefined while not running. */
  instance?: string;
  restarts: number;
  /** The container has run before (a stream of it returns its last instance's log). */
  hasRun: boolean;
  /** Waiting reason and kubelet message (CrashLoopBackOff: "back-off 40s restarting failed container=..."). */
  waiting?: { reason?: string; message?: string };
  /** It will not run again: the pod finished, or it is being deleted and this container stopped. */
  finished: boolean;
}

export function containerStateOf(pod: PodObject, container: string): ContainerState {
  const cs = pod.status?.containerStatuses?.find((c) => c.name === container);
  const running = cs?.state?.running;
  const phase = pod.status?.phase;
  const restarts = cs?.restartCount ?? 0;
  return {
    ...(running ? { instance: `${restarts}/${running.startedAt ?? ''}` } : {}),
    restarts,
    hasRun: restarts > 0 || Boolean(cs?.state?.terminated) || Boolean(cs?.lastState?.terminated),
    ...(cs?.state?.waiting ? { waiting: cs.state.waiting } : {}),
    finished: phase === 'Succeeded' || phase === 'Failed' || (Boolean(pod.metadata.deletionTimestamp) && !running),
  };
}

/** "40s" / "2m40s" / "5m0s" (Go durations, as the kubelet words its back-off) → "40 s", "2 min 40 s", "5 min". */
export function spokenDuration(go: string): string {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(go);
  if (!m || go === '') return go;
  const parts = [m[1] && `${m[1]} h`, m[2] && m[2] !== '0' && `${m[2]} min`, m[3] && Number(m[3]) > 0 && `${m[3]} s`].filter(Boolean);
  return parts.length ? parts.join(' ') : '0 s';
}

/** What the view says while a source waits for its container to run again. */
export function waitingText(s: ContainerState): string {
  const backoff = /back-off (\S+) restarting/.exec(s.waiting?.message ?? '')?.[1];
  if (s.waiting?.reason === 'CrashLoopBackOff')
    return `waiting for the container to restart${backoff ? ` (back-off ${spokenDuration(backoff)})` : ''}`;
  return `waiting for the container to start (${s.waiting?.reason ?? 'not running'})`;
}

/** The latest state of one container; `next()` waits for the watch's next report. */
export class ContainerStateFeed {
  private latest: ContainerState | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly container: string) {}

  get current(): ContainerState | undefined {
    return this.latest;
  }

  update(pod: PodObject): void {
    this.latest = containerStateOf(pod, this.container);
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Resolves with 'changed' on the next report, 'timeout' after `ms` (if given), 'aborted' on abort. */
  next(signal: AbortSignal, ms?: number): Promise<'changed' | 'timeout' | 'aborted'> {
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (why: 'changed' | 'timeout' | 'aborted') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== onChange);
        resolve(why);
      };
      const onAbort = () => done('aborted');
      const onChange = () => done('changed');
      this.waiters.push(onChange);
      signal.addEventListener('abort', onAbort, { once: true });
      if (ms !== undefined) timer = setTimeout(() => done('timeout'), ms);
    });
  }
}

/**
 * At most `perSecond` requests a second for one source, with a burst of `burst` (a token bucket):
 * whatever a server or a bug does, one open view costs the API server a few requests a second.
 */
export class RequestCap {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond = 1,
    private readonly burst = 3,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Milliseconds to wait before the next request may go (0 = now); takes its token. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}
