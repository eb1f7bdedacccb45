import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { request, stream, type Handlers } from '../../src-shared/base/channels';
import { ok } from '../../src-shared/result';
import { createRouter, type Router } from '../ipc/router';
import { startBridgeServer, type BridgeServer } from './http-server';
import type { BridgeLimits } from './limits';
import { RateBucket } from './limits';

const testContract = {
  'echo.upper': request(z.object({ text: z.string().max(100) }).strict(), z.object({ text: z.string() })),
  'ticks.watch': stream(z.object({ start: z.number() }).strict(), z.object({ n: z.number() })),
  'slow.wait': request(z.object({}).strict(), z.null()),
};
const quiet = { info() {}, warn() {}, error() {} };

let server: BridgeServer;
let router: Router;
let signals: AbortSignal[];
let emitters: ((e: { n: number }) => void)[];
let rendererDir: string;
let warnings: string[];

let releaseSlow: () => void = () => {};
let slowGate = Promise.resolve();

async function start(extra: { highWaterMark?: number; limits?: Partial<BridgeLimits> } = {}) {
  slowGate = new Promise<void>((r) => (releaseSlow = r));
  signals = [];
  emitters = [];
  warnings = [];
  const handlers: Handlers<typeof testContract> = {
    'echo.upper': async ({ text }) => ok({ text: text.toUpperCase() }),
    'ticks.watch': ({ start }, emit, ctx) => {
      signals.push(ctx.signal);
      emitters.push(emit);
      emit({ n: start });
      return ok(undefined);
    },
    'slow.wait': async () => {
      await slowGate;
      return ok(null);
    },
  };
  const logger = { ...quiet, warn: (m: string) => warnings.push(m) };
  router = createRouter({ contract: testContract, handlers, logger, validateResponses: true });
  server = await startBridgeServer({ router, rendererDir, logger, ...extra });
}

beforeEach(async () => {
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Capstan</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(os.tmpdir(), 'capstan-secret.txt'), 'secret');
  await start();
});
afterEach(async () => {
  await server.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

type Opts = { token?: string | null; origin?: string | null; host?: string; protocols?: string[] };
function connect(o: Opts = {}): WebSocket {
  const token = o.token === undefined ? server.token : o.token;
  const protocols = o.protocols ?? ['capstan.v1', ...(token === null ? [] : [`capstan.token.${token}`])];
  const headers: Record<string, string> = {};
  if (o.host) headers.host = o.host;
  const origin = o.origin === undefined ? server.origin : o.origin;
  return new WebSocket(`ws://127.0.0.1:${server.port}/ws`, protocols, { headers, ...(origin === null ? {} : { origin }) });
}

function refused(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('connection was accepted')));
    ws.on('error', () => {});
  });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
}

