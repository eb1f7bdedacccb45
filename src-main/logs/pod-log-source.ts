/**
 * Follows one container's log (`/pods/{pod}/log?follow=true&timestamps=true`) for as long as it
 * should: after a dropped stream (API server restart, VPN, a cut mid-line) it resumes with
 * `sinceTime` = the boundary second of the last line and drops what it already had (same
 * timestamp and text at the boundary; anything earlier), so there is no gap and no duplicate.
 * A partial line of a broken stream is discarded: the resumed read sends it again, whole.
 *
 * When to open a stream comes from the container's state as the view's pod watch reports it
 * (container-state.ts), never from asking the API server: a new running instance is followed
 * (marked), a container waiting in CrashLoopBackOff is waited for ("waiting for the container to
 * restart (back-off 40 s)"), a finished one ends the source. A stream that ends while the watch
 * still says the same instance runs is a drop or a watch that lags: the source waits for the
 * watch or a back-off, whichever is first. Every request passes the source's RequestCap.
 */
import type { Readable } from 'node:stream';
import { Backoff, EQUAL_JITTER } from '../../src-shared/base/backoff';
import type { RequestOptions } from '../clusters/cluster-connection';
import type { Result } from '../../src-shared/result';
import type { LogSource } from '../../src-shared/logs/contract';
import { normalizeTimestamp, secondOf } from '../../src-shared/logs/sanitize';
import type { ContainerStateFeed } from './container-state';
import { RequestCap, waitingText } from './container-state';
import { LineFramer } from '../base/line-framer';

export interface LogTransport {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
  openStream(path: string, o?: RequestOptions): Promise<Result<Readable>>;
}

export interface SourceTarget {
  namespace: string;
  pod: string;
  container: string;
  previous?: boolean;
  tailLines: number;
  sinceTime?: string;
}

export interface SourceSink {
  /** Lines in order: [normalized timestamp, raw text, bytes cut off]. */
  lines(lines: [string, string, number][]): void;
  marker(text: string): void;
  state(state: LogSource['state'], restarts: number, message?: string): void;
}

const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) /;
/** The kubelet's usual stamp (nine fraction digits, already normalized): tested without a match array. */
const TS_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

export interface PodLogSourceOptions {
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  cap?: RequestCap;
  /** First back-off after a drop (doubling to 30 s). Default 800 ms. */
  firstBackoffMs?: number;
}

export class PodLogSource {
  private readonly abort = new AbortController();
  private lastTs = '';
  /** Texts of the lines stamped lastTs (usually one): a resumed stream repeats them. A list, not a Set: hashing every line's text cost more than the rare lookup. */
  private atLastTs: string[] = [];
  /** The stream was opened from lastTs's second: what it sends up to the last line we had is a repeat. */
  private resuming = false;
  private restarts = 0;
  /** The instance the last stream was opened for ('' = none yet; 'last' = a stopped container's last instance). */
  private followed = '';
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly cap: RequestCap;
  /** Drops of the same instance: firstBackoffMs doubling to 30 s, equal jitter. */
  private readonly retry: Backoff;

  /** `feed`: the container's state from the view's pod watch (updated by the view). */
  constructor(
    private readonly conn: LogTransport,
    private readonly t: SourceTarget,
    private readonly sink: SourceSink,
    private readonly feed: ContainerStateFeed,
    o: PodLogSourceOptions = {},
  ) {
    this.sleep = o.sleep ?? defaultSleep;
    this.cap = o.cap ?? new RequestCap();
    this.retry = new Backoff({ initialMs: o.firstBackoffMs ?? 800, maxMs: 30_000, jitter: EQUAL_JITTER });
  }

  start(): void {
    void this.run().catch((e: unknown) => this.sink.state('error', this.restarts, String(e)));
  }

