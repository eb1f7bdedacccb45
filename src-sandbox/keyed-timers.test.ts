import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from './clock';
import { KeyedTimers } from './keyed-timers';

const clock = new SimClock(100);
afterEach(() => clock.stopAll());

/** Resolves once `done` holds (checked every 5 ms), or fails after 5 s. */
async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('KeyedTimers', () => {
  it('keeps one timer per key: setting again replaces, a fired timer forgets its key first', async () => {
    const timers = new KeyedTimers(clock);
    const ran: string[] = [];
    timers.set('a', 10_000, () => ran.push('a-first'));
    timers.set('a', 100, () => {
      ran.push(`a-second, pending ${timers.has('a')}`);
      timers.set('a', 100, () => ran.push('a-again'));
    });
    await until(() => ran.length === 2);
    expect(ran).toEqual(['a-second, pending false', 'a-again']);
    expect(timers.has('a')).toBe(false);
  });

  it('setIfIdle keeps the pending timer; cancel and cancelAll stop timers', async () => {
    const timers = new KeyedTimers(clock);
    const ran: string[] = [];
    timers.set('a', 100, () => ran.push('a'));
    timers.setIfIdle('a', 0, () => ran.push('a-idle'));
    timers.set('b', 100, () => ran.push('b'));
    timers.cancel('b');
    timers.set('c', 100, () => ran.push('c'));
    timers.set('d', 100_000, () => ran.push('d'));
    await until(() => ran.length === 2);
    expect(ran.sort()).toEqual(['a', 'c']);
    timers.cancelAll();
    expect(timers.has('d')).toBe(false);
  });
});
