import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from './diff-batcher';
import { DiffBatcher } from './diff-batcher';

describe('DiffBatcher', () => {
  afterEach(() => vi.useRealTimers());
  it('coalesces per uid, bounds each delivery, keeps a reset first', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = {
      now: () => Date.now(),
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as number),
    };
    const advance = (ms: number) => vi.advanceTimersByTime(ms);
    const got: Batch<{ uid: string; v: number }>[][] = [];
    const b = new DiffBatcher<{ uid: string; v: number }>({ clock, flushIntervalMs: 100, maxBatch: 2 }, (x) => got.push(x));
    b.reset('a', [{ uid: '1', v: 1 }]);
    b.upsert('a', { uid: '1', v: 2 });
    b.upsert('a', { uid: '2', v: 1 });
    b.upsert('a', { uid: '3', v: 1 });
    b.delete('a', '3');
    advance(0);
    expect(got).toEqual([
      [
        {
          key: 'a',
          reset: true,
          upserts: [
            { uid: '1', v: 2 },
            { uid: '2', v: 1 },
          ],
          deletes: [],
        },
      ],
    ]);
    b.delete('a', '1');
    b.touch('b');
    advance(99);
    expect(got).toHaveLength(1);
    advance(1);
    expect(got[1]).toEqual([
      { key: 'a', reset: false, upserts: [], deletes: ['1'] },
      { key: 'b', reset: false, upserts: [], deletes: [] },
    ]);
    b.dispose();
  });

  it('flushNow delivers at once; the next delivery still waits the interval', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = {
      now: () => Date.now(),
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as number),
    };
    const got: Batch<{ uid: string }>[][] = [];
    const b = new DiffBatcher<{ uid: string }>({ clock, flushIntervalMs: 100 }, (x) => got.push(x));
    b.flushNow();
    expect(got).toHaveLength(0);
    b.reset('a', [{ uid: '1' }]);
    b.flushNow();
    expect(got).toEqual([[{ key: 'a', reset: true, upserts: [{ uid: '1' }], deletes: [] }]]);
    b.upsert('a', { uid: '2' });
    vi.advanceTimersByTime(99);
    expect(got).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(got[1]).toEqual([{ key: 'a', reset: false, upserts: [{ uid: '2' }], deletes: [] }]);
    b.dispose();
  });
});
