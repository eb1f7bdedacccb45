import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { startDatacenter, type Datacenter } from '../../src-sandbox/datacenter';
import { launchChromium, screenshot } from './browser';

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * Bad kubeconfig entries and faulty clusters, as a user would meet them: each shows its own clear
 * error on its own card, and the healthy cluster beside them stays live.
 */
describe('faults: one broken cluster never hides the others', () => {
  let dc: Datacenter;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-faults-'));
    dc = await startDatacenter({ clockSpeed: 20 });
    const kc = parse(dc.kubeconfigYaml()) as Kubeconfig;
    const fat = kc.clusters.find((c) => c.name === 'fat')!;
    const deadPort = await closedPort();
    kc.clusters.push({ name: 'dead', cluster: { ...fat.cluster, server: `https://127.0.0.1:${deadPort}` } });
    kc.users.push({ name: 'expired', user: { token: 'expired-token' } });
    kc.users.push({
      name: 'sso',
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'capstan-no-such-login-plugin', interactiveMode: 'Never' } },
    });
    kc.contexts = [
      { name: 'fat', context: { cluster: 'fat', user: 'fat-admin' } },
      { name: 'expired-token', context: { cluster: 'uat', user: 'expired' } },
      { name: 'dead-cluster', context: { cluster: 'dead', user: 'fat-admin' } },
      { name: 'missing-cluster', context: { cluster: 'nowhere', user: 'fat-admin' } },
      { name: 'missing-plugin', context: { cluster: 'pro-east', user: 'sso' } },
    ];
    const good = join(dir, 'config');
    writeFileSync(good, stringify({ ...kc, 'current-context': 'fat' }));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nclusters:\n  - name: x\n    cluster: [unclosed\n');
    server = await startServer({
      port: 0,
      kubeconfigPaths: [good, broken],
      userDataDir: join(dir, 'data'),
      homeDir: dir,
      env: { PATH: process.env.PATH },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = (id: string) => page.locator(`[data-testid=cluster-card][data-cluster-id="${id}"]`);
  const errorOf = async (id: string) => {
    await expect.poll(() => card(id).getByTestId('cluster-error').count(), { timeout: 60_000 }).toBe(1);
    const banner = card(id).getByTestId('cluster-error');
    return { code: await banner.getAttribute('data-code'), text: await banner.innerText() };
  };

  it('keeps the healthy cluster live', async () => {
    await expect.poll(() => card('fat').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
  });

  it('says a token was refused (401) and what to do', async () => {
    const e = await errorOf('expired-token');
    expect(e.code).toBe('cluster-unauthorized');
    expect(e.text).not.toContain('expired-token\n'); // never the secret itself
  });

  it('says an API server is unreachable', async () => {
    expect((await errorOf('dead-cluster')).code).toBe('cluster-unreachable');
  });

  it('says a context names a missing cluster', async () => {
    const e = await errorOf('missing-cluster');
    expect(e.code).toBe('kubeconfig-invalid');
    expect(e.text).toContain('nowhere');
  });

  it('names a missing exec credential plugin', async () => {
    const e = await errorOf('missing-plugin');
    expect(e.code).toBe('exec-plugin-missing');
    expect(e.text).toContain('capstan-no-such-login-plugin');
  });

  it('reports the malformed kubeconfig file, and the healthy cluster is still live', async () => {
    await expect.poll(() => page.getByText('broken.yaml').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await card('fat').getAttribute('data-state')).toBe('live');
    await screenshot(page, 'faults-overview');
  });
});
