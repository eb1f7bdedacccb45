import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from './server';
import { tempDirs } from '../testing/temp-dirs';

const quiet = { info() {}, warn() {}, error() {} };
const yaml = `apiVersion: v1
kind: Config
clusters: [{ name: sb, cluster: { server: "https://127.0.0.1:9" } }]
users: [{ name: u, user: { token: "t0ken-value" } }]
contexts: [{ name: sb, context: { cluster: sb, user: u } }]
`;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const tmp = tempDirs('capstan-serve-');

function call(s: RunningServer, channel: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, ['capstan.v1', `capstan.token.${s.token}`], { origin: s.origin });
    ws.on('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, payload })));
    ws.on('message', (data) => {
      resolve(JSON.parse(data.toString()));
      ws.close();
    });
    ws.on('error', reject);
  });
}

describe('startServer', () => {
  it('starts the sandbox when asked, serves app.info, stops the sandbox on close', async () => {
    let stopped = false;
    const home = tmp();
    server = await startServer({
      sandbox: true,
      userDataDir: tmp(),
      rendererDir: tmp(),
      logger: quiet,
      homeDir: home,
      env: {},
      version: '9.9.9',
      startSandbox: async () => ({ kubeconfigYaml: yaml, stop: async () => void (stopped = true) }),
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    expect(await call(server, 'app.info', {})).toMatchObject({
      t: 'result',
      id: 1,
      result: {
        ok: true,
        value: { sandbox: true, transport: 'browser', version: '9.9.9', vault: { backend: 'file-key', osEncrypted: false } },
      },
    });
    expect(await call(server, 'clusters.list', {})).toMatchObject({ result: { ok: true, value: [{ id: 'sb' }] } });
    expect(server.services.clusters.ids()).toEqual(['sb']);
    await server.close();
    expect(stopped).toBe(true);
    server = undefined;
  });

  it('falls back to the sandbox when no kubeconfig exists, and uses explicit files otherwise', async () => {
    const home = tmp();
    let started = 0;
    const startSandbox = async () => {
      started++;
      return { kubeconfigYaml: yaml, stop: async () => {} };
    };
    server = await startServer({ userDataDir: tmp(), rendererDir: tmp(), logger: quiet, homeDir: home, env: {}, startSandbox });
    expect(started).toBe(1);
    expect(server.backend.choice).toEqual({ mode: 'sandbox', reason: 'no-kubeconfig' });
    await server.close();

    const file = path.join(home, 'k.yaml');
    fs.writeFileSync(file, yaml.replaceAll('sb', 'real'));
    server = await startServer({
      kubeconfigPaths: [file],
      userDataDir: tmp(),
      rendererDir: tmp(),
      logger: quiet,
      homeDir: home,
      env: {},
      startSandbox,
    });
    expect(started).toBe(1);
    expect(server.services.clusters.ids()).toEqual(['real']);
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(path.dirname(server.services.settings.file), 'vault.key')).mode & 0o777).toBe(0o600);
  });
});
