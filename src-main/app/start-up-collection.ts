/**
 * A full garbage collection at the end of a start-up phase, while the app is busy anyway
 * (`createServices`: once every connected cluster has first synced, and after the metrics' second
 * round, the first the pacing judges).
 *
 * Why: the first lists, the metrics history and the first metrics rounds leave ~70 MB of garbage
 * in the old generation at 50,000 pods. Nothing allocates once the app is idle, so V8 collects it
 * only when its memory reducer's watchdog fires (~100 s after the last collection): a full
 * collection of the whole heap in the middle of the idle period, ~0.8 % of a core in that 20 s
 * window on its own (the budget is 1 % in every window). Collected at the end of start-up instead,
 * the cost lands where the app already spends CPU, and the memory is returned before the idle
 * period rather than somewhere in it. V8 may still run its memory reducer later; it then finds
 * little garbage left.
 *
 * Node and Electron expose `gc()` only with `--expose-gc`, which a packaged app cannot be given, so
 * the flag is set at run time and `gc` taken from a new context (the way test runners measure heap
 * use). Node documents run-time flag changes as unsupported; if V8 refuses, this does nothing.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Runs a full collection now; false when this V8 does not give us `gc`. */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const fn: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      gc = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      gc = null;
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