  stop(): void {
    this.abort.abort();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private path(): string {
    const q = new URLSearchParams({ container: this.t.container, timestamps: 'true' });
    if (this.t.previous) q.set('previous', 'true');
    else q.set('follow', 'true');
    this.resuming = this.lastTs !== '';
    if (this.lastTs) q.set('sinceTime', secondOf(this.lastTs));
    else if (this.t.sinceTime) q.set('sinceTime', this.t.sinceTime);
    else q.set('tailLines', String(this.t.tailLines));
    return `/api/v1/namespaces/${encodeURIComponent(this.t.namespace)}/pods/${encodeURIComponent(this.t.pod)}/log?${q}`;
  }

  private async run(): Promise<void> {
    while (!this.feed.current && !this.stopped) await this.feed.next(this.abort.signal);
    this.restarts = this.feed.current?.restarts ?? 0;
    while (!this.stopped) {
      const s = this.feed.current!;
      if (s.restarts > this.restarts) this.restarts = s.restarts;
      const target = this.t.previous ? 'previous' : (s.instance ?? (s.hasRun ? 'last' : undefined));
      if (target === undefined || (target === 'last' && this.followed !== '')) {
        // Nothing to read until the container runs (again): wait for the watch to say so.
        if (s.finished) return this.sink.state('ended', this.restarts, 'The container has exited and will not restart.');
        this.sink.state(s.hasRun ? 'waiting' : 'starting', this.restarts, waitingText(s));
        await this.feed.next(this.abort.signal);
        continue;
      }
      await this.sleep(this.cap.take(), this.abort.signal);
      if (this.stopped) return;
      const r = await this.conn.openStream(this.path(), { signal: this.abort.signal, verb: 'get', resource: 'pods/log' });
      if (this.stopped) return;
      if (!r.ok) {
        if (r.error.status === 404) return this.gone();
        const waiting = r.error.status === 400 && /waiting to start|ContainerCreating|PodInitializing/.test(r.error.message);
        if (r.error.status === 400 && !waiting) return this.sink.state('error', this.restarts, r.error.message);
        this.sink.state(waiting ? 'starting' : 'reconnecting', this.restarts, r.error.message);
        // The watch telling of a new state ends the wait early.
        await this.backoff(waiting ? 1000 : undefined);
        continue;
      }
      if (this.followed !== '' && target !== this.followed && target !== 'last') {
        this.sink.marker(`── container ${this.t.container} restarted (restart ${s.restarts}); following the new instance ──`);
      }
      this.followed = target;
      this.sink.state('live', this.restarts);
      const openedAt = Date.now();
      const clean = await this.read(r.value);
      if (this.stopped) return;
      if (this.t.previous) return this.sink.state('ended', this.restarts);
      if (!clean) this.sink.state('reconnecting', this.restarts, 'The log stream was cut; resuming.');
      const now = this.feed.current!;
      if (clean && now.instance !== undefined && now.instance !== target) {
        this.retry.reset(); // a new instance already runs: follow it
        continue;
      }
      if (clean && now.instance === undefined) continue; // it stopped: wait for it (or end) above
      if (Date.now() - openedAt > 60_000) this.retry.reset(); // it was a healthy stream: retry soon
      // The same instance still runs as far as the watch knows: a drop, or a watch that has not
      // caught up with the exit yet. Whichever comes first: the watch's news or the back-off.
      await this.backoff();
    }
  }

  /** Read a stream to its end; true if it ended cleanly (not reset or cut). */
  private read(stream: Readable): Promise<boolean> {
    const framer = new LineFramer();
    return new Promise((resolve) => {
      let done = false;
      const finish = (clean: boolean) => {
        if (done) return;
        done = true;
        if (clean) {
          const last = framer.flush();
          if (last) this.accept([last]);
        } else framer.discard();
        resolve(clean);
      };
      stream.on('data', (chunk: Buffer) => this.accept(framer.push(chunk)));
      stream.on('end', () => finish(true));
      stream.on('error', () => finish(false));
      stream.on('close', () => finish(stream.readableEnded));
      stream.on('aborted', () => finish(false));
    });
  }

  private accept(framed: { text: string; truncatedBytes: number }[]): void {
    if (framed.length === 0) return;
    const out: [string, string, number][] = [];
    for (const f of framed) {
      let ts = '';
      let text = f.text;
      if (text.charCodeAt(30) === 32 && TS_NANO.test(text)) {
        ts = text.slice(0, 30);
        text = text.slice(31);
      } else {
        const m = TS.exec(text);
        if (m) {
          ts = normalizeTimestamp(m[1]!);
          text = text.slice(m[0].length);
        }
      }
      if (ts) {
        // Only a resumed stream repeats lines. Within a stream an earlier timestamp is a real line
        // (stdout and stderr are copied to the log file separately; a crash message can be stamped
        // before the lines around it): dropping it would lose it silently.
        if (this.resuming) {
          if (ts < this.lastTs || (ts === this.lastTs && this.atLastTs.includes(text))) continue;
          this.resuming = false;
        }
        if (ts > this.lastTs) {
          this.lastTs = ts;
          this.atLastTs = [text];
        } else if (ts === this.lastTs) this.atLastTs.push(text);
      }
      out.push([ts, text, f.truncatedBytes]);
    }
    if (out.length) this.sink.lines(out);
  }

  private gone(): void {
    this.sink.marker(`── pod ${this.t.pod} is gone ──`);
    this.sink.state('gone', this.restarts);
  }

  /** Waits the next back-off, or a fixed time; a report from the watch ends it early. */
  private async backoff(fixed?: number): Promise<void> {
    await this.feed.next(this.abort.signal, fixed ?? this.retry.next(Date.now()));
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
