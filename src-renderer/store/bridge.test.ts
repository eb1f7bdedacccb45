import { describe, expect, it, vi } from 'vitest';
import type { AppClient } from '../../src-shared/contract';
import type { ClusterInfo } from '../../src-shared/clusters/contract';
import type { WorkloadDiff } from '../../src-shared/workloads/contract';
import { cluster, pod } from '../../src-shared/testing/fixtures';
import { startBridge } from './bridge';
import { createAppStore } from './index';

function fakeClient() {
  let onClusters: ((e: { clusters: ClusterInfo[] }) => void) | undefined;
  let onDiffs: ((e: { diffs: WorkloadDiff[] }) => void) | undefined;
  let onDiffError: ((e: unknown) => void) | undefined;
  const unsubscribed: string[] = [];
  const client = {
    'app.info': vi.fn(async () => ({
      ok: true as const,
      value: {
        version: '0.1.0',
        transport: 'browser' as const,
        sandbox: true,
        kubeconfigSources: [],
        vault: { backend: 'test', osEncrypted: true, needsConsent: false },
      },
    })),
    'clusters.watch': (_p: object, cb: typeof onClusters) => {
      onClusters = cb;
      return () => unsubscribed.push('clusters');
    },
    'workloads.subscribe': (_p: object, cb: typeof onDiffs, onError?: (e: unknown) => void) => {
      onDiffs = cb;
      onDiffError = onError;
      return () => unsubscribed.push('workloads');
    },
  } as unknown as AppClient;
  return {
    client,
    unsubscribed,
    clusters: (clusters: ClusterInfo[]) => onClusters!({ clusters }),
    diffs: (diffs: WorkloadDiff[]) => onDiffs!({ diffs }),
    fail: (e: unknown) => onDiffError!(e),
  };
}

/** A manual frame scheduler: frames run only when the test says so. */
function manualFrames() {
  const pending: (() => void)[] = [];
  return {
    requestFrame: (cb: () => void) => void pending.push(cb),
    setTimer: (cb: () => void) => void pending.push(cb),
    run: () => {
      while (pending.length) pending.shift()!();
    },
    get pending() {
      return pending.length;
    },
  };
}

