import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract';
import { createRouter } from '../ipc/router';
import { TestCipher } from '../vault/cipher';
import { createServices, type Services } from './composition';

const quiet = { info() {}, warn() {}, error() {} };
const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: fat
  cluster: { server: "${server}" }
users:
- name: u
  user: { token: "sekret-token-123" }
contexts:
- name: fat
  context: { cluster: fat, user: u }
current-context: fat
`;

let services: Services | undefined;
const dirs: string[] = [];
afterEach(() => {
  services?.dispose();
  services = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function make() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-comp-'));
  dirs.push(dir);
  services = createServices({
    kubeconfigYaml: kubeconfig('https://127.0.0.1:9'),
    userDataDir: dir,
    cipher: new TestCipher(false, 'file-key'),
    sandbox: true,
    transport: 'browser',
    version: '1.2.3',
    logger: quiet,
  });
  return { services, dir };
}

describe('createServices', () => {
  it('implements every channel of the contract', () => {
    const { services } = make();
    expect(Object.keys(services.handlers).sort()).toEqual(Object.keys(contract).sort());
  });

  it('answers through the router with contract-valid data and no secrets', async () => {
    const { services } = make();
    const router = createRouter({ contract, handlers: services.handlers, logger: quiet, validateResponses: true });
    const info = await router.invoke('t', 'app.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: {
        version: '1.2.3',
        transport: 'browser',
        sandbox: true,
        vault: { backend: 'file-key', osEncrypted: false, needsConsent: true },
      },
    });
    const list = await router.invoke('t', 'clusters.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ id: 'fat', server: 'https://127.0.0.1:9' }] });
    expect(JSON.stringify([info, list])).not.toContain('sekret');
    expect(await router.invoke('t', 'vault.consent', { allow: true })).toMatchObject({ ok: true, value: { needsConsent: false } });
    expect(await router.invoke('t', 'kubeconfig.choose', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await router.invoke('t', 'workloads.getYaml', { clusterId: 'nope', kind: 'Pod', namespace: 'a', name: 'b' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('clusters.watch emits the list and releases clusters on teardown', async () => {
    const { services } = make();
    const router = createRouter({ contract, handlers: services.handlers, logger: quiet, validateResponses: true });
    const events: unknown[] = [];
    router.subscribe('t', 's1', 'clusters.watch', {}, { event: (e) => events.push(e), end: () => {} });
    expect(events[0]).toMatchObject({ clusters: [{ id: 'fat' }] });
    router.subscribe('t', 's2', 'workloads.subscribe', {}, { event: (e) => events.push(e), end: () => {} });
    expect(router.subscriptionCount('t')).toBe(2);
    router.disposeSender('t');
    expect(router.subscriptionCount()).toBe(0);
  });

  it('persists added kubeconfig paths in settings', () => {
    const { services, dir } = make();
    const file = path.join(dir, 'extra.yaml');
    fs.writeFileSync(file, kubeconfig('https://127.0.0.1:10').replaceAll('fat', 'uat'));
    expect(services.kubeconfig.addPath(file)).toEqual({ ok: true, value: { contexts: 1 } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).kubeconfigPaths).toEqual([file]);
  });
});
