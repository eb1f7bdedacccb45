import { describe, expect, it } from 'vitest';
import type { PodSummary } from '../workloads/contract';
import { pod as fixturePod } from '../testing/fixtures';
import { evaluateHealth, restartBaseline, type HealthInput } from './health-gates';

const NEW = 'harbor.example.com/shop/orders:2.4.1';
const OLD = 'harbor.example.com/shop/orders:2.4.0';
const pod = (name: string, extra: Partial<PodSummary> = {}): PodSummary =>
  fixturePod({ uid: `uid-${name}`, clusterId: 'c', name, images: [NEW], createdAt: 0, ...extra });
const gates = { noNewRestarts: true, noOOMKilled: true, noCrashLoop: true, readyWithinSec: 300 };
const input = (pods: PodSummary[], extra: Partial<HealthInput> = {}): HealthInput => ({
  gates,
  baselineRestarts: {},
  pods,
  toImage: NEW,
  expectedNew: 2,
  startedAt: 0,
  now: 60_000,
  ...extra,
});

describe('evaluateHealth', () => {
  it('passes when the new pods are ready and healthy', () => {
    expect(evaluateHealth(input([pod('a'), pod('b'), pod('old', { images: [OLD], restarts: 9, status: 'CrashLoopBackOff' })]))).toEqual({
      verdict: 'pass',
      detail: '2/2 new pods ready',
    });
  });
  it('waits while pods are not ready yet, then fails at the deadline', () => {
    const pods = [pod('a'), pod('b', { ready: false, status: 'ContainerCreating' })];
    expect(evaluateHealth(input(pods)).verdict).toBe('pending');
    expect(evaluateHealth(input(pods, { now: 301_000 }))).toEqual({
      verdict: 'fail',
      gate: 'ready',
      detail: '1/2 new pods ready after 301s (deadline 300s); not ready: b (ContainerCreating)',
    });
  });
  it('fails on OOMKilled before the crash loop and restarts it causes', () => {
    const pods = [pod('a', { restarts: 3, status: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled', ready: false }), pod('b')];
    expect(evaluateHealth(input(pods))).toMatchObject({
      verdict: 'fail',
      gate: 'no-oomkilled',
      detail: 'pod a was OOMKilled (3 restart(s))',
    });
    expect(evaluateHealth(input(pods, { gates: { ...gates, noOOMKilled: false } }))).toMatchObject({ gate: 'no-crashloop' });
    expect(evaluateHealth(input(pods, { gates: { ...gates, noOOMKilled: false, noCrashLoop: false } }))).toMatchObject({
      gate: 'no-new-restarts',
    });
  });
  it('counts only restarts since the baseline', () => {
    const before = [pod('a', { restarts: 2 }), pod('b')];
    const base = restartBaseline(before);
    expect(evaluateHealth(input(before, { baselineRestarts: base })).verdict).toBe('pass');
    const after = [pod('a', { restarts: 3, lastTerminationReason: 'Error' }), pod('b')];
    expect(evaluateHealth(input(after, { baselineRestarts: base }))).toEqual({
      verdict: 'fail',
      gate: 'no-new-restarts',
      detail: 'pod a restarted (2 → 3), last reason Error',
    });
  });
  it('ignores terminating pods', () => {
    expect(evaluateHealth(input([pod('a'), pod('b'), pod('c', { deleting: true, status: 'CrashLoopBackOff' })])).verdict).toBe('pass');
  });
});
