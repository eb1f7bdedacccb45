import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './start-up-collection';

describe('collectGarbage', () => {
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
});
