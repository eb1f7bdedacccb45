/**
 * The renderer is untrusted: over the real browser-mode bridge (WebSocket, token, router,
 * services), a page cannot make main read a file of its choosing as a kubeconfig, cannot get an
 * exec plugin run, and cannot learn whether a file exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contract } from '../../src-shared/contract';
import { isRequestChannel } from '../../src-shared/base/channels';
import { startServer, type RunningServer } from './server';
import { tempDirs } from '../testing/temp-dirs';

const quiet = { info() {}, warn() {}, error() {} };

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const tmp = tempDirs('capstan-reach-');

/** One bridge connection, as a page would open it; invoke() answers in order of ids. */
async function connect(s: RunningServer) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, ['capstan.v1', `capstan.token.${s.token}`], { origin: s.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { t: string; id?: number; result?: unknown };
    if (msg.t === 'result' && msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  return {
    invoke(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ t: 'invoke', id, channel, payload }));
      });
    },
    close: () => ws.close(),
  };
}

const kubeconfig = (server: string, user: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}" } }]
users: [{ name: u, user: ${user} }]
contexts: [{ name: CTX, context: { cluster: c, user: u } }]
`;

describe('what a page can make main read or run', () => {
  it('cannot add a kubeconfig by path, so its exec plugin never runs; browser mode explains how to add one', async () => {
    const dir = tmp();
    const marker = path.join(dir, 'plugin-ran');
    const evil = path.join(dir, 'evil.yaml');
    const plugin = `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "touch '${marker}'; exit 1"] } }`;
    fs.writeFileSync(evil, kubeconfig('https://127.0.0.1:9', plugin).replace('CTX', 'evil'));
    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(good, kubeconfig('https://127.0.0.1:9', '{ token: t }').replace('CTX', 'good'));
    server = await startServer({ kubeconfigPaths: [good], userDataDir: tmp(), rendererDir: tmp(), logger: quiet, homeDir: dir, env: {} });
    const page = await connect(server);

    // Every request channel, with every path-like key a page might try.
    for (const [name, channel] of Object.entries(contract)) {
      if (!isRequestChannel(channel) || name === 'kubeconfig.removePath') continue;
      for (const key of ['path', 'file', 'dir', 'kubeconfig', 'source']) {
        const r = await page.invoke(name, { [key]: evil });
        expect(r.ok, `${name} accepted {${key}: <file>}`).toBe(false);
      }
    }
    const legacy = await page.invoke('kubeconfig.addPath', { path: evil });
    expect(legacy).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });

    const chosen = await page.invoke('kubeconfig.choose', {});
    expect(chosen).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(chosen.error!.message).toContain('--kubeconfig');
    expect(chosen.error!.message).toContain(server.services.settings.file);

    // Connect everything main knows about; the plugin file is not among them, so nothing ran.
    const ids = server.services.clusters.ids();
    expect(ids).toEqual(['good']);
    for (const id of ids) await page.invoke('clusters.reconnect', { clusterId: id });
    await expect.poll(() => server!.services.clusters.get('good')?.state, { timeout: 20_000 }).toBe('error');
    expect(fs.existsSync(marker)).toBe(false);
    const info = await page.invoke('app.info', {});
    expect(JSON.stringify(info)).not.toContain('evil.yaml');
    page.close();
  });

  it('cannot probe the file system: removing an unknown path answers the same for files that exist and files that do not', async () => {
    const dir = tmp();
    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(good, kubeconfig('https://127.0.0.1:9', '{ token: t }').replace('CTX', 'good'));
    server = await startServer({ kubeconfigPaths: [good], userDataDir: tmp(), rendererDir: tmp(), logger: quiet, homeDir: dir, env: {} });
    const page = await connect(server);
    const exists = path.join(dir, 'exists');
    fs.writeFileSync(exists, 'x');
    const a = await page.invoke('kubeconfig.removePath', { path: exists });
    const b = await page.invoke('kubeconfig.removePath', { path: path.join(dir, 'missing') });
    expect(a.ok).toBe(false);
    expect({ ...a.error, message: a.error!.message.replace(exists, 'P') }).toEqual({
      ...b.error,
      message: b.error!.message.replace(path.join(dir, 'missing'), 'P'),
    });
    expect(fs.existsSync(exists)).toBe(true);
    page.close();
  });
});
