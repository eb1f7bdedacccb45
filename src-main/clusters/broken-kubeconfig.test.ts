/**
 * A broken kubeconfig shows its own error on its own clusters; nothing else is affected: the
 * other files' clusters keep working, the services start, and no request rejects outside Result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../app/composition';
import { ExecService } from '../exec/exec-service';
import { TestCipher } from '../vault/cipher';
import { ClusterConnection } from './cluster-connection';
import { ClusterService } from './cluster-service';
import { KubeconfigService } from './kubeconfig-service';
import { FakeKube, until } from '../testing/fake-kube';

const quiet = { info() {}, warn() {}, error() {} };
let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  kube = await new FakeKube({ token: 'good-token' }).start();
});
afterAll(() => kube.kill());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-broken-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

describe('a broken kubeconfig', () => {
  it('an unresolved alias saved into a watched file errors that file only; the other file keeps working', async () => {
    const bad = path.join(dir, 'bad.yaml');
    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(bad, kube.kubeconfig('other', 'good-token'));
    fs.writeFileSync(good, kube.kubeconfig('fine', 'good-token'));
    const kc = new KubeconfigService({ env: { KUBECONFIG: `${bad}${path.delimiter}${good}` }, homeDir: dir, debounceMs: 20 });
    kc.start();
    const clusters = new ClusterService(kc, { idleCloseMs: 0 });
    expect(clusters.ids().sort()).toEqual(['fine', 'other']);
    fs.writeFileSync(bad, `${kube.kubeconfig('other', 'good-token')}foo: *typo\n`);
    await until(() => clusters.ids().includes(`file:${bad}`), 10_000, 'the bad file to reload');
    const info = clusters.get(`file:${bad}`)!;
    expect(info.error).toMatchObject({ code: 'kubeconfig-invalid' });
    expect(info.error!.message).toMatch(/alias/);
    expect(clusters.ids()).toContain('fine');
    const release = clusters.acquire('fine');
    await until(() => clusters.get('fine')?.state === 'live', 10_000, 'the good cluster to be live');
    release();
    clusters.dispose();
    kc.dispose();
  });

  it('at start-up, the same file does not stop the services', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'apiVersion: v1\nkind: Config\nfoo: *typo\nclusters: []\n');
    const weird = path.join(dir, 'weird.yaml');
    fs.writeFileSync(
      weird,
      'clusters: [{ name: w, cluster: { server: 42, certificate-authority: [1] } }]\nusers: [{ name: u, user: { tokenFile: {a: 1}, exec: { command: 7 } } }]\ncontexts: [{ name: w, context: { cluster: w, user: u } }]\n',
    );
    const services = createServices({
      kubeconfigPaths: [bad, weird],
      userDataDir: dir,
      cipher: new TestCipher(false, 'file-key'),
      transport: 'browser',
      logger: quiet,
    });
    try {
      const ids = services.clusters.ids();
      expect(ids).toContain(`file:${bad}`);
      expect(services.clusters.get(`file:${bad}`)!.error!.code).toBe('kubeconfig-invalid');
      expect(services.clusters.get('w')!.error!.code).toBe('kubeconfig-invalid');
    } finally {
      services.dispose();
    }
  });

  it('a header value with a line break is a Result error on every request path, never a rejection', async () => {
    const cases = [
      ['token', `token: "abc\\r\\nX-Injected: 1"`],
      ['impersonation', `token: good-token\n    as: "jane\\nX-Injected: 1"`],
      ['group', `token: good-token\n    as-groups: ["ops\\n"]`],
    ] as const;
    for (const [label, user] of cases) {
      const yaml = kube.kubeconfig('n', 'good-token').replace('    token: good-token', `    ${user}`);
      const entry = KubeconfigService.fromString(yaml).entry('n')!;
      const conn = new ClusterConnection(entry);
      const got = await conn.getJson('/version');
      expect(got, label).toMatchObject({ ok: false, error: { code: 'kubeconfig-invalid', clusterId: 'n' } });
      expect(await conn.openStream('/api/v1/pods?watch=true')).toMatchObject({ ok: false, error: { code: 'kubeconfig-invalid' } });
      const shell = await new ExecService(() => conn).open(
        'n',
        { namespace: 'a', pod: 'p', command: ['sh'], stdin: true, tty: true },
        { data() {}, end() {} },
      );
      expect(shell).toMatchObject({ ok: false, error: { code: 'kubeconfig-invalid' } });
      conn.dispose();
    }
    expect(unhandled).toEqual([]);
  });
});