class Inbox {
  private readonly messages: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  constructor(ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async next(pred: (m: Record<string, unknown>) => boolean = () => true, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error('timed out waiting for a message');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

const waitFor = async (cond: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('WebSocket handshake', () => {
  it('rejects a missing token', async () => {
    expect(await refused(connect({ token: null }))).toBe(403);
    expect(warnings.join('\n')).toMatch(/no token/);
  });
  it('rejects a wrong token', async () => {
    expect(await refused(connect({ token: 'A'.repeat(43) }))).toBe(403);
    expect(await refused(connect({ token: server.token.slice(0, -1) }))).toBe(403);
    expect(warnings.join('\n')).toMatch(/wrong token/);
    expect(warnings.join('\n')).not.toContain(server.token);
  });
  it('rejects the token without the protocol marker', async () => {
    expect(await refused(connect({ protocols: [`capstan.token.${server.token}`] }))).toBe(403);
  });
  it('rejects a bad Host (DNS rebinding)', async () => {
    expect(await refused(connect({ host: `evil.example:${server.port}` }))).toBe(403);
    expect(await refused(connect({ host: `127.0.0.1:${server.port + 1}` }))).toBe(403);
    expect(warnings.join('\n')).toMatch(/Host/);
  });
  it('rejects a bad or missing Origin', async () => {
    expect(await refused(connect({ origin: 'http://evil.example' }))).toBe(403);
    expect(await refused(connect({ origin: `http://127.0.0.1:${server.port + 1}` }))).toBe(403);
    expect(await refused(connect({ origin: null }))).toBe(403);
    expect(warnings.join('\n')).toMatch(/Origin/);
  });
  it('accepts localhost as Host and Origin, and answers with capstan.v1 only', async () => {
    const ws = connect({ host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` });
    await opened(ws);
    expect(ws.protocol).toBe('capstan.v1');
    ws.close();
  });
});

describe('WebSocket bridge', () => {
  it('invokes, subscribes, unsubscribes', async () => {
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'echo.upper', payload: { text: 'abc' } }));
    expect(await inbox.next((m) => m.t === 'result')).toEqual({ t: 'result', id: 1, result: { ok: true, value: { text: 'ABC' } } });

    ws.send(JSON.stringify({ t: 'invoke', id: 2, channel: 'echo.upper', payload: { text: 7 } }));
    expect(await inbox.next((m) => m.t === 'result')).toMatchObject({ id: 2, result: { ok: false, error: { code: 'invalid-payload' } } });

    ws.send(JSON.stringify({ t: 'sub', subId: 's1', channel: 'ticks.watch', params: { start: 5 } }));
    expect(await inbox.next((m) => m.t === 'event')).toEqual({ t: 'event', subId: 's1', event: { n: 5 } });
    emitters[0]!({ n: 6 });
    expect(await inbox.next((m) => m.t === 'event')).toEqual({ t: 'event', subId: 's1', event: { n: 6 } });
    ws.send(JSON.stringify({ t: 'unsub', subId: 's1' }));
    await waitFor(() => signals[0]!.aborted);
    expect(router.subscriptionCount()).toBe(0);
    ws.close();
  });

  it('reports bad subscription params as an end message', async () => {
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    ws.send(JSON.stringify({ t: 'sub', subId: 's1', channel: 'ticks.watch', params: { start: 'x' } }));
    expect(await inbox.next((m) => m.t === 'end')).toMatchObject({ subId: 's1', error: { code: 'invalid-payload' } });
    ws.close();
  });

  it('disposes subscriptions when the socket closes', async () => {
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    ws.send(JSON.stringify({ t: 'sub', subId: 'a', channel: 'ticks.watch', params: { start: 1 } }));
    ws.send(JSON.stringify({ t: 'sub', subId: 'b', channel: 'ticks.watch', params: { start: 2 } }));
    await inbox.next((m) => m.subId === 'b');
    expect(router.subscriptionCount()).toBe(2);
    ws.close();
    await waitFor(() => signals.length === 2 && signals.every((s) => s.aborted));
    expect(router.subscriptionCount()).toBe(0);
  });

  it('rejects malformed messages without crashing', async () => {
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    for (const bad of [
      '{not json',
      '42',
      'null',
      JSON.stringify({ t: 'invoke', id: -1, channel: 'echo.upper', payload: {} }),
      JSON.stringify({ t: 'hack' }),
      JSON.stringify({ t: 'sub', subId: '../x', channel: 'ticks.watch', params: {} }),
    ]) {
      ws.send(bad);
      expect(await inbox.next((m) => m.t === 'error')).toMatchObject({ error: { code: 'invalid-payload' } });
    }
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await inbox.next((m) => m.t === 'error')).toMatchObject({ error: { code: 'invalid-payload' } });
    ws.send(JSON.stringify({ t: 'invoke', id: 9, channel: 'echo.upper', payload: { text: 'still alive' } }));
    expect(await inbox.next((m) => m.t === 'result')).toMatchObject({ id: 9, result: { ok: true } });
    expect(signals).toHaveLength(0);
    ws.close();
  });

  it('ends a subscription with an error when the client falls behind', async () => {
    await server.close();
    await start({ highWaterMark: -1 });
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    ws.send(JSON.stringify({ t: 'sub', subId: 's1', channel: 'ticks.watch', params: { start: 1 } }));
    expect(await inbox.next((m) => m.t === 'end')).toMatchObject({ subId: 's1', error: { code: 'unavailable' } });
    expect(signals[0]!.aborted).toBe(true);
    expect(warnings.join('\n')).toMatch(/behind/);
    ws.close();
  });
});

function get(pathname: string, host?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('per-connection limits', () => {
  it('caps the number of connections; a closed one frees its place', async () => {
    await server.close();
    await start({ limits: { maxConnections: 2 } });
    const a = connect();
    const b = connect();
    await Promise.all([opened(a), opened(b)]);
    expect(await refused(connect())).toBe(503);
    a.close();
    await waitFor(() => server.ws.connectionCount() === 1);
    const c = connect();
    await opened(c);
    b.close();
    c.close();
  });

  it('answers requests beyond the in-flight bound at once with unavailable, and serves again when they finish', async () => {
    await server.close();
    await start({ limits: { maxInFlight: 3 } });
    const ws = connect();
    const inbox = new Inbox(ws);
    await opened(ws);
    for (let id = 1; id <= 4; id++) ws.send(JSON.stringify({ t: 'invoke', id, channel: 'slow.wait', payload: {} }));
    expect(await inbox.next((m) => m.t === 'result')).toMatchObject({ id: 4, result: { ok: false, error: { code: 'unavailable' } } });
    releaseSlow();
    for (let i = 0; i < 3; i++) expect(await inbox.next((m) => m.t === 'result')).toMatchObject({ result: { ok: true } });
    ws.send(JSON.stringify({ t: 'invoke', id: 5, channel: 'echo.upper', payload: { text: 'ok' } }));
    expect(await inbox.next((m) => m.t === 'result')).toEqual({ t: 'result', id: 5, result: { ok: true, value: { text: 'OK' } } });
    ws.close();
  });

  it('refuses messages over the rate (requests and subscriptions alike); other connections are not affected', async () => {
    await server.close();
    await start({ limits: { ratePerSec: 1, burst: 5 } });
    const flood = connect();
    const calm = connect();
    const inbox = new Inbox(flood);
    const calmInbox = new Inbox(calm);
    await Promise.all([opened(flood), opened(calm)]);
    for (let id = 1; id <= 8; id++) flood.send(JSON.stringify({ t: 'invoke', id, channel: 'echo.upper', payload: { text: 'x' } }));
    flood.send(JSON.stringify({ t: 'sub', subId: 'late', channel: 'ticks.watch', params: { start: 1 } }));
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await inbox.next((m) => m.t === 'result'));
    expect(results.filter((r) => (r.result as { ok: boolean }).ok)).toHaveLength(5);
    expect(
      results.filter((r) => !(r.result as { ok: boolean }).ok).map((r) => (r.result as { error: { code: string } }).error.code),
    ).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(await inbox.next((m) => m.t === 'end')).toMatchObject({ subId: 'late', error: { code: 'unavailable' } });
    calm.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'echo.upper', payload: { text: 'calm' } }));
    expect(await calmInbox.next((m) => m.t === 'result')).toMatchObject({ result: { ok: true, value: { text: 'CALM' } } });
    flood.close();
    calm.close();
  });

  it('the token bucket refills at the rate, up to the burst', () => {
    let t = 0;
    const b = new RateBucket(10, 3, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    t += 100;
    expect([b.take(), b.take()]).toEqual([true, false]);
    t += 10_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe('static files', () => {
  it('serves the renderer with the CSP and security headers', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Capstan');
    expect(r.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`,
    );
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });
  it('refuses traversal and a bad Host', async () => {
    for (const p of ['/../capstan-secret.txt', '/%2e%2e/capstan-secret.txt', '/assets/..%2f..%2fcapstan-secret.txt']) {
      const r = await get(p);
      expect(r.status, p).not.toBe(200);
      expect(r.body).not.toContain('secret');
    }
    expect((await get('/', 'evil.example')).status).toBe(403);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
  });
  it('prints a URL with the token in the fragment only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
