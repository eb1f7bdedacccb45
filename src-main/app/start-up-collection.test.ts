import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './start-up-collection';

/**
 * A fresh Node (type stripping loads the module as it is) builds a heap with 60 MB of garbage,
 * runs one of the collections, then stays idle and counts V8's full collections for 14 s: V8's
 * memory reducer, if not held, answers ~8 s later.
 */
const probe = (fn: 'collectGarbage' | 'collectEndOfStartUp') =>
  new Promise<{ majors: number; committedBefore: number; committedAfter: number }>((resolve, reject) => {
    const script = `
      import v8 from 'node:v8';
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      const m = await import(${JSON.stringify(fileURLToPath(new URL('./start-up-collection.ts', import.meta.url)))});
      const keep = [], drop = [];
      for (let i = 0; i < 600000; i++) (i % 2 ? keep : drop).push({ a: i, b: 'x' + i, c: [i], d: { e: i } });
      drop.length = 0;
      const committedBefore = v8.getHeapStatistics().total_heap_size;
      m.${fn}();
      const committedAfter = v8.getHeapStatistics().total_heap_size;
      let majors = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++; }).observe({ entryTypes: ['gc'] });
      setTimeout(() => { console.log(JSON.stringify({ majors, committedBefore, committedAfter, kept: keep.length })); process.exit(0); }, 14000);
    `;
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 40_000 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as never),
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

  it("gives memory back at start-up's end, and V8's memory reducer then leaves the idle app alone", async () => {
    const [regular, last] = await Promise.all([probe('collectGarbage'), probe('collectEndOfStartUp')]);
    // The control: after a regular collection, the reducer runs its own in the idle period.
    expect(regular.majors).toBeGreaterThanOrEqual(1);
    expect(last.majors).toBe(0);
    // The last collection returned the freed pages at once (a regular one keeps them committed).
    expect(last.committedAfter).toBeLessThan(last.committedBefore * 0.6);
    expect(last.committedAfter).toBeLessThan(regular.committedAfter * 0.6);
  }, 60_000);
});
