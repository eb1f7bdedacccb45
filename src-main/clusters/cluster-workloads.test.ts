import { describe, expect, it } from 'vitest';
import { pod } from '../../src-shared/testing/fixtures';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { defaultProblemThresholds, hasProblem } from '../../src-shared/workloads/problems';
import { nextProblemChange } from './cluster-workloads';

const base = pod({
  uid: 'u',
  clusterId: 'c',
  namespace: 'ns',
  name: 'p',
  app: undefined,
  group: undefined,
  images: ['img:1'],
  createdAt: 1_000_000,
});

describe('nextProblemChange', () => {
  const t0 = 1_000_000;
  const variants: [string, Partial<PodSummary>][] = [
    ['healthy', {}],
    ['pending', { phase: 'Pending', status: 'Pending', ready: false, conditionSince: t0 }],
    ['not ready', { ready: false, conditionSince: t0 + 30_000 }],
    ['crash-looping', { ready: false, status: 'CrashLoopBackOff', restarts: 3 }],
    ['old OOM kill', { lastTerminationReason: 'OOMKilled', lastTerminationAt: t0 + 10_000, restarts: 1 }],
    ['OOM kill, no time', { lastTerminationReason: 'OOMKilled', restarts: 1 }],
    ['deleting pending', { phase: 'Pending', ready: false, deleting: true }],
  ];
  for (const [name, patch] of variants) {
    it(`matches hasProblem over time: ${name}`, () => {
      const s = { ...base, ...patch };
      const th = defaultProblemThresholds;
      // Walk 3 h in 1 s steps (plus the exact change points): between changes the answer is constant.
      let now = t0;
      let next = nextProblemChange(s, now, th);
      let state = hasProblem(s, now, th);
      const end = t0 + 3 * 3600_000;
      while (now < end) {
        const step = Math.min(now + 1000, next ?? Infinity);
        for (const t of [step - 1, step]) {
          if (t <= now) continue;
          if (next === undefined || t < next) expect(hasProblem(s, t, th), `${name} at +${t - t0} ms`).toBe(state);
        }
        now = step;
        if (next !== undefined && now >= next) {
          next = nextProblemChange(s, now, th);
          state = hasProblem(s, now, th);
        }
      }
    });
  }

  it('names the threshold moments', () => {
    const th = defaultProblemThresholds;
    expect(nextProblemChange({ ...base, phase: 'Pending', ready: false, conditionSince: t0 }, t0, th)).toBe(t0 + th.pendingMs + 1);
    expect(nextProblemChange({ ...base, ready: false, conditionSince: t0 }, t0, th)).toBe(t0 + th.notReadyMs + 1);
    expect(nextProblemChange({ ...base, lastTerminationReason: 'OOMKilled', lastTerminationAt: t0 }, t0, th)).toBe(
      t0 + th.oomWindowMs! + 1,
    );
    expect(nextProblemChange(base, t0, th)).toBeUndefined();
  });
});
