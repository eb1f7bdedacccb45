/**
 * Full garbage collections at the ends of start-up's phases, while the app is busy anyway
 * (`createServices`: once every connected cluster has first synced, and, as start-up's last,
 * after the metrics' second round, the first the pacing judges).
 *
 * Why: the first lists, the metrics history and the first metrics rounds leave ~70 MB of garbage
 * in the old generation at 50,000 pods. Nothing allocates once the app is idle, so V8 collected it
 * only when its memory reducer fired, in the middle of the idle period, with RSS 60–100 MB above
 * what the app holds until then. Collected at the end of the first sync, the metrics start-up
 * grows from a clean heap (a lower peak).
 *
 * The last one does the memory reducer's job itself. V8's memory reducer answers a full collection
 * that left more memory committed than its last run with two "reduce" collections of its own
 * (compact the heap, give empty pages back) ~8 s later, once the app has gone quiet: at 50,000
 * pods ~90 ms of the main thread each plus the marking threads, 1.7–2.6 % of a core in the first
 * idle 20 s window (the budget is 1 % in every window). So start-up's last collection is V8's
 * last-resort kind, which compacts and releases at once, and the reducer is held during start-up
 * (`--memory-reducer-gc-count=0`: its timer then ends its wait without a collection) and given its
 * default back 30 s after that last collection. From then on it works as before for whatever comes
 * later (it runs again when committed memory grows by 10 % and 10 MB over its last run).
 *
 * Why the hold is safe, when lowering the count later is not: V8 checks `started_gcs <=
 * MaxNumberOfGCs()` at each reducer step, so lowering the count while the reducer is between its
 * collections kills the process ("Check failed", seen in an e2e run of an earlier version that
 * lowered it at the end of start-up). The reducer cannot have started a collection in a process's
 * first 8 s (its first wait is 8 s after the first full collection), so the count is lowered only
 * then (`holdMemoryReducer` does nothing once the process is `HOLD_BEFORE_S` old) and afterwards
 * only ever raised, which keeps the check true.
 *
 * Node and Electron expose `gc()` only with `--expose-gc`, which a packaged app cannot be given, so
 * the flag is set at run time and `gc` taken from a new context (the way test runners measure heap
 * use). Node documents run-time flag changes as unsupported; if V8 refuses, this does nothing, and
 * a V8 without the collection options or the reducer's flag does a regular collection.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void;
let gc: Gc | null | undefined;

/** V8's default number of collections per memory-reducer run (`--memory-reducer-gc-count`). */
const REDUCER_GCS = 2;
/** The reducer may be held only in a process this young (its first collection comes 8 s after the first full one at the earliest). */
export const HOLD_BEFORE_S = 4;
/** After start-up's last collection, the reducer is given back once its timer has passed (8 s, again 8 s later while the app allocates). */
export const RELEASE_AFTER_MS = 30_000;
/** Given back at the latest this long after the hold, if start-up never ends (no cluster, metrics off). */
export const HOLD_AT_MOST_MS = 180_000;

let held = false;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

function getGc(): Gc | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const fn: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      gc = typeof fn === 'function' ? (fn as Gc) : null;
    } catch {
      gc = null;
    }
  }
  return gc;
}

/** Runs a full collection now; false when this V8 does not give us `gc`. */
export function collectGarbage(): boolean {
  const collect = getGc();
  if (!collect) return false;
  collect();
  return true;
}

function releaseIn(ms: number): void {
  clearTimeout(releaseTimer);
  releaseTimer = setTimeout(releaseMemoryReducer, ms);
  releaseTimer.unref();
}

/**
 * Holds V8's memory reducer for start-up (see the header); true if held. Only in a process younger
 * than `HOLD_BEFORE_S`, once; given back by `collectEndOfStartUp` or after `HOLD_AT_MOST_MS`.
 */
export function holdMemoryReducer(uptimeS = process.uptime()): boolean {
  if (held || uptimeS >= HOLD_BEFORE_S) return false;
  try {
    v8.setFlagsFromString('--memory-reducer-gc-count=0');
  } catch {
    return false;
  }
  held = true;
  releaseIn(HOLD_AT_MOST_MS);
  return true;
}

/** Gives the memory reducer its default count back (only ever raises it). */
export function releaseMemoryReducer(): void {
  clearTimeout(releaseTimer);
  if (!held) return;
  held = false;
  v8.setFlagsFromString(`--memory-reducer-gc-count=${REDUCER_GCS}`);
}

/**
 * Start-up's last collection: compacts the heap and gives empty pages back now; a held reducer is
 * given back `releaseAfterMs` later. False when this V8 does not give us `gc`.
 */
export function collectEndOfStartUp(releaseAfterMs = RELEASE_AFTER_MS): boolean {
  const collect = getGc();
  if (!collect) return false;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  if (held) releaseIn(releaseAfterMs);
  return true;
}
