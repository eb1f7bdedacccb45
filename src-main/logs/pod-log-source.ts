/**
 * Follows one container's log (`/pods/{pod}/log?follow=true&timestamps=true`) for as long as it
 * should: after a dropped stream (API server restart, VPN, a cut mid-line) it resumes with
 * `sinceTime` = the boundary second of the last line and drops what it already had (same
 * timestamp and text at the boundary; anything earlier), so there is no gap and no duplicate.
 * A partial line of a broken stream is discarded: the resumed read sends it again, whole.
 * When the stream ends it asks the API server why: the pod is gone (marked), the container
 * restarted (marked; the new instance is followed) or it is just a drop (reconnect, backoff).
 */
import type { Readable } from 'node:stream';
import type { RequestOptions } from '../clusters/cluster-connection';
import type { Result } from '../../src-shared/result';
import type { LogSource } from '../../src-shared/logs/contract';
import { normalizeTimestamp, secondOf } from '../../src-shared/logs/sanitize';
import { LineFramer } from './line-framer';

export interface LogTransport {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
  openStream(path: string, o?: RequestOptions): Promise<Result<Readable>>;
}

export interface SourceTarget { namespace: string; pod: string; container: string; previous?: boolean; tailLines: number; sinceTime?: string }

export interface SourceSink {
  /** Lines in order: [normalized timestamp, raw text, bytes cut off]. */
  lines(lines: [string, string, number][]): void;
  marker(text: string): void;
  state(state: LogSource['state'], restarts: number, message?: string): void;
}

interface PodStatus { metadata: { deletionTimestamp?: string }; status?: { phase?: string; containerStatuses?: { name: string; restartCount: number; state?: { running?: unknown; terminated?: unknown; waiting?: { reason?: string } } }[] } }

const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) /;

export class PodLogSource {
  private readonly abort = new AbortController();
  private lastTs = '';
  private readonly atLastTs = new Set<string>();
  /** The stream was opened from lastTs's second: what it sends up to the last line we had is a repeat. */
  private resuming = false;
  private restarts = -1;
  private backoffMs = 0;

  constructor(private readonly conn: LogTransport, private readonly t: SourceTarget, private readonly sink: SourceSink, private readonly sleep = defaultSleep) {}

  start(): void {
    void this.run().catch((e: unknown) => this.sink.state('error', Math.max(0, this.restarts), String(e)));
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
    await this.checkPod();
    while (!this.stopped) {
      const r = await this.conn.openStream(this.path(), { signal: this.abort.signal, verb: 'get', resource: 'pods/log' });
      if (this.stopped) return;
      if (!r.ok) {
        if (r.error.status === 404) return this.gone();
        const waiting = r.error.status === 400 && /waiting to start|ContainerCreating|PodInitializing/.test(r.error.message);
        if (r.error.status === 400 && !waiting) return this.sink.state('error', this.restarts, r.error.message);
        this.sink.state(waiting ? 'starting' : 'reconnecting', Math.max(0, this.restarts), r.error.message);
        await this.backoff(waiting ? 1000 : undefined);
        continue;
      }
      this.sink.state('live', Math.max(0, this.restarts));
      this.backoffMs = 0;
      const clean = await this.read(r.value);
      if (this.stopped) return;
      if (this.t.previous) return this.sink.state('ended', Math.max(0, this.restarts));
      const why = await this.checkPod();
      if (why === 'gone') return this.gone();
      if (why === 'finished') return this.sink.state('ended', this.restarts, 'The container has exited and will not restart.');
      if (why === 'same' && !clean) {
        this.sink.state('reconnecting', Math.max(0, this.restarts), 'The log stream was cut; resuming.');
        await this.backoff();
      } else if (why === 'unknown') await this.backoff();
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
      const m = TS.exec(f.text);
      const ts = m ? normalizeTimestamp(m[1]!) : '';
      const text = m ? f.text.slice(m[0].length) : f.text;
      if (ts) {
        // Only a resumed stream repeats lines. Within a stream an earlier timestamp is a real line
        // (stdout and stderr are copied to the log file separately; a crash message can be stamped
        // before the lines around it): dropping it would lose it silently.
        if (this.resuming) {
          if (ts < this.lastTs || (ts === this.lastTs && this.atLastTs.has(text))) continue;
          this.resuming = false;
        }
        if (ts > this.lastTs) {
          this.lastTs = ts;
          this.atLastTs.clear();
        }
        if (ts === this.lastTs) this.atLastTs.add(text);
      }
      out.push([ts, text, f.truncatedBytes]);
    }
    if (out.length) this.sink.lines(out);
  }

  /** Why did the stream end? Marks a restart when the count went up. */
  private async checkPod(): Promise<'gone' | 'finished' | 'restarted' | 'same' | 'unknown'> {
    const r = await this.conn.getJson<PodStatus>(`/api/v1/namespaces/${encodeURIComponent(this.t.namespace)}/pods/${encodeURIComponent(this.t.pod)}`, { signal: this.abort.signal, verb: 'get', resource: 'pods' });
    if (!r.ok) return r.error.status === 404 ? 'gone' : 'unknown';
    const cs = r.value.status?.containerStatuses?.find((c) => c.name === this.t.container);
    const count = cs?.restartCount ?? 0;
    const before = this.restarts;
    this.restarts = count;
    if (before >= 0 && count > before) {
      this.sink.marker(`── container ${this.t.container} restarted (restart ${count}); following the new instance ──`);
      return 'restarted';
    }
    const phase = r.value.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || (r.value.metadata.deletionTimestamp && !cs?.state?.running)) return 'finished';
    return cs?.state?.running ? 'same' : 'restarted';
  }

  private gone(): void {
    this.sink.marker(`── pod ${this.t.pod} is gone ──`);
    this.sink.state('gone', Math.max(0, this.restarts));
  }

  private async backoff(fixed?: number): Promise<void> {
    this.backoffMs = fixed ?? Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 800);
    await this.sleep(this.backoffMs * (fixed ? 1 : 0.5 + Math.random() / 2), this.abort.signal);
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
