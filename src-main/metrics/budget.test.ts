import { describe, expect, it } from 'vitest';
import { interestScore, planBudget } from './budget';

const MB = 2 ** 20;
const hour = 3_600_000;

describe('planBudget', () => {
  it('5,000 containers at 10 s fit at full resolution', () => {
    const p = planBudget({ budgetBytes: 150 * MB, horizonMs: hour, intervalMs: 10_000, containers: 5000, interesting: 10 });
    expect(p).toMatchObject({ coarseMs: 0, fullCount: 5000, overBudget: false });
    expect(p.projectedBytes).toBeLessThan(40 * MB);
  });

  it('50,000 at 10 s: interesting ones at full resolution, the rest in buckets, within the budget', () => {
    const p = planBudget({ budgetBytes: 150 * MB, horizonMs: hour, intervalMs: 10_000, containers: 50_000, interesting: 1000 });
    expect(p.fullCount).toBe(1000);
    expect(p.coarseMs).toBeGreaterThan(0);
    expect(p.fineSlots).toBe(61);
    expect(p.projectedBytes).toBeLessThanOrEqual(150 * MB);
    expect(p.overBudget).toBe(false);
  });

  it('interesting containers get at most half the budget', () => {
    const p = planBudget({ budgetBytes: 150 * MB, horizonMs: hour, intervalMs: 10_000, containers: 50_000, interesting: 40_000 });
    expect(p.fullCount * 361 * 16).toBeLessThanOrEqual(75 * MB);
    expect(p.projectedBytes).toBeLessThanOrEqual(150 * MB);
  });

  it('50,000 at a stretched 60 s interval fit at full resolution', () => {
    expect(planBudget({ budgetBytes: 150 * MB, horizonMs: hour, intervalMs: 60_000, containers: 50_000, interesting: 0 }).coarseMs).toBe(0);
  });

  it('says so when even hour buckets do not fit', () => {
    const p = planBudget({ budgetBytes: 16 * MB, horizonMs: hour, intervalMs: 10_000, containers: 1_000_000, interesting: 0 });
    expect(p.overBudget).toBe(true);
    expect(p.fineSlots).toBe(2);
  });
});

describe('interestScore', () => {
  it('ranks looked-at over OOM-killed over restarted over near the limit over growing; nothing is 0', () => {
    const none = { inView: false, ooms: 0, restartEvents: 0 };
    const viewed = interestScore({ ...none, inView: true });
    const oom = interestScore({ ...none, ooms: 1 });
    const restarted = interestScore({ ...none, restartEvents: 2 });
    const near = interestScore({ ...none, memoryPct: 85 });
    const growing = interestScore({ ...none, growthPerMin: 2 ** 20, memoryLimit: 2 ** 30 });
    expect(viewed).toBeGreaterThan(oom);
    expect(oom).toBeGreaterThan(restarted);
    expect(restarted).toBeGreaterThan(near);
    expect(near).toBeGreaterThan(growing);
    expect(growing).toBeGreaterThan(0);
    expect(interestScore({ ...none, memoryPct: 40, growthPerMin: 100, memoryLimit: 2 ** 30 })).toBe(0);
  });
});
