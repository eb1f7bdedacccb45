/**
 * LogService: the log views of every renderer, by (sender, viewId). A view lives as long as its
 * subscription (`logs.view`); acks and spool reads are only accepted from the sender that owns it.
 *
 *   const logs = new LogService({ connection, acquire, followFile });
 *   const stop = logs.open(senderId, { viewId, selection }, emit);
 *   logs.ack(senderId, viewId, seq); logs.readSpool(senderId, viewId, offset, maxBytes); stop();
 */
import type { LogEvent, LogSelection } from '../../src-shared/logs/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { LogViewDeps, LogViewOptions } from './log-view';
import { LogView } from './log-view';

export class LogService {
  private readonly views = new Map<string, LogView>();

  constructor(
    private readonly deps: LogViewDeps,
    private readonly defaults: LogViewOptions = {},
  ) {}

  open(
    senderId: string,
    p: { viewId: string; selection: LogSelection; ringLines?: number },
    emit: (e: LogEvent) => void,
  ): Result<() => void> {
    const key = `${senderId}\u0000${p.viewId}`;
    if (this.views.has(key)) return err('conflict', `A log view with id ${p.viewId} is already open.`);
    const view = new LogView(this.deps, p.selection, emit, { ...this.defaults, ringLines: p.ringLines ?? this.defaults.ringLines });
    this.views.set(key, view);
    view.start();
    return ok(() => {
      if (this.views.get(key) === view) this.views.delete(key);
      view.dispose();
    });
  }

  view(senderId: string, viewId: string): LogView | undefined {
    return this.views.get(`${senderId}\u0000${viewId}`);
  }

  /** The ids of a sender's open views (diagnostics, benchmarks). */
  viewIds(senderId: string): string[] {
    return [...this.views.keys()].filter((k) => k.startsWith(`${senderId}\u0000`)).map((k) => k.slice(senderId.length + 1));
  }

  ack(senderId: string, viewId: string, seq: number): Result<null> {
    const v = this.view(senderId, viewId);
    if (!v) return err('not-found', 'That log view is closed.');
    v.ack(seq);
    return ok(null);
  }

  readSpool(
    senderId: string,
    viewId: string,
    offset: number,
    maxBytes: number,
  ): Result<{ text: string; nextOffset: number; eof: boolean }> {
    const v = this.view(senderId, viewId);
    if (!v) return err('not-found', 'That log view is closed; its history was deleted with it.');
    return ok(v.spool.read(offset, maxBytes));
  }

  dispose(): void {
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
  }
}
