import { afterEach, describe, expect, it, vi } from 'vitest';
import { contract } from '../../src-shared/contract';
import type { AppError } from '../../src-shared/result';
import { createClient } from './client';
import type { Transport } from './transport';

function fakeTransport(answer: unknown) {
  const subs: { channel: string; onEvent: (e: unknown) => void; onEnd: (e?: AppError) => void; unsubscribed: boolean }[] = [];
  const t: Transport & { calls: unknown[][]; subs: typeof subs } = {
    kind: 'browser',
    calls: [],
    subs,
    invoke: vi.fn(async (channel, payload) => {
      t.calls.push([channel, payload]);
      return answer;
    }),
    subscribe: (channel, _params, onEvent, onEnd) => {
      const s = { channel, onEvent, onEnd, unsubscribed: false };
      subs.push(s);
      return () => void (s.unsubscribed = true);
    },
    getState: () => 'open',
    onStateChange: () => () => {},
    close: () => {},
  };
  return t;
}

afterEach(() => vi.restoreAllMocks());

describe('createClient', () => {
  it('has one function per channel', () => {
    const client = createClient(fakeTransport(null)) as unknown as Record<string, unknown>;
    expect(Object.keys(client).sort()).toEqual(Object.keys(contract).sort());
  });

  it('passes valid results through', async () => {
    const client = createClient(fakeTransport({ ok: true, value: { yaml: 'a: 1' } }));
    expect(await client['workloads.getYaml']({ clusterId: 'c', kind: 'Pod', namespace: 'n', name: 'p' })).toEqual({
      ok: true,
      value: { yaml: 'a: 1' },
    });
  });

  it('rejects results that break the contract', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = createClient(fakeTransport({ ok: true, value: { yaml: 42 } }));
    expect(await client['workloads.getYaml']({ clusterId: 'c', kind: 'Pod', namespace: 'n', name: 'p' })).toMatchObject({
      ok: false,
      error: { code: 'response-invalid' },
    });
  });

  it('does not send an invalid request', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = fakeTransport({ ok: true, value: null });
    const client = createClient(t);
    expect(await client['clusters.reconnect']({ clusterId: '' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(t.calls).toEqual([]);
  });

  it('validates events and stops a stream on a bad one', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = fakeTransport(null);
    const client = createClient(t);
    const events: unknown[] = [];
    const errors: AppError[] = [];
    client['clusters.watch'](
      {},
      (e) => events.push(e),
      (e) => errors.push(e),
    );
    const s = t.subs[0]!;
    s.onEvent({ clusters: [] });
    s.onEvent({ clusters: 'nope' });
    s.onEvent({ clusters: [] });
    expect(events).toEqual([{ clusters: [] }]);
    expect(errors.map((e) => e.code)).toEqual(['response-invalid']);
    expect(s.unsubscribed).toBe(true);
  });

  it('forwards end errors once', () => {
    const t = fakeTransport(null);
    const errors: AppError[] = [];
    const un = createClient(t)['workloads.subscribe'](
      {},
      () => {},
      (e) => errors.push(e),
    );
    t.subs[0]!.onEnd({ code: 'unavailable', message: 'x' });
    t.subs[0]!.onEnd({ code: 'unavailable', message: 'y' });
    expect(errors).toEqual([{ code: 'unavailable', message: 'x' }]);
    un();
    expect(t.subs[0]!.unsubscribed).toBe(true);
  });
});
