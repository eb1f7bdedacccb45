import { describe, expect, it } from 'vitest';
import type { PodSummary } from './contract';
import { pod as fixturePod } from '../testing/fixtures';
import { podProblems } from './problems';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const pod = (p: Partial<PodSummary>): PodSummary =>
  fixturePod({ uid: 'u', clusterId: 'c', namespace: 'ns', name: 'p', images: ['img:1'], createdAt: T0, conditionSince: T0, ...p });
const kinds = (p: PodSummary, now = T0 + 1000) => podProblems(p, now).map((x) => x.kind);

describe('podProblems', () => {
  it('healthy pod has none', () => expect(kinds(pod({}), T0 + 3600_000)).toEqual([]));
  it('CrashLoopBackOff', () => expect(kinds(pod({ status: 'CrashLoopBackOff', ready: false, restarts: 4 }))).toContain('CrashLoopBackOff'));
  it('OOMKilled only by reason, never by exit code alone', () => {
    expect(kinds(pod({ lastTerminationReason: 'OOMKilled', restarts: 1 }))).toEqual(['OOMKilled']);
    expect(kinds(pod({ lastTerminationReason: 'Error', restarts: 1 }))).toEqual([]);
  });
  it('an old OOM kill (outside the window, default 1 h) is history, not a problem', () => {
    const p = pod({ lastTerminationReason: 'OOMKilled', lastTerminationAt: T0, restarts: 1 });
    expect(kinds(p, T0 + 30 * 60_000)).toEqual(['OOMKilled']);
    expect(kinds(p, T0 + 2 * 3600_000)).toEqual([]);
    expect(podProblems(p, T0 + 2 * 3600_000, { pendingMs: 1, notReadyMs: 1, oomWindowMs: 0 }).map((x) => x.kind)).toEqual(['OOMKilled']);
  });
  it('image pull failures', () => {
    expect(kinds(pod({ phase: 'Pending', status: 'ImagePullBackOff', ready: false }))).toEqual(['ImagePullBackOff']);
    expect(kinds(pod({ phase: 'Pending', status: 'ErrImagePull', ready: false }))).toEqual(['ImagePullBackOff']);
  });
  it('Pending too long after 5 min (configurable)', () => {
    const p = pod({ phase: 'Pending', status: 'Pending', ready: false });
    expect(kinds(p, T0 + 4 * 60_000)).toEqual([]);
    expect(kinds(p, T0 + 6 * 60_000)).toEqual(['PendingTooLong']);
    expect(podProblems(p, T0 + 2 * 60_000, { pendingMs: 60_000, notReadyMs: 1 }).map((x) => x.kind)).toEqual(['PendingTooLong']);
  });
  it('Running but not ready for more than 2 min', () => {
    const p = pod({ ready: false, readyContainers: 0 });
    expect(kinds(p, T0 + 60_000)).toEqual([]);
    expect(kinds(p, T0 + 3 * 60_000)).toEqual(['NotReady']);
  });
  it('terminating pods are not problems', () => expect(kinds(pod({ status: 'CrashLoopBackOff', deleting: true }))).toEqual([]));
});
