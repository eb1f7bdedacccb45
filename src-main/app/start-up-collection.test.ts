import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HOLD_BEFORE_S, collectGarbage, holdMemoryReducer } from './start-up-collection';

type Probe = { held: boolean; majorsAfterStartUp: number; majorsAfterBurst: number; committedBefore: number; committedAfter: number };

/**
 * A fresh Node (type stripping loads the module as it is) runs start-up as `createServices` does,
 * or without the hold and with a regular last collection (`control`): a heap with ~60 MB of
 * garbage, start-up's last collection, then 14 s idle counting V8's full collections (the memory
 * reducer answers ~8 s later if it is not held); then a burst that doubles the heap and a regular
 * collection, and 14 s more (the reducer, given back, answers it).
 */
const probe = (control: boolean) =>
  new Promise<Probe>((resolve, reject) => {
    const script = `
      import v8 from 'node:v8';
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      const m = await import(${JSON.stringify(fileURLToPath(new URL('./start-up-collection.ts', import.meta.url)))});
      const held = ${control} ? false : m.holdMemoryReducer();
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const build = (n) => { const keep = [], drop = []; for (let i = 0; i < n; i++) (i % 2 ? keep : drop).push({ a: i, b: 'x' + i, c: [i], d: { e: i } }); return keep; };
      const kept = [build(600000)];
      const committedBefore = v8.getHeapStatistics().total_heap_size;
      if (${control}) m.collectGarbage(); else m.collectEndOfStartUp(10000);
      const committedAfter = v8.getHeapStatistics().total_heap_size;
      let majors = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++; }).observe({ entryTypes: ['gc'] });
      await sleep(14000);
      const majorsAfterStartUp = majors;
      kept.push(build(1200000));
      m.collectGarbage();
      await sleep(200);
      majors = 0;
      await sleep(14000);
      console.log(JSON.stringify({ held, majorsAfterStartUp, majorsAfterBurst: majors, committedBefore, committedAfter, kept: kept.length }));
      process.exit(0);
    `;
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Probe),
    );
  });

describe('start-up collections', () => {
  it('collects garbage the heap still holds, without --expose-gc', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    // ~40 MB that die at once (arrays of this size live in the large-object space: only a full collection frees them).
    let garbage: number[][] | undefined = Array.from({ length: 40 }, () => new Array<number>(125_000).fill(1.5));
    const held = v8.getHeapStatistics().used_heap_size;
    expect(garbage.length).toBe(40);
    garbage = undefined;
    expect(collectGarbage()).toBe(true);
    expect(v8.getHeapStatistics().used_heap_size).toBeLessThan(held - 30e6);
  });

  it('never holds the memory reducer in a process old enough for it to be between its collections', () => {
    // (Lowering V8's count then would kill the process; this test process is old, so nothing is set.)
    expect(holdMemoryReducer(HOLD_BEFORE_S)).toBe(false);
    expect(holdMemoryReducer(3600)).toBe(false);
  });

  it("start-up's last collection gives memory back; the held reducer leaves the idle app alone, and works again afterwards", async () => {
    const [control, startUp] = await Promise.all([probe(true), probe(false)]);
    // The control: after a regular collection, the reducer runs its own in the idle period.
    expect(control.majorsAfterStartUp).toBeGreaterThanOrEqual(1);
    expect(startUp.held).toBe(true);
    expect(startUp.majorsAfterStartUp).toBe(0);
    // The last collection returned the freed pages at once (a regular one keeps them committed).
    expect(startUp.committedAfter).toBeLessThan(startUp.committedBefore * 0.6);
    expect(startUp.committedAfter).toBeLessThan(control.committedAfter * 0.6);
    // Given back (10 s after the last collection here), the reducer answers a later burst as before.
    expect(startUp.majorsAfterBurst).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
