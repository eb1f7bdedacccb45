import { afterEach, describe, expect, it, vi } from 'vitest';
import { LaunchGate, openingGate } from './launch-gate';

describe('LaunchGate', () => {
  afterEach(() => vi.useRealTimers());

  it('runs deferred work settleMs after the first screen was sent, once', () => {
    vi.useFakeTimers();
    const gate = new LaunchGate({ settleMs: 100, maxMs: 10_000 });
    const work = vi.fn();
    gate.then(work);
    vi.advanceTimersByTime(500);
    expect(work).not.toHaveBeenCalled();
    gate.firstScreenSent();
    vi.advanceTimersByTime(99);
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
    gate.firstScreenSent();
    vi.advanceTimersByTime(10_000);
    expect(work).toHaveBeenCalledTimes(1);
    expect(gate.isOpen).toBe(true);
  });

  it('with waitForSync, waits for the first sync too, whichever comes last', () => {
    vi.useFakeTimers();
    const early = new LaunchGate({ settleMs: 100, maxMs: 10_000, waitForSync: true });
    const work = vi.fn();
    early.then(work);
    early.firstScreenSent();
    vi.advanceTimersByTime(5000);
    expect(work).not.toHaveBeenCalled();
    early.firstSync();
    expect(work).toHaveBeenCalledTimes(1);
    // Synced before the first screen settled: opens when it has.
    const late = new LaunchGate({ settleMs: 100, maxMs: 10_000, waitForSync: true });
    const other = vi.fn();
    late.then(other);
    late.firstSync();
    late.firstScreenSent();
    vi.advanceTimersByTime(99);
    expect(other).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(other).toHaveBeenCalledTimes(1);
    // A cluster that never syncs keeps it shut at most maxMs.
    const never = new LaunchGate({ settleMs: 100, maxMs: 10_000, waitForSync: true });
    const last = vi.fn();
    never.then(last);
    never.firstScreenSent();
    vi.advanceTimersByTime(10_000);
    expect(last).toHaveBeenCalledTimes(1);
  });

  it('opens after maxMs when no window asks, and runs later work at once', () => {
    vi.useFakeTimers();
    const gate = new LaunchGate({ settleMs: 100, maxMs: 1000 });
    const work = vi.fn();
    gate.then(work);
    vi.advanceTimersByTime(999);
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(work).toHaveBeenCalledTimes(1);
    const later = vi.fn();
    gate.then(later);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('a failing task does not keep the others from running; dispose drops what waits', () => {
    vi.useFakeTimers();
    const gate = new LaunchGate({ settleMs: 10, maxMs: 1000 });
    const ok = vi.fn();
    gate.then(() => {
      throw new Error('boom');
    });
    gate.then(ok);
    gate.firstScreenSent();
    vi.advanceTimersByTime(10);
    expect(ok).toHaveBeenCalledTimes(1);
    const disposed = new LaunchGate({ maxMs: 10 });
    const never = vi.fn();
    disposed.then(never);
    disposed.dispose();
    vi.advanceTimersByTime(100);
    expect(never).not.toHaveBeenCalled();
  });
});

describe('openingGate', () => {
  it('opens the gate before the handler runs and returns its result', () => {
    const gate = new LaunchGate({ maxMs: 60_000 });
    const work = vi.fn();
    gate.then(work);
    const handlers = openingGate(gate, { 'x.get': (n: number) => n + 1 });
    expect(handlers['x.get'](1)).toBe(2);
    expect(work).toHaveBeenCalledTimes(1);
    gate.dispose();
  });
});
