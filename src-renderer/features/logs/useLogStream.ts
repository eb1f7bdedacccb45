/**
 * Subscribes a log view and feeds it into a terminal with flow control: each batch is written
 * with xterm's write callback, and only then acked to main (main stops sending past its high
 * watermark, so a slow tab slows its own view, never the app). While paused, lines are kept
 * and counted; resume writes them. Filter and option changes re-render from the local buffer.
 */
import { useEffect, useRef, useState } from 'react';
import type { AppClient } from '../../../src-shared/contract';
import type { LogLine, LogSelection, LogSource } from '../../../src-shared/logs/contract';
import type { AppError } from '../../../src-shared/result';
import type { FormatOptions } from './log-model';
import { compileFilter, formatLine, isContinuation, LineBuffer, sourceLabel } from './log-model';
import type { TermHandle } from './terminal';
import { useLatest } from '../../components/useLatest';

/** `filterShown` / `filterSeen`: lines that passed the filter among those it was applied to since it last changed. */
export interface StreamState {
  sources: LogSource[];
  total: number;
  received: number;
  skipped: number;
  newWhilePaused: number;
  filterShown: number;
  filterSeen: number;
  error?: AppError;
}
export interface ViewOptions extends Omit<FormatOptions, 'cols' | 'multiSource'> {
  filter: string;
  regex: boolean;
  paused: boolean;
}

const LOCAL_LINES = 100_000;
const RERENDER_LINES = 10_000;

export function useLogStream(
  client: AppClient,
  viewId: string,
  selection: LogSelection,
  handle: TermHandle | undefined,
  opts: ViewOptions,
): StreamState {
  const [state, setState] = useState<StreamState>({
    sources: [],
    total: 0,
    received: 0,
    skipped: 0,
    newWhilePaused: 0,
    filterShown: 0,
    filterSeen: 0,
  });
  // shownBySource: whether the last entry of each source passed the filter, so that its stack trace lines follow it.
  const live = useRef({
    sources: [] as LogSource[],
    buffer: new LineBuffer(LOCAL_LINES),
    opts,
    pendingPaused: 0,
    received: 0,
    skipped: 0,
    shownBySource: new Map<number, boolean>(),
    filterShown: 0,
    filterSeen: 0,
  });
  live.current.opts = opts;

  const render = (lines: LogLine[]): string => {
    const { sources, opts: o } = live.current;
    const multiCluster = new Set(sources.map((s) => s.clusterId)).size > 1;
    const f = compileFilter(o.filter, o.regex);
    const fo: FormatOptions = { ...o, cols: handle?.term.cols ?? 120, multiSource: sources.length > 1 };
    let out = '';
    for (const l of lines) {
      const label = sourceLabel(sources[l[0]], multiCluster);
      if (f && l[3] === 0) {
        const shown = isContinuation(l[2]) ? (live.current.shownBySource.get(l[0]) ?? false) : f(l, label);
        live.current.shownBySource.set(l[0], shown);
        live.current.filterSeen++;
        if (!shown) continue;
        live.current.filterShown++;
      }
      out += formatLine(l, sources[l[0]], label, fo);
    }
    return out;
  };

  // The effects below run when their deps change and use this render's formatter and selection.
  const latest = useLatest({ render, selection });
  const selectionKey = JSON.stringify(selection);

  // Subscription: one per (view, selection); the terminal is written as batches arrive.
  useEffect(() => {
    if (!handle) return;
    const { selection } = latest.current;
    const cur = live.current;
    cur.buffer = new LineBuffer(LOCAL_LINES);
    cur.received = 0;
    cur.skipped = 0;
    handle.term.reset();
    let timer: ReturnType<typeof setInterval> | undefined;
    const unsubscribe = client['logs.view'](
      { viewId, selection },
      (e) => {
        if (e.t === 'sources') {
          cur.sources = e.sources;
          setState((s) => ({ ...s, sources: e.sources }));
          return;
        }
        if (e.t === 'stats') {
          setState((s) => ({ ...s, total: e.total, skipped: e.skipped, received: cur.received, newWhilePaused: cur.pendingPaused }));
          return;
        }
        cur.buffer.push(e.lines);
        cur.received += e.lines.length;
        let text = '';
        if (e.skippedBefore > 0) {
          cur.skipped += e.skippedBefore;
          text += `\x1b[1;35m── ${e.skippedBefore} lines skipped to keep up (all are in Download) ──\x1b[0m\r\n`;
        }
        if (cur.opts.paused) {
          cur.pendingPaused += e.lines.length;
          void client['logs.ack']({ viewId, seq: e.seq });
          return;
        }
        text += latest.current.render(e.lines);
        handle.term.write(text, () => void client['logs.ack']({ viewId, seq: e.seq }));
      },
      (error) => setState((s) => ({ ...s, error })),
    );
    // Counters refresh at most 4 times a second, not per batch.
    timer = setInterval(
      () =>
        setState((s) =>
          s.received === cur.received &&
          s.newWhilePaused === cur.pendingPaused &&
          s.filterShown === cur.filterShown &&
          s.filterSeen === cur.filterSeen
            ? s
            : { ...s, received: cur.received, newWhilePaused: cur.pendingPaused, filterShown: cur.filterShown, filterSeen: cur.filterSeen },
        ),
      250,
    );
    return () => {
      clearInterval(timer);
      timer = undefined;
      unsubscribe();
    };
  }, [client, viewId, selectionKey, handle, latest]);

  // Re-render from the local buffer when what is shown changes (filter, timestamps, wrap, JSON, resume).
  useEffect(() => {
    if (!handle || opts.paused) return;
    const cur = live.current;
    cur.pendingPaused = 0;
    cur.shownBySource.clear();
    cur.filterShown = 0;
    cur.filterSeen = 0;
    const lines = cur.buffer.last(RERENDER_LINES);
    const hidden = cur.buffer.size - lines.length;
    // The reset travels in the write stream (RIS, ESC c), not as term.reset(): xterm parses writes
    // asynchronously and reset() does not drop writes still queued, so on a busy machine batches
    // written before the change (unfiltered, say) were drawn after the reset and stayed on screen.
    handle.term.write(
      '\x1bc' +
        (hidden > 0 ? `\x1b[90m── ${hidden} earlier lines not re-rendered (Download has everything) ──\x1b[0m\r\n` : '') +
        latest.current.render(lines),
    );
    setState((s) => ({ ...s, newWhilePaused: 0, filterShown: cur.filterShown, filterSeen: cur.filterSeen }));
  }, [opts.filter, opts.regex, opts.timestamps, opts.wrap, opts.json, opts.paused, handle, latest]);

  return state;
}
