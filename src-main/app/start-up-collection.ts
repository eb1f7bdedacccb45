/**
 * Full garbage collections at the ends of start-up's phases, while the app is busy anyway
 * (`createServices`: once every connected cluster has first synced, and, as start-up's last,
 * after the metrics' second round, the first the pacing judges).
 *
 * Why: the first lists, the metrics history and the first metrics rounds leave ~70 MB of garbage
 * in the old generation at 50,000 pods. Nothing allocates once the app is idle, so V8 collected it
 * only when its memory reducer's watchdog fired (~100 s after the last collection): a full
 * collection of the whole heap in the middle of the idle period, and RSS 60–100 MB above what the
 * app holds until then. Collected at the end of the first sync, the metrics start-up grows from a
 * clean heap (a lower peak).
 *
 * The last one does the memory reducer's job itself: V8 answers a full collection that freed
 * memory with two "reduce" collections of its own ~8 s later, once the app has gone quiet (they
 * compact the heap and give its empty pages back), which put 1.5 % of a core into the first idle
 * 20 s window (the budget is 1 % in every window). So the last collection is V8's last-resort
 * kind, which compacts and releases at once, and the reducer's follow-up to it is held
 * (`--memory-reducer-gc-count=0`) until its timer has passed; then the reducer works as before for
 * whatever comes later (it runs again when committed memory grows by 10 % or 10 MB).
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
/** Past the reducer's timer (8 s after the last full collection, again 8 s later while the app allocates). */
export const REDUCER_HOLD_MS = 30_000;
let releaseHold: ReturnType<typeof setTimeout> | undefined;

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

/**
 * Start-up's last collection: compacts the heap and gives empty pages back now, and holds the
 * memory reducer's follow-up for `holdMs`. False when this V8 does not give us `gc`.
 */
export function collectEndOfStartUp(holdMs = REDUCER_HOLD_MS): boolean {
  const collect = getGc();
  if (!collect) return false;
  v8.setFlagsFromString('--memory-reducer-gc-count=0');
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  clearTimeout(releaseHold);
  releaseHold = setTimeout(() => v8.setFlagsFromString(`--memory-reducer-gc-count=${REDUCER_GCS}`), holdMs);
  releaseHold.unref();
  return true;
}
