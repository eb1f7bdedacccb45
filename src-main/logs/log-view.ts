/**
 * One log view: the selection's containers in every selected cluster (targets.ts), one source per
 * container (pod-log-source.ts, or a file followed over exec), every line sanitized, numbered,
 * kept in a bounded ring, appended to the spool and handed to Delivery for the renderer.
 */
import type { LogEvent, LogLine, LogSelection, LogSource } from '../../src-shared/logs/contract';
import { sanitizeLine } from '../../src-shared/logs/sanitize';
import type { AppError } from '../../src-shared/result';
import { BacklogHold, type BacklogHoldOptions } from './backlog-hold';
import { Delivery, type DeliveryOptions } from './delivery';
import { ContainerStateFeed } from './container-state';
import type { LogTransport, SourceSink } from './pod-log-source';
import { PodLogSource } from './pod-log-source';
import { Ring } from './ring';
import { Spool } from './spool';
import type { PodObject, PodWatch } from './targets';
import { podQuery, watchPods } from './targets';

/** Longest line text sent to the renderer; the whole line stays in the spool (download). */
export const DISPLAY_MAX_CHARS = 64 * 1024;

export interface LogViewDeps {
  connection(clusterId: string): LogTransport | undefined;
  acquire(clusterId: string): () => void;
  /** Starts a file source (tail -F over exec); absent = file selections are refused per source. */
  followFile?(
    clusterId: string,
    t: { namespace: string; pod: string; container: string; file: string },
    sink: SourceSink,
    feed: ContainerStateFeed,
  ): { stop(): void };
}

export interface LogViewOptions {
  ringLines?: number;
  delivery?: DeliveryOptions;
  flushMs?: number;
  /** The start's hold of the sources' backlogs (backlog-hold.ts); only when there is a backlog. */
  backlogHold?: BacklogHoldOptions;
}

interface Running {
  meta: LogSource;
  sink: SourceSink;
  feed: ContainerStateFeed;
  stop(): void;
}

export class LogView {
  readonly ring: Ring<LogLine>;
  readonly spool = new Spool();
  private readonly delivery: Delivery;
  private readonly sources = new Map<string, Running>();
  private readonly byId: Running[] = [];
  private readonly releases: (() => void)[] = [];
  private readonly watches: PodWatch[] = [];
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private sourcesDirty = false;
  /** The sources' backlogs held at the start and released merged by time; null once done. */
  private hold: BacklogHold | null;

  constructor(
    private readonly deps: LogViewDeps,
    private readonly sel: LogSelection,
    private readonly emit: (e: LogEvent) => void,
    o: LogViewOptions = {},
  ) {
    this.ring = new Ring(o.ringLines ?? 100_000);
    this.delivery = new Delivery((b) => this.emit({ t: 'lines', ...b }), o.delivery);
    this.hold =
      (sel.tailLines ?? 200) > 0 || sel.sinceTime
        ? new BacklogHold(sel.clusterIds.length, (l) => this.write(l[0], l[1], l[2], l[3], l[4], l[5]), o.backlogHold)
        : null;
    this.timers.push(
      setInterval(() => this.tick(), o.flushMs ?? 50),
      setInterval(() => this.stats(), 1000),
      setInterval(() => this.spool.flush(), 250),
    );
  }

  /** Start every cluster; a cluster that cannot be used becomes a marker line, not a failed view. */
  start(): void {
    const onError = (e: AppError) => {
      this.hold?.clusterListed();
      this.add(-1, 'capstan', new Date().toISOString(), `── ${e.clusterId ?? ''}: ${e.message} ──`, 0, 1);
    };
    for (const clusterId of this.sel.clusterIds) {
      this.releases.push(this.deps.acquire(clusterId));
      const conn = this.deps.connection(clusterId);
      if (!conn) {
        onError({ code: 'not-found', message: `No cluster "${clusterId}". Reload the cluster list.`, clusterId });
        continue;
      }
      void podQuery(conn, this.sel, this.abort.signal).then((q) => {
        if (this.abort.signal.aborted) return;
        if (!q.ok) return onError({ ...q.error, clusterId });
        this.watches.push(
          watchPods(
            conn,
            q.value,
            (up, del) => this.onPods(clusterId, conn, up, del),
            () => this.hold?.clusterListed(),
          ),
        );
      });
    }
  }

  ack(seq: number): void {
    this.delivery.ack(seq);
    this.delivery.flush();
  }

  get skipped(): number {
    return this.delivery.skipped;
  }

  /** Lines the viewer has written (acked after xterm's write callback). */
  get acked(): number {
    return this.delivery.acked;
  }

  dispose(): void {
    this.abort.abort();
    for (const t of this.timers) clearInterval(t);
    for (const w of this.watches) w.stop();
    for (const s of this.sources.values()) s.stop();
    for (const r of this.releases) r();
    this.spool.close();
  }

