import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../src-shared/releases/execution-model';
import { fatDoneEvents, fixturePlan, fixtureSnapshot, replay } from '../../src-shared/releases/fixtures';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { pod as fixturePod } from '../../src-shared/testing/fixtures';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { NOT_READY_GRACE_SEC, StageHealthWatch } from './stage-health';

const FAT = 'fat/shop/orders-fat';
const NEW = 'harbor.example.com/shop/orders:2.4.1';

/** A release whose FAT group (2 pods) succeeded and whose stage is baking (bake 10m, no approvals). */
function fatSucceeded(bake = '10m'): ExecutionState {
  const plan = fixturePlan({ gates: { soak: { afterBatch: '1m' }, bake } });
  return replay(createExecution('rel-1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0), fatDoneEvents());
}
const pod = (name: string, extra: Partial<PodSummary> = {}): PodSummary =>
  fixturePod({ uid: `uid-${name}`, clusterId: 'fat', name, images: [NEW], createdAt: 0, ...extra });

describe('StageHealthWatch', () => {
  it('marks a succeeded group degraded when a pod is OOM-killed after the gate (not on exit code alone)', () => {
    const s = fatSucceeded();
    expect(s.status).toBe('baking');
    const watch = new StageHealthWatch();
    let pods = [pod('a'), pod('b')];
    const events = (now: number) => watch.events({ state: s, pods: () => pods, now, timeScale: 1 });
    expect(events(2_000)).toEqual([]); // baseline taken
    pods = [pod('a', { restarts: 1, lastTerminationReason: 'Error', lastTerminationAt: 2_500 }), pod('b')];
    // A restart for another reason is a restart, not an OOM kill.
    expect(events(3_000)[0]).toMatchObject({ type: 'degraded', evidence: { what: 'restart', pod: 'a' } });
    const watch2 = new StageHealthWatch();
    watch2.events({ state: s, pods: () => [pod('a'), pod('b')], now: 2_000, timeScale: 1 });
    const oom = [
      pod('a'),
      pod('b', { restarts: 1, status: 'OOMKilled', lastTerminationReason: 'OOMKilled', lastTerminationAt: 2_600, ready: false }),
    ];
    const [e] = watch2.events({ state: s, pods: () => oom, now: 3_000, timeScale: 1 });
    expect(e).toMatchObject({ type: 'degraded', group: FAT, evidence: { what: 'oom', pod: 'b', at: 2_600, restarts: 1 } });
    expect(e!.type === 'degraded' && e.evidence.detail).toBe('pod b was OOMKilled (1 restart(s))');
    // The reducer takes it: the release is degraded and waits on a person.
    const next = applyEvent(s, e!);
    expect(next.ok && next.value.status).toBe('degraded');
  });

  it('reports a pod that stays not ready past the grace, and ends the bake when time is up', () => {
    const s = fatSucceeded('2m');
    const watch = new StageHealthWatch();
    const since = s.bake!.since;
    const pods = [pod('a'), pod('b', { ready: false, status: 'Running' })];
    watch.events({ state: s, pods: () => pods, now: since, timeScale: 1 });
    expect(watch.events({ state: s, pods: () => pods, now: since + 1_000, timeScale: 1 })).toEqual([]);
    const late = watch.events({ state: s, pods: () => pods, now: since + 1_000 + NOT_READY_GRACE_SEC * 1000, timeScale: 1 });
    expect(late[0]).toMatchObject({ type: 'degraded', evidence: { what: 'not-ready', pod: 'b' } });
    const healthy = new StageHealthWatch();
    const ok = [pod('a'), pod('b')];
    healthy.events({ state: s, pods: () => ok, now: since, timeScale: 1 });
    expect(healthy.events({ state: s, pods: () => ok, now: since + 119_000, timeScale: 1 })).toEqual([]);
    expect(healthy.events({ state: s, pods: () => ok, now: since + 120_000, timeScale: 1 })).toEqual([
      { type: 'stageBaked', stage: 0, actor: 'capstan', at: since + 120_000 },
    ]);
  });

  it('judges nothing for a cluster that is not live', () => {
    const s = fatSucceeded();
    const watch = new StageHealthWatch();
    expect(watch.events({ state: s, pods: () => undefined, now: 2_000, timeScale: 1 })).toEqual([]);
  });
});
