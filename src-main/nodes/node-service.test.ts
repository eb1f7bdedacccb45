import { describe, expect, it } from 'vitest';
import type { DrainEvent } from '../../src-shared/nodes/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { RequestOptions } from '../watch/reflector';
import { NodeService } from './node-service';

/** An API server answering the calls a drain makes; `evict` decides each eviction's status. */
function fakeApi(evict: (pod: string, attempt: number) => number) {
  const attempts = new Map<string, number>();
  const calls: string[] = [];
  const pod = (name: string) => ({
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'web' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true }],
    },
    spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
    status: { phase: 'Running' },
  });
  const conn = {
    async getJson<T>(path: string, o: RequestOptions = {}): Promise<Result<T>> {
      calls.push(`${o.method ?? 'GET'} ${path.split('?')[0]}`);
      if (path.startsWith('/api/v1/pods?')) return ok({ items: [pod('web-a'), pod('web-b')] } as T);
      if (path.startsWith('/apis/policy/v1/poddisruptionbudgets'))
        return ok({
          items: [
            {
              metadata: { name: 'web-pdb', namespace: 'shop' },
              spec: { selector: { matchLabels: { app: 'web' } } },
              status: { disruptionsAllowed: 0 },
            },
          ],
        } as T);
      if (path === '/api/v1/nodes/n1') return ok({ metadata: { name: 'n1' }, spec: { unschedulable: true } } as T);
      const m = /pods\/([^/]+)\/eviction$/.exec(path);
      if (m) {
        const n = (attempts.get(m[1]!) ?? 0) + 1;
        attempts.set(m[1]!, n);
        const status = evict(m[1]!, n);
        return status === 201 ? ok({} as T) : err('conflict', 'Too many requests', { status });
      }
      return err('not-found', `unexpected ${path}`, { status: 404 });
    },
  };
  return { conn, calls, attempts };
}

/** A clock that jumps forward by every sleep instead of waiting. */
function fakeTime() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const run = async (svc: NodeService, timeoutMs: number, signal = new AbortController().signal) => {
  const events: DrainEvent[] = [];
  await svc.drain({ clusterId: 'c', name: 'n1' }, { timeoutMs, signal }, (e) => events.push(e));
  return events;
};

describe('NodeService.drain', () => {
  it('retries a pod its budget refuses (429) with back-off until it is evicted, reporting progress per pod', async () => {
    const api = fakeApi((pod, n) => (pod === 'web-b' && n <= 3 ? 429 : 201));
    const svc = new NodeService(() => api.conn, { ...fakeTime(), random: () => 1 });
    const events = await run(svc, 60_000);
    const last = events.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.pods.map((p) => [p.name, p.outcome, p.attempts])).toEqual([
      ['web-a', 'evicted', 1],
      ['web-b', 'evicted', 4],
    ]);
    expect(last.pods[1]!.message).toContain('after 3 refusals by PodDisruptionBudget web-pdb');
    // Progress went through retrying, with the next retry's time.
    const retrying = events.flatMap((e) => e.pods.filter((p) => p.name === 'web-b' && p.outcome === 'retrying'));
    expect(retrying.length).toBe(3);
    expect(retrying.every((p) => typeof p.retryAt === 'number')).toBe(true);
    expect(api.calls[0]).toBe('GET /api/v1/pods');
    expect(api.calls).toContain('PATCH /api/v1/nodes/n1');
  });

  it('gives up at the timeout, as kubectl drain --timeout does, with the budget named', async () => {
    const api = fakeApi((pod) => (pod === 'web-b' ? 429 : 201));
    const events = await run(new NodeService(() => api.conn, { ...fakeTime(), random: () => 1 }), 20_000);
    const b = events.at(-1)!.pods.find((p) => p.name === 'web-b')!;
    expect(b.outcome).toBe('blocked');
    expect(b.message).toContain('PodDisruptionBudget web-pdb allowed no disruption (429)');
    // 1 s, 2 s, 4 s, 8 s of back-off fit in 20 s; the next (10 s) would not.
    expect(api.attempts.get('web-b')).toBe(5);
  });

  it('stops: no eviction is sent once the user stops, and the pod is reported stopped', async () => {
    const api = fakeApi((pod) => (pod === 'web-b' ? 429 : 201));
    const stop = new AbortController();
    let t = 0;
    const svc = new NodeService(() => api.conn, {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
        if ((api.attempts.get('web-b') ?? 0) >= 2) stop.abort();
      },
    });
    const events: DrainEvent[] = [];
    await svc.drain({ clusterId: 'c', name: 'n1' }, { timeoutMs: 600_000, signal: stop.signal }, (e) => events.push(e));
    expect(api.attempts.get('web-b')).toBe(2);
    expect(events.at(-1)!.pods.find((p) => p.name === 'web-b')!.outcome).toBe('stopped');
    expect(events.some((e) => e.done)).toBe(false);
  });
});