  private onPods(clusterId: string, conn: LogTransport, upserts: PodObject[], deletes: PodObject[]): void {
    for (const pod of upserts) {
      const ns = pod.metadata.namespace ?? '';
      const names = (pod.spec?.containers ?? []).map((c) => c.name).filter((c) => !this.sel.container || c === this.sel.container);
      for (const container of names) {
        const key = `${clusterId}/${ns}/${pod.metadata.name ?? ''}/${container}`;
        const existing = this.sources.get(key);
        // The watch is what tells a source when its container runs again (container-state.ts).
        if (existing && existing.meta.state !== 'gone') existing.feed.update(pod);
        else this.addSource(key, clusterId, conn, pod, container);
      }
    }
    for (const pod of deletes) {
      for (const [key, s] of this.sources) {
        if (
          key.startsWith(`${clusterId}/${pod.metadata.namespace}/${pod.metadata.name}/`) &&
          s.meta.state !== 'gone' &&
          s.meta.state !== 'ended'
        ) {
          // The stream ends by itself and the source marks the pod gone; this covers a pod that
          // disappears while its source waits (not started yet, backing off).
          s.stop();
          s.sink.marker(`── pod ${pod.metadata.name ?? ''} is gone ──`);
          this.update(s.meta, { state: 'gone' });
        }
      }
    }
  }

  private addSource(key: string, clusterId: string, conn: LogTransport, podObject: PodObject, container: string): void {
    const namespace = podObject.metadata.namespace ?? '';
    const pod = podObject.metadata.name ?? '';
    const feed = new ContainerStateFeed(container);
    feed.update(podObject);
    const meta: LogSource = {
      id: this.byId.length,
      clusterId,
      namespace,
      pod,
      container,
      ...(this.sel.file ? { file: this.sel.file } : {}),
      state: 'starting',
      restarts: 0,
    };
    this.hold?.sourceAdded(meta.id);
    const label = `${clusterId}/${pod}/${container}${this.sel.file ? `:${this.sel.file.split('/').pop()}` : ''}`;
    const sink: SourceSink = {
      lines: (lines) => {
        for (const [ts, text, cut] of lines) this.add(meta.id, label, ts, text, cut, 0);
      },
      marker: (text) => this.add(meta.id, label, new Date().toISOString(), text, 0, 1),
      state: (state, restarts, message) => {
        this.hold?.sourceState(meta.id, state);
        this.update(meta, { state, restarts, message });
      },
    };
    let stop: () => void;
    if (this.sel.file) {
      if (!this.deps.followFile) return;
      stop = this.deps.followFile(clusterId, { namespace, pod, container, file: this.sel.file }, sink, feed).stop;
    } else {
      const src = new PodLogSource(
        conn,
        {
          namespace,
          pod,
          container,
          previous: this.sel.previous,
          tailLines: this.sel.tailLines ?? 200,
          ...(this.sel.sinceTime ? { sinceTime: this.sel.sinceTime } : {}),
        },
        sink,
        feed,
      );
      src.start();
      stop = () => src.stop();
    }
    const running = { meta, sink, feed, stop };
    this.sources.set(key, running);
    this.byId.push(running);
    this.sourcesDirty = true;
  }

  private update(meta: LogSource, patch: Partial<LogSource>): void {
    const message = patch.message;
    Object.assign(meta, patch);
    if (message === undefined) delete meta.message;
    this.sourcesDirty = true;
  }

  private add(src: number, label: string, ts: string, raw: string, cutBytes: number, kind: number): void {
    if (this.hold) {
      if (this.hold.take([src, label, ts, raw, cutBytes, kind])) return;
      if (this.hold.done) this.hold = null;
    }
    this.write(src, label, ts, raw, cutBytes, kind);
  }

  private write(src: number, label: string, ts: string, raw: string, cutBytes: number, kind: number): void {
    let text = sanitizeLine(raw);
    if (cutBytes > 0) text += ` … [${cutBytes} bytes cut: the line exceeded 4 MB]`;
    this.spool.append(`${label} ${ts} ${text}`);
    if (text.length > DISPLAY_MAX_CHARS)
      text = `${text.slice(0, DISPLAY_MAX_CHARS)} … [${text.length - DISPLAY_MAX_CHARS} more characters: download the history for the whole line]`;
    const line: LogLine = [src, ts, text, kind];
    this.delivery.push(this.ring.push(line), line);
  }

  private tick(): void {
    this.hold?.tick();
    if (this.hold?.done) this.hold = null;
    if (this.sourcesDirty) {
      this.sourcesDirty = false;
      this.emit({ t: 'sources', sources: this.byId.map((s) => ({ ...s.meta })) });
    }
    this.delivery.flush();
  }

  private stats(): void {
    this.emit({ t: 'stats', total: this.ring.total, skipped: this.delivery.skipped, ring: this.ring.size, spoolBytes: this.spool.bytes });
  }
}
