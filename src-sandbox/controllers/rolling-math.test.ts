import { describe, expect, it } from 'vitest';
import { newReplicaSetReplicas, proportionalSizes, scaleDownOld, surgeAndUnavailable } from './rolling-math';

const rs = (name: string, replicas: number, available: number, t: string) => ({ name, replicas, available, creationTimestamp: t });

describe('rolling update arithmetic', () => {
  it('rounds surge up and unavailable down, as kube', () => {
    expect(surgeAndUnavailable(10, { maxSurge: '25%', maxUnavailable: '25%' })).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(surgeAndUnavailable(1, undefined)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(surgeAndUnavailable(4, { maxSurge: 0, maxUnavailable: 0 })).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(surgeAndUnavailable(8, { maxSurge: 2, maxUnavailable: '10%' })).toEqual({ maxSurge: 2, maxUnavailable: 0 });
  });

  it('scales the new ReplicaSet up within maxSurge', () => {
    const oldRs = rs('old', 10, 10, '1');
    const newRs = rs('new', 0, 0, '2');
    expect(newReplicaSetReplicas(10, 3, [oldRs, newRs], newRs)).toBe(3);
    expect(newReplicaSetReplicas(10, 3, [rs('old', 10, 10, '1'), rs('new', 3, 0, '2')], rs('new', 3, 0, '2'))).toBe(3);
  });

  it('scales old ReplicaSets down while availability stays above replicas - maxUnavailable', () => {
    const down = scaleDownOld(10, 2, [rs('old', 10, 10, '1')], rs('new', 3, 0, '2'));
    // 13 pods, min available 8, 3 new unavailable: at most 2 may go.
    expect(down.get('old')).toBe(8);
  });

  it('removes unhealthy old pods first', () => {
    const down = scaleDownOld(4, 1, [rs('a', 2, 0, '1'), rs('b', 2, 2, '2')], rs('new', 1, 1, '3'));
    expect(down.get('a')).toBe(0);
    expect(down.has('b')).toBe(false);
  });

  it('never scales down with maxUnavailable 0 until new pods are available', () => {
    expect(scaleDownOld(2, 0, [rs('old', 2, 2, '1')], rs('new', 1, 0, '2')).size).toBe(0);
    expect(scaleDownOld(2, 0, [rs('old', 2, 2, '1')], rs('new', 1, 1, '2')).get('old')).toBe(1);
  });
});

describe('proportional scaling', () => {
  it('shares a resize among active ReplicaSets by size, leftover to the largest', () => {
    // 10 replicas mid-rollout (old 6, new 5, surge 1) resized to 20 (+ surge 5 = 25 allowed).
    const sizes = proportionalSizes([rs('old', 6, 6, '1'), rs('new', 5, 0, '2')], 25);
    expect(sizes.get('old')! + sizes.get('new')!).toBe(25);
    expect(sizes.get('old')).toBe(14);
    expect(sizes.get('new')).toBe(11);
    const down = proportionalSizes([rs('old', 6, 6, '1'), rs('new', 5, 0, '2')], 6);
    expect(down.get('old')! + down.get('new')!).toBe(6);
    expect([...down.values()].every((n) => n >= 0)).toBe(true);
  });
});
