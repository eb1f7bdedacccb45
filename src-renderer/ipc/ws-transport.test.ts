import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketLike } from './ws-transport';
import { WebSocketTransport } from './ws-transport';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
}

let sockets: FakeSocket[];
const make = (token: string | null = 'T'.repeat(43)) =>
  new WebSocketTransport({
    url: 'ws://127.0.0.1:1/ws',
    token: token ?? undefined,
    createSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    random: () => 1,
    connectWaitMs: 5000,
  });

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('WebSocketTransport', () => {
  it('sends the token as a subprotocol, never in the URL', () => {
    make();
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:1/ws');
    expect(sockets[0]!.protocols).toEqual(['capstan.v1', `capstan.token.${'T'.repeat(43)}`]);
  });

  it('queues calls until open, then resolves them with the result', async () => {
    const t = make();
    expect(t.getState()).toBe('connecting');
    const p = t.invoke('clusters.list', {});
    expect(sockets[0]!.sent).toEqual([]);
    sockets[0]!.open();
    expect(t.getState()).toBe('open');
    const msg = sockets[0]!.sent[0]!;
    expect(msg).toMatchObject({ t: 'invoke', channel: 'clusters.list', payload: {} });
    sockets[0]!.receive({ t: 'result', id: msg.id, result: { ok: true, value: [] } });
    expect(await p).toEqual({ ok: true, value: [] });
  });

  it('fails queued calls after the wait, with a clear error', async () => {
    const t = make();
    const p = t.invoke('clusters.list', {});
    await vi.advanceTimersByTimeAsync(5001);
    expect(await p).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('routes events, ends subscriptions, unsubscribes', () => {
    const t = make();
    sockets[0]!.open();
    const events: unknown[] = [];
    const ends: unknown[] = [];
    const un = t.subscribe(
      'clusters.watch',
      {},
      (e) => events.push(e),
      (e) => ends.push(e),
    );
    const sub = sockets[0]!.sent.at(-1)!;
    expect(sub).toMatchObject({ t: 'sub', channel: 'clusters.watch', params: {} });
    sockets[0]!.receive({ t: 'event', subId: sub.subId, event: { clusters: [] } });
    sockets[0]!.receive('not json');
    sockets[0]!.receive({ t: 'bogus' });
    expect(events).toEqual([{ clusters: [] }]);
    un();
    expect(sockets[0]!.sent.at(-1)).toEqual({ t: 'unsub', subId: sub.subId });
    const un2 = t.subscribe(
      'workloads.subscribe',
      {},
      () => {},
      (e) => ends.push(e),
    );
    const sub2 = sockets[0]!.sent.at(-1)!;
    sockets[0]!.receive({ t: 'end', subId: sub2.subId, error: { code: 'unavailable', message: 'slow' } });
    expect(ends).toEqual([{ code: 'unavailable', message: 'slow' }]);
    un2();
    expect(sockets[0]!.sent.at(-1)).toEqual(sub2);
  });

  it('reconnects with backoff and resubscribes; in-flight calls fail', async () => {
    const t = make();
    const states: string[] = [];
    t.onStateChange((s) => states.push(s));
    sockets[0]!.open();
    const events: unknown[] = [];
    t.subscribe(
      'clusters.watch',
      {},
      (e) => events.push(e),
      () => {},
    );
    const p = t.invoke('clusters.list', {});
    sockets[0]!.drop();
    expect(await p).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(t.getState()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(799);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    await vi.advanceTimersByTimeAsync(1599);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    const resub = sockets[2]!.sent[0]!;
    expect(resub).toMatchObject({ t: 'sub', channel: 'clusters.watch' });
    sockets[2]!.receive({ t: 'event', subId: resub.subId, event: { clusters: [1] } });
    expect(events).toEqual([{ clusters: [1] }]);
  });

  it('without a token: closed, calls fail with a message that says what to do', async () => {
    const t = make(null);
    expect(sockets).toHaveLength(0);
    expect(t.getState()).toBe('closed');
    expect(await t.invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender', message: expect.stringContaining('#token=') },
    });
  });
  it('once connected, refuses calls while the connection is down and never sends them later', async () => {
    const t = make();
    sockets[0]!.open();
    const inFlight = t.invoke('releases.execution.act', { id: 'x' });
    sockets[0]!.drop();
    const inFlightResult = (await inFlight) as { ok: false; error: { message: string } };
    expect(inFlightResult).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('unknown') } });
    expect(t.getDownSince()).toBeTypeOf('number');
    const refused = (await t.invoke('releases.execution.act', { id: 'y' })) as { ok: false; error: { message: string } };
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('nothing was done') } });
    for (const r of [inFlightResult, refused]) expect(r.error.message).not.toMatch(/releases\.|execution\.act/);
    t.reconnectNow();
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(t.getDownSince()).toBeUndefined();
    expect(sockets[1]!.sent.filter((m) => m.t === 'invoke')).toEqual([]);
  });
});
