import { describe, expect, it } from 'vitest';
import { createLimiter } from './http';

describe('createLimiter', () => {
  it('never runs more than n at once, even when new callers arrive as slots free up', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let max = 0;
    const task = (ms: number) =>
      limit(async () => {
        max = Math.max(max, ++active);
        await new Promise((r) => setTimeout(r, ms));
        active--;
      });
    const first = Array.from({ length: 6 }, (_, i) => task(5 + i));
    // Late arrivals while the first ones finish.
    const late = new Promise<void>((resolve) =>
      setTimeout(() => {
        void Promise.all(Array.from({ length: 6 }, () => task(3))).then(() => resolve());
      }, 6),
    );
    await Promise.all([...first, late]);
    expect(max).toBe(3);
    expect(active).toBe(0);
  });
});
