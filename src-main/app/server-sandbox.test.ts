import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from './server';

// The whole backend over the real WebSocket bridge against the real sandbox datacenter.
const quiet = { info() {}, warn() {}, error() {} };
let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-serve-sb-'));
  server = await startServer({
    sandbox: true,
    userDataDir: dataDir,
    rendererDir: dataDir,
    logger: quiet,
    sandboxOptions: { clockSpeed: 20 },
  });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function connect(): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['capstan.v1', `capstan.token.${server.token}`], {
      origin: server.origin,
    });
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('error', reject);
  });
}

const until = async <T>(fn: () => T | undefined, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('browser mode against the sandbox datacenter', () => {
  it('shows every sandbox cluster live and streams workloads; no credentials cross the bridge', async () => {
    const { ws, messages } = await connect();
    ws.send(JSON.stringify({ t: 'sub', subId: 'c', channel: 'clusters.watch', params: {} }));
    ws.send(JSON.stringify({ t: 'sub', subId: 'w', channel: 'workloads.subscribe', params: {} }));
    type Cluster = { id: string; state: string; counts: { pods: number } };
    const live = await until(() => {
      const last = messages.filter((m) => m.subId === 'c' && m.t === 'event').at(-1) as { event: { clusters: Cluster[] } } | undefined;
      const clusters = last?.event.clusters;
      return clusters && clusters.length === 4 && clusters.every((c) => c.state === 'live') ? clusters : undefined;
    });
    expect(live.map((c) => c.id).sort()).toEqual(['fat', 'pro-east', 'pro-west', 'uat']);
    await until(() => (messages.some((m) => m.subId === 'w' && m.t === 'event') ? true : undefined));
    const tokens = server.backend.sandbox!.datacenter!.clusters.map((c) => c.token);
    const wire = JSON.stringify(messages);
    for (const t of tokens) expect(wire).not.toContain(t);
    ws.close();
    await until(() => (server.backend.router.subscriptionCount() === 0 ? true : undefined));
  });
});
