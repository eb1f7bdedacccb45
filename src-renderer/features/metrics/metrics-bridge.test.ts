import { describe, expect, it } from 'vitest';
import type { AppClient } from '../../../src-shared/contract';
import type { MetricsTop } from '../../../src-shared/metrics/contract';
import type { AppError } from '../../../src-shared/result';
import { createAppStore } from '../../store/index';
import { watchMetrics } from './metrics-bridge';

const top = (at: number): MetricsTop => ({
  at,
  intervalMs: 10_000,
  pacing: { wantedMs: 10_000, intervalMs: 10_000, roundCpuMs: 20, maxCpuPercent: 2, containers: 1 },
  history: { bytes: 1, budgetBytes: 2, containers: 1, fullResolution: 1, coarseMs: 0, fineMinutes: 10, overBudget: false },
  clusters: [],
  lists: { memory: [], growth: [], restarts: [], cpu: [], throttled: [] },
});

function fakeClient() {
  const subs: { params: unknown; emit: (t: MetricsTop) => void; fail?: (e: AppError) => void; closed: boolean }[] = [];
  const client = {
    'metrics.subscribe': (params: unknown, emit: (t: MetricsTop) => void, fail?: (e: AppError) => void) => {
      const sub = { params, emit, fail, closed: false };
      subs.push(sub);
      return () => void (sub.closed = true);
    },
  } as unknown as AppClient;
  return { client, subs };
}

describe('metrics bridge', () => {
  it('puts each round into the store while subscribed, says why the stream ended, and unsubscribes', () => {
    const store = createAppStore();
    const { client, subs } = fakeClient();
    const stop = watchMetrics(client, store, 25);
    expect(subs[0]!.params).toEqual({ limit: 25 });
    subs[0]!.emit(top(1));
    expect(store.getState().metricsTop?.at).toBe(1);
    subs[0]!.fail!({ code: 'unavailable', message: 'Lost the connection to Capstan services. Reload the window.' });
    expect(store.getState().metricsError).toMatch(/Lost the connection/);
    subs[0]!.emit(top(2)); // flowing again clears the error
    expect(store.getState().metricsError).toBeNull();
    expect(store.getState().metricsTop?.at).toBe(2);
    stop();
    expect(subs[0]!.closed).toBe(true);
  });
});
