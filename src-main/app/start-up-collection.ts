/**
 * A full garbage collection at the end of a start-up phase, while the app is busy anyway
 * (`createServices`: once every connected cluster has first synced, and after the metrics' second
 * round, the first the pacing judges).
 *
 * Why: the first lists, the metrics history and the first metrics rounds leave ~70 MB of garbage
 * in the old generation at 50,000 pods. Nothing allocates once the app is idle, so V8 collected it
 * only when its memory reducer's watchdog fired (~100 s after the last collection): a full
 * collection of the whole heap in the middle of the idle period, ~0.8 % of a core in that 20 s
 * window on its own (the budget is 1 % in every window), and RSS 60–100 MB above what the app
 * holds until then. Collected at the end of the first sync, the metrics start-up grows from a
 * clean heap (a lower peak); collected after the second round, the idle period starts at the RSS
 * the app holds. What this does not control: V8's memory reducer answers a full collection with
 * two of its own ~8 s later when the app has gone quiet, and sometimes that is after the second
 * round (the first 20 s idle window then holds them; docs/benchmarks.md has the figures).
 *
 * Node and Electron expose `gc()` only with `--expose-gc`, which a packaged app cannot be given, so
 * the flag is set at run time and `gc` taken from a new context (the way test runners measure heap
 * use). Node documents run-time flag changes as unsupported; if V8 refuses, this does nothing.
 *
 * Not to be tried again: holding the reducer back by lowering `--memory-reducer-gc-count` at run
 * time. V8 checks `started_gcs <= MaxNumberOfGCs` at each reducer step, so lowering it while the
 * reducer is between its two collections kills the process ("Check failed", seen in an e2e run).
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
