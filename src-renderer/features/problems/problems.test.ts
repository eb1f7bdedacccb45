import { describe, expect, it } from 'vitest';
import { crashLoopPod, pod } from '../../../src-shared/testing/fixtures';
import { filterProblems, groupProblems, totalProblems } from './problems';

const now = 10 * 60_000 + 1_000_000;

describe('groupProblems', () => {
  it('groups crash loops, OOM kills, pull errors, long pending and not ready; healthy pods are left out', () => {
    const pods = [
      pod({ uid: 'ok' }),
      crashLoopPod(now - 60_000),
      pod({ uid: 'oom', status: 'Running', ready: true, restarts: 2, lastTerminationReason: 'OOMKilled' }),
      pod({ uid: 'pull', phase: 'Pending', status: 'ImagePullBackOff', ready: false, conditionSince: now - 1_000 }),
      pod({ uid: 'pending', phase: 'Pending', status: 'Pending', ready: false, conditionSince: now - 6 * 60_000 }),
      pod({ uid: 'young', phase: 'Pending', status: 'Pending', ready: false, conditionSince: now - 60_000 }),
      pod({ uid: 'notready', status: 'Running', ready: false, conditionSince: now - 3 * 60_000 }),
      pod({ uid: 'gone', status: 'CrashLoopBackOff', ready: false, deleting: true }),
    ];
    const groups = groupProblems(pods, now);
    expect(groups.CrashLoopBackOff.map((r) => r.pod.uid)).toEqual(['crash']);
    expect(groups.OOMKilled.map((r) => r.pod.uid)).toEqual(['oom']);
    expect(groups.ImagePullBackOff.map((r) => r.pod.uid)).toEqual(['pull']);
    expect(groups.PendingTooLong.map((r) => r.pod.uid)).toEqual(['pending']);
    expect(groups.NotReady.map((r) => r.pod.uid)).toEqual(['notready']);
    expect(totalProblems(groups)).toBe(5);
  });

  it('lists the oldest problem first', () => {
    const pods = [
      pod({ uid: 'new', status: 'CrashLoopBackOff', ready: false, conditionSince: 500 }),
      pod({ uid: 'old', status: 'CrashLoopBackOff', ready: false, conditionSince: 100 }),
    ];
    expect(groupProblems(pods, now).CrashLoopBackOff.map((r) => r.pod.uid)).toEqual(['old', 'new']);
  });
});

describe('filterProblems', () => {
  it('narrows by cluster and by text in pod, app, namespace or message', () => {
    const groups = groupProblems(
      [
        pod({ uid: 'a', name: 'cart-1', status: 'CrashLoopBackOff', ready: false, clusterId: 'fat' }),
        pod({ uid: 'b', name: 'search-1', app: 'search', status: 'CrashLoopBackOff', ready: false, clusterId: 'uat' }),
      ],
      now,
    );
    expect(filterProblems(groups, '', '')).toBe(groups);
    expect(filterProblems(groups, '', 'uat').CrashLoopBackOff.map((r) => r.pod.uid)).toEqual(['b']);
    expect(filterProblems(groups, 'CART', '').CrashLoopBackOff.map((r) => r.pod.uid)).toEqual(['a']);
    expect(filterProblems(groups, 'crash-looping', 'fat').CrashLoopBackOff.map((r) => r.pod.uid)).toEqual(['a']);
  });
});
