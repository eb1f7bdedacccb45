import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryDiagnostics } from '../base/diagnostics-log';
import { LoginShellPath } from '../platform/login-shell-path';
import { ClusterConnection, readBounded } from './cluster-connection';
import { KubeconfigService } from './kubeconfig-service';
import { FakeKube, until } from '../testing/fake-kube';

const SECRET = 'very-secret-token-value-0123456789';
let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  kube = await new FakeKube({ token: SECRET }).start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-conn-'));
});
afterAll(async () => {
  await kube.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  kube.hook = undefined;
});

const connFor = (yaml: string, id: string, opts: ConstructorParameters<typeof ClusterConnection>[1] = {}) => {
  const entry = KubeconfigService.fromString(yaml).entry(id)!;
  expect(entry.error).toBeUndefined();
  return new ClusterConnection(entry, opts);
};

describe('ClusterConnection', () => {
  it('sends the bearer token and parses JSON', async () => {
    const c = connFor(kube.kubeconfig('k', SECRET), 'k');
    const r = await c.getJson<{ gitVersion: string }>('/version');
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ gitVersion: 'v1.35.0-fake' }) });
    c.dispose();
  });

  it('maps 401 to cluster-unauthorized without leaking the token', async () => {
    const c = connFor(kube.kubeconfig('k', 'wrong-token-abcdefghijklmnopqrstuvwxyz'), 'k');
    const r = await c.getJson('/api/v1/pods', { verb: 'list', resource: 'pods' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'cluster-unauthorized', status: 401, clusterId: 'k' });
    expect(r.error.message).toMatch(/expired or invalid/);
    expect(r.error.message).not.toContain('wrong-token');
    c.dispose();
  });

  it('maps 403 to cluster-forbidden naming the verb and resource', async () => {
    kube.hook = (_req, res, url) => {
      if (url.pathname !== '/api/v1/nodes') return false;
      kube.status(
        res,
        403,
        'Forbidden',
        'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
      );
      return true;
    };
    const c = connFor(kube.kubeconfig('k', SECRET), 'k');
    const r = await c.getJson('/api/v1/nodes', { verb: 'list', resource: 'nodes' });
    expect(!r.ok && r.error).toMatchObject({ code: 'cluster-forbidden', status: 403, clusterId: 'k' });
    expect(!r.ok && r.error.message).toContain('list nodes');
    c.dispose();
  });

  it('maps a closed port to cluster-unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const yaml = kube.kubeconfig('dead', SECRET).replace(`127.0.0.1:${kube.port}`, `127.0.0.1:${port}`);
    const c = connFor(yaml, 'dead');
    const r = await c.getJson('/version', { verb: 'get', resource: 'version' });
    expect(!r.ok && r.error).toMatchObject({ code: 'cluster-unreachable', clusterId: 'dead' });
    expect(!r.ok && r.error.message).toContain('ECONNREFUSED');
    c.dispose();
  });

  it('maps non-JSON and truncated bodies to response-invalid', async () => {
    kube.hook = (_req, res, url) => {
      if (url.pathname === '/garbage') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('<html>proxy login</html>');
        return true;
      }
      if (url.pathname === '/truncated') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"kind":"List","items":[');
        setTimeout(() => res.destroy(), 20);
        return true;
      }
      return false;
    };
    const c = connFor(kube.kubeconfig('k', SECRET), 'k');
    const a = await c.getJson('/garbage');
    expect(!a.ok && a.error.code).toBe('response-invalid');
    const b = await c.getJson('/truncated');
    expect(!b.ok && b.error.code).toMatch(/response-invalid|cluster-unreachable/);
    c.dispose();
  });

  it('stops reading a 50 MB response at the cap (response-too-large) without buffering it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    let closedEarly = false;
    kube.hook = (_req, res, url) => {
      if (url.pathname !== '/huge') return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }); // no content-length: streamed
      const pump = () => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closedEarly = sent < 50 || !res.writableFinished));
      pump();
      return true;
    };
    const c = connFor(kube.kubeconfig('k', SECRET), 'k', { maxResponseBytes: 8 * 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const r = await c.getJson('/huge', { verb: 'list', resource: 'pods' });
    expect(!r.ok && r.error).toMatchObject({ code: 'response-too-large', clusterId: 'k' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
    await until(() => closedEarly, 5000, 'server sees the connection closed before it sent everything');
    c.dispose();
  });

  it('a read response lets go of its listeners (a keep-alive socket would keep its chunks alive), and a late error is ignored', async () => {
    const res = new PassThrough();
    const read = readBounded(res, 1024, { clusterId: 'k', server: 'https://127.0.0.1' });
    res.end('{"items":[]}');
    const r = await read;
    expect(r.ok && r.value.toString()).toBe('{"items":[]}');
    expect(['data', 'end', 'close'].map((e) => res.listenerCount(e))).toEqual([0, 0, 0]);
    expect(() => res.emit('error', new Error('socket reset later'))).not.toThrow();
  });

  it('refuses a declared Content-Length above the cap before reading', async () => {
    kube.hook = (_req, res, url) => {
      if (url.pathname !== '/declared') return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) });
      res.write('{');
      return true;
    };
    const c = connFor(kube.kubeconfig('k', SECRET), 'k', { maxResponseBytes: 1024 });
    const r = await c.getJson('/declared');
    expect(!r.ok && r.error.code).toBe('response-too-large');
    c.dispose();
  });

  describe('exec credential plugins', () => {
    const execYaml = (command: string) =>
      [
        'clusters:',
        `- name: c`,
        `  cluster: {server: "${kube.url}"}`,
        'users:',
        '- name: u',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${command}`,
        '      args: ["--cluster", "c"]',
        '      env: [{name: PLUGIN_MODE, value: ok}]',
        'contexts:',
        '- {name: ex, context: {cluster: c, user: u}}',
      ].join('\n');

    it('a missing plugin gives exec-plugin-missing naming the command', async () => {
      const c = connFor(execYaml('capstan-no-such-auth-plugin'), 'ex', { loginPath: new LoginShellPath({ shell: '/bin/sh' }) });
      const r = await c.getJson('/version');
      expect(!r.ok && r.error).toMatchObject({ code: 'exec-plugin-missing', clusterId: 'ex' });
      expect(!r.ok && r.error.message).toContain('"capstan-no-such-auth-plugin"');
      expect(!r.ok && r.error.message).toMatch(/install it/i);
      c.dispose();
    });

    it('a working plugin found through the login-shell PATH provides the token', async () => {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      const script = path.join(bin, 'capstan-test-auth');
      fs.writeFileSync(
        script,
        `#!/bin/sh\n[ "$PLUGIN_MODE" = ok ] || exit 3\n[ "$1" = --cluster ] || exit 4\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${SECRET}"}}'\n`,
        { mode: 0o755 },
      );
      // A fake login shell that reports a PATH containing our bin folder; the process PATH does not.
      const shell = path.join(dir, 'fakeshell');
      fs.writeFileSync(shell, `#!/bin/sh\nprintf '%s' "${bin}:/usr/bin:/bin"\n`, { mode: 0o755 });
      const loginPath = new LoginShellPath({ shell, baseEnv: { PATH: '/usr/bin:/bin' } });
      const c = connFor(execYaml('capstan-test-auth'), 'ex', { loginPath });
      const r = await c.getJson<{ gitVersion: string }>('/version');
      expect(r.ok && r.value.gitVersion).toBe('v1.35.0-fake');
      c.dispose();
    });

    it('after a 401 the plugin is run again (rotated token) and the request retried once', async () => {
      const tokenFile = path.join(dir, 'current-token');
      fs.writeFileSync(tokenFile, 'old-token');
      const script = path.join(dir, 'rotating-auth');
      // Prints the current token, then "rotates" it: the next run gets the valid one.
      fs.writeFileSync(
        script,
        `#!/bin/sh\nt=$(cat ${tokenFile})\nprintf '%s' '${SECRET}' > ${tokenFile}\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$t"\n`,
        { mode: 0o755 },
      );
      const c = connFor(execYaml(script), 'ex');
      const r = await c.getJson<{ gitVersion: string }>('/version');
      expect(r.ok && r.value.gitVersion).toBe('v1.35.0-fake');
      c.dispose();
    });

    it('a failed plugin is not run again on every retry, only after reconnect (invalidateCredentials)', async () => {
      const counter = path.join(dir, 'runs');
      fs.writeFileSync(counter, '');
      const script = path.join(dir, 'counting-failing-auth');
      fs.writeFileSync(script, `#!/bin/sh\necho run >> ${counter}\nexit 1\n`, { mode: 0o755 });
      const c = connFor(execYaml(script), 'ex');
      const runs = () => fs.readFileSync(counter, 'utf8').trim().split('\n').filter(Boolean).length;
      await c.getJson('/version');
      await c.getJson('/version');
      await c.openStream('/version');
      expect(runs()).toBe(1);
      c.invalidateCredentials();
      const r = await c.getJson('/version');
      expect(!r.ok && r.error.code).toBe('exec-plugin-failed');
      expect(runs()).toBe(2);
      c.dispose();
    });

    it('a failing plugin gives exec-plugin-failed with a fixed message; its stderr goes to the diagnostics log only', async () => {
      const script = path.join(dir, 'failing-auth');
      fs.writeFileSync(script, `#!/bin/sh\necho "error: SSO session expired client_secret=Zx9.Kq~31ab!c password=hunter2" >&2\nexit 1\n`, {
        mode: 0o755,
      });
      const diagnostics = memoryDiagnostics();
      const c = connFor(execYaml(script), 'ex', { diagnostics });
      const r = await c.getJson('/version');
      expect(!r.ok && r.error.code).toBe('exec-plugin-failed');
      const message = !r.ok ? r.error.message : '';
      for (const secret of ['Zx9.Kq~31ab!c', 'hunter2', 'SSO session']) expect(message).not.toContain(secret);
      expect(message).toContain(diagnostics.file);
      expect(diagnostics.entries.join('\n')).toContain('client_secret=Zx9.Kq~31ab!c password=hunter2');
      c.dispose();
    });
  });

  it('openStream resolves on headers and maps error statuses', async () => {
    kube.hook = (_req, res, url) => {
      if (url.pathname !== '/stream') return false;
      res.writeHead(200);
      res.write('hello\n');
      return true;
    };
    const c = connFor(kube.kubeconfig('k', SECRET), 'k');
    const ac = new AbortController();
    const s = await c.openStream('/stream', { signal: ac.signal });
    expect(s.ok).toBe(true);
    if (s.ok) {
      const first = await new Promise<string>((r) => s.value.once('data', (d: Buffer) => r(d.toString())));
      expect(first).toBe('hello\n');
    }
    ac.abort();
    const bad = await connFor(kube.kubeconfig('k', 'nope'), 'k').openStream('/stream2');
    expect(!bad.ok && bad.error.code).toBe('cluster-unauthorized');
    c.dispose();
  });
});

// keep http imported for types in hooks
void http;
