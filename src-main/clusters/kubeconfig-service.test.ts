import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeconfigService } from './kubeconfig-service';
import { until } from '../testing/fake-kube';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-kc-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cfg = (o: {
  clusters?: [string, string][];
  users?: [string, string][];
  contexts?: [string, string, string][];
  current?: string;
  extraUser?: string;
}) =>
  [
    'apiVersion: v1',
    'kind: Config',
    o.current ? `current-context: ${o.current}` : '',
    'clusters:',
    ...(o.clusters ?? []).map(([n, s]) => `- name: ${n}\n  cluster:\n    server: ${s}`),
    'users:',
    ...(o.users ?? []).map(([n, t]) => `- name: ${n}\n  user:\n    token: ${t}${o.extraUser ?? ''}`),
    'contexts:',
    ...(o.contexts ?? []).map(([n, c, u]) => `- name: ${n}\n  context:\n    cluster: ${c}\n    user: ${u}`),
    '',
  ].join('\n');

const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

describe('KubeconfigService', () => {
  it('merges the KUBECONFIG list first-wins, takes current-context from the first file that sets one', () => {
    const a = write('a', cfg({ clusters: [['c1', 'https://a.example:6443']], users: [['u1', 'ta']], contexts: [['dev', 'c1', 'u1']] }));
    const b = write(
      'b',
      cfg({
        current: 'prod',
        clusters: [
          ['c1', 'https://b.example:6443'],
          ['c2', 'https://b2.example:6443'],
        ],
        users: [['u1', 'tb']],
        contexts: [
          ['dev', 'c2', 'u1'],
          ['prod', 'c2', 'u1'],
        ],
      }),
    );
    const s = new KubeconfigService({ env: { KUBECONFIG: [a, b].join(path.delimiter) }, homeDir: dir });
    s.start();
    const es = s.entries();
    expect(es.map((e) => e.id)).toEqual(['dev', 'prod']);
    const dev = s.entry('dev')!;
    // context from a wins (cluster c1), cluster c1 from a wins
    expect(dev.clusterName).toBe('c1');
    expect(dev.server).toBe('https://a.example:6443');
    expect(dev.config!.user.token).toBe('ta');
    expect(dev.source).toBe(a);
    expect(s.entry('prod')!.server).toBe('https://b2.example:6443');
    expect(s.currentContext()).toBe('prod');
    s.dispose();
  });

  it('uses ~/.kube/config without KUBECONFIG, and user-added folders (every regular file)', () => {
    write('.kube/config', cfg({ clusters: [['h', 'https://h:1']], users: [['u', 't']], contexts: [['home', 'h', 'u']] }));
    write('extra/one.yaml', cfg({ clusters: [['x', 'https://x:1']], users: [['u', 't']], contexts: [['one', 'x', 'u']] }));
    write('extra/two', cfg({ clusters: [['y', 'https://y:1']], users: [['u', 't']], contexts: [['two', 'y', 'u']] }));
    fs.mkdirSync(path.join(dir, 'extra/subdir'));
    let saved: string[] = [];
    const s = new KubeconfigService({ env: {}, homeDir: dir, settings: { get: () => saved, set: (p) => (saved = p) } });
    s.start();
    expect(s.entries().map((e) => e.id)).toEqual(['home']);
    const r = s.addPath(path.join(dir, 'extra'));
    expect(r).toEqual({ ok: true, value: { contexts: 2 } });
    expect(saved).toEqual([path.join(dir, 'extra')]);
    expect(
      s
        .entries()
        .map((e) => e.id)
        .sort(),
    ).toEqual(['home', 'one', 'two']);
    expect(s.removePath(path.join(dir, 'extra')).ok).toBe(true);
    expect(s.entries().map((e) => e.id)).toEqual(['home']);
    expect(s.addPath(path.join(dir, 'nope')).ok).toBe(false);
    s.dispose();
  });

  it('reports a malformed YAML file with its path and line, and still loads the other files', () => {
    const good = write('good', cfg({ clusters: [['c', 'https://c:1']], users: [['u', 't']], contexts: [['ok', 'c', 'u']] }));
    const bad = write('bad', 'apiVersion: v1\nclusters:\n- name: x\n  cluster: {server: "https://x\n  oops: [\n');
    const s = new KubeconfigService({ env: { KUBECONFIG: [bad, good].join(path.delimiter) }, homeDir: dir });
    s.start();
    expect(s.entry('ok')!.error).toBeUndefined();
    const broken = s.entries().find((e) => e.id === `file:${bad}`)!;
    expect(broken.error!.code).toBe('kubeconfig-invalid');
    expect(broken.error!.message).toContain(bad);
    expect(broken.error!.message).toMatch(/line \d+/);
    expect(s.sources().find((x) => x.path === bad)!.error).toContain(bad);
    s.dispose();
  });

  it('gives an error to a context naming a missing cluster or user, only to that context', () => {
    const f = write(
      'f',
      cfg({
        clusters: [['c', 'https://c:1']],
        users: [['u', 'secret-token-value']],
        contexts: [
          ['good', 'c', 'u'],
          ['nocluster', 'zz', 'u'],
          ['nouser', 'c', 'ghost'],
        ],
      }),
    );
    const s = new KubeconfigService({ env: { KUBECONFIG: f }, homeDir: dir });
    s.start();
    expect(s.entry('good')!.error).toBeUndefined();
    const nc = s.entry('nocluster')!.error!;
    expect(nc.code).toBe('kubeconfig-invalid');
    expect(nc.clusterId).toBe('nocluster');
    expect(nc.message).toContain('cluster "zz"');
    const nu = s.entry('nouser')!.error!;
    expect(nu.message).toContain('user "ghost"');
    expect(JSON.stringify(s.entries().map((e) => e.error))).not.toContain('secret-token-value');
    s.dispose();
  });

  it('resolves certificate files relative to the kubeconfig folder and reports an unreadable one', () => {
    write('certs/ca.crt', 'x');
    const f = write(
      'sub/config',
      [
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://c:1", certificate-authority: ../certs/ca.crt}',
        '- name: d',
        '  cluster: {server: "https://d:1", certificate-authority: ../certs/missing.crt}',
        'users:',
        '- name: u',
        '  user: {token: t}',
        'contexts:',
        '- {name: good, context: {cluster: c, user: u}}',
        '- {name: badca, context: {cluster: d, user: u}}',
      ].join('\n'),
    );
    const s = new KubeconfigService({ env: { KUBECONFIG: f }, homeDir: dir });
    s.start();
    expect(s.entry('good')!.error).toBeUndefined();
    expect(s.entry('good')!.config!.cluster['certificate-authority']).toBe(path.join(dir, 'certs/ca.crt'));
    const e = s.entry('badca')!.error!;
    expect(e.code).toBe('kubeconfig-invalid');
    expect(e.message).toContain(path.join(dir, 'certs/missing.crt'));
    expect(e.message).toContain('does not exist');
    s.dispose();
  });

  it('reloads when a watched file changes (debounced) and emits onDidChangeEntries', async () => {
    const f = write('config', cfg({ clusters: [['c', 'https://c:1']], users: [['u', 't']], contexts: [['one', 'c', 'u']] }));
    const s = new KubeconfigService({ env: { KUBECONFIG: f }, homeDir: dir, debounceMs: 20 });
    s.start();
    let events = 0;
    s.onDidChangeEntries(() => events++);
    // Replace by rename, as editors do.
    const tmp = path.join(dir, 'config.tmp');
    fs.writeFileSync(
      tmp,
      cfg({
        clusters: [['c', 'https://c:1']],
        users: [['u', 't']],
        contexts: [
          ['one', 'c', 'u'],
          ['two', 'c', 'u'],
        ],
      }),
    );
    fs.renameSync(tmp, f);
    await until(() => s.entries().length === 2, 5000, 'reload after rename');
    expect(events).toBeGreaterThanOrEqual(1);
    // And a plain in-place write after that.
    fs.writeFileSync(f, cfg({ clusters: [['c', 'https://c:1']], users: [['u', 't']], contexts: [['three', 'c', 'u']] }));
    await until(() => s.entry('three') !== undefined, 5000, 'reload after write');
    s.dispose();
  });

  it('builds from a YAML string', () => {
    const s = KubeconfigService.fromString(
      cfg({ clusters: [['c', 'http://127.0.0.1:1']], users: [['u', 't']], contexts: [['sb', 'c', 'u']] }),
      'sandbox',
    );
    expect(s.entries().map((e) => [e.id, e.source])).toEqual([['sb', 'sandbox']]);
  });
});
