/**
 * Caps V8's young generation of the main process once it has grown to `maxMB`.
 *
 * Why: Electron's main process runs with 32 MB semi-spaces (64 MB of young generation). During the
 * first lists at 50,000 pods almost every object survives a scavenge (it is kept: summaries,
 * containers, compressed pods), so V8 grows the semi-spaces to their maximum and keeps them: ~65 MB
 * of the main process's RSS for a generation that holds short-lived garbage once synced.
 * `--max-semi-space-size` is read only when the heap is set up (Electron's command line, not a
 * packaged app's), but `--semi-space-growth-factor` is read each time the young generation grows,
 * so setting it to 1 from inside the running process stops the growth there. It goes through
 * `v8.setFlagsFromString`, which Electron's main process has like Node; a flag V8 does not know
 * is ignored with a warning, and then the young generation simply grows as before.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const youngBytes = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

let capped = false;

/**
 * Once per process: watches garbage collections until the young generation reaches half of
 * `maxMB`, then stops its growth. V8 grows it by doubling and the observer hears of a collection
 * a little later, so one more step may be under way (it ends at `maxMB`); on a busy machine the
 * observer can be late by one step more (it ends below 2 × `maxMB`, still far from the maximum).
 */
export function capYoungGeneration(maxMB: number): void {
  if (capped) return;
  capped = true;
  const stopGrowth = () => v8.setFlagsFromString('--semi-space-growth-factor=1');
  const reached = () => youngBytes() >= (maxMB / 2) * 2 ** 20;
  if (reached()) return stopGrowth();
  // Growth happens only in a collection: look after each one (no timer, nothing once capped).
  const obs = new PerformanceObserver(() => {
    if (!reached()) return;
    stopGrowth();
    obs.disconnect();
  });
  obs.observe({ entryTypes: ['gc'] });
}