describe('bridge', () => {
  it('batches diffs into one store update per frame', () => {
    const store = createAppStore();
    const fake = fakeClient();
    const frames = manualFrames();
    const stop = startBridge(fake.client, store, { requestFrame: frames.requestFrame, setTimer: frames.setTimer, minIntervalMs: 0 });
    const updates = vi.fn();
    store.subscribe((s, prev) => s.pods !== prev.pods && updates());

    fake.diffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] }]);
    for (let i = 0; i < 50; i++)
      fake.diffs([{ clusterId: 'fat', kind: 'Pod', reset: false, upserts: [pod({ uid: `n${i}` })], deletes: [] }]);
    expect(store.getState().pods).toHaveLength(0);
    expect(frames.pending).toBe(1);
    frames.run();
    expect(store.getState().pods).toHaveLength(51);
    expect(updates).toHaveBeenCalledTimes(1);
    expect(store.getState().syncedKinds).toEqual({ fat: ['Pod'] });

    stop();
    expect(fake.unsubscribed.sort()).toEqual(['clusters', 'workloads']);
  });

  it('sets clusters as they come and drops the workloads of removed clusters', () => {
    const store = createAppStore();
    const fake = fakeClient();
    const frames = manualFrames();
    startBridge(fake.client, store, { requestFrame: frames.requestFrame, setTimer: frames.setTimer, minIntervalMs: 0 });
    fake.clusters([cluster({ id: 'uat' }), cluster({ id: 'fat' })]);
    expect(store.getState().clusters!.map((c) => c.id)).toEqual(['fat', 'uat']);
    fake.diffs([
      { clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] },
      { clusterId: 'uat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'b', clusterId: 'uat' })], deletes: [] },
    ]);
    frames.run();
    expect(store.getState().pods).toHaveLength(2);
    fake.clusters([cluster({ id: 'uat' })]);
    frames.run();
    expect(store.getState().pods.map((p) => p.uid)).toEqual(['b']);
  });

  it('the first diffs after a cluster list go through at the next frame, not an interval later', () => {
    const store = createAppStore();
    const fake = fakeClient();
    const frames = manualFrames();
    const timers: number[] = [];
    let t = 1000;
    startBridge(fake.client, store, {
      requestFrame: frames.requestFrame,
      setTimer: (cb, ms) => (timers.push(ms), frames.setTimer(cb)),
      minIntervalMs: 100,
      now: () => t,
    });
    fake.clusters([cluster({ id: 'fat' })]);
    frames.run();
    t += 10;
    fake.diffs([{ clusterId: 'fat', kind: 'Deployment', reset: true, upserts: [], deletes: [] }]);
    expect(timers).toEqual([]);
    frames.run();
    expect(store.getState().syncedKinds).toEqual({ fat: ['Deployment'] });
    // Diffs after diffs still keep the interval.
    t += 10;
    fake.diffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] }]);
    expect(timers).toEqual([90]);
  });

  it('shows a stream error as a services error', () => {
    const store = createAppStore();
    const fake = fakeClient();
    startBridge(fake.client, store, { requestFrame: () => {}, minIntervalMs: 0 });
    fake.fail({ code: 'response-invalid', message: 'Live updates stopped. Reload to retry.' });
    expect(store.getState().servicesError?.code).toBe('response-invalid');
  });

  it('mirrors the transport state and stops listening when stopped', () => {
    const store = createAppStore();
    const fake = fakeClient();
    let listener: ((s: 'connecting' | 'open' | 'reconnecting' | 'closed') => void) | undefined;
    let unlistened = false;
    const stop = startBridge(fake.client, store, {
      requestFrame: () => {},
      watchTransport: (l) => {
        listener = l;
        return () => (unlistened = true);
      },
    });
    listener!('reconnecting');
    expect(store.getState().servicesState).toBe('reconnecting');
    listener!('open');
    expect(store.getState().servicesState).toBe('open');
    stop();
    expect(unlistened).toBe(true);
  });

  it('does not fall behind main: deliveries every ~200 ms reach the store within about a frame', () => {
    // Simulated time: main delivers every 202 ms (its own 200 ms bound plus timer lateness), frames
    // every 16.7 ms. Measuring the interval from the previous flush (which waits for a frame) made
    // each delivery wait a little longer than the one before, until deliveries waited ~100 ms on average.
    let t = 0;
    const timers: { at: number; cb: () => void }[] = [];
    const at = (when: number, cb: () => void) => timers.push({ at: when, cb });
    // A busy page: timers and frame callbacks run a few ms late (deterministic jitter).
    let j = 0;
    const late = () => ((j = (j * 7 + 3) % 11), j / 2);
    const store = createAppStore();
    const fake = fakeClient();
    startBridge(fake.client, store, {
      now: () => t,
      setTimer: (cb, ms) => at(t + ms + late(), cb),
      requestFrame: (cb) => at(Math.floor(t / 16.7 + 1) * 16.7 + late(), cb),
      minIntervalMs: 200,
    });
    const deliveredAt = new Map<string, number>();
    const lags: number[] = [];
    const updates: number[] = [];
    store.subscribe((s, prev) => {
      if (s.pods === prev.pods) return;
      updates.push(t);
      for (const p of s.pods) {
        const sent = deliveredAt.get(p.uid);
        if (sent === undefined) continue;
        lags.push(t - sent);
        deliveredAt.delete(p.uid);
      }
    });
    for (let k = 0; k < 40; k++) {
      at(k * 202 + late(), () => {
        deliveredAt.set(`p${k}`, t);
        fake.diffs([{ clusterId: 'fat', kind: 'Pod', reset: k === 0, upserts: [pod({ uid: `p${k}` })], deletes: [] }]);
      });
    }
    while (timers.length) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift()!;
      t = next.at;
      next.cb();
    }
    expect(lags).toHaveLength(40);
    expect(Math.max(...lags)).toBeLessThanOrEqual(25);
    // Still no more than one store update per interval (give or take the frame it waits for).
    expect(Math.min(...updates.slice(1).map((u, i) => u - updates[i]!))).toBeGreaterThan(200 - 17);
  });
});
