import { describe, expect, it } from 'vitest';
import { SimClock } from './clock';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SimClock freeze', () => {
  it('holds timers that come due while frozen, runs them on thaw, and honours cancel', async () => {
    const clock = new SimClock(10);
    const ran: string[] = [];
    clock.after(50, () => ran.push('a'));
    const b = clock.after(100, () => ran.push('b'));
    clock.freeze();
    await wait(40);
    expect(ran).toEqual([]);
    clock.cancel(b); // came due while frozen, then cancelled: never runs
    clock.thaw();
    expect(ran).toEqual(['a']);
    clock.after(10, () => ran.push('c'));
    await wait(30);
    expect(ran).toEqual(['a', 'c']);
    clock.stopAll();
  });
});
