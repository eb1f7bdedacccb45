import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSandboxDatacenter } from '../../src-main/app/sandbox';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { launchChromium, screenshot } from './browser';

/**
 * Canary: unique secrets planted in every place a secret can live (kubeconfig token, client key,
 * exec plugin output and stderr, basic-auth password, server userinfo, registry password), the app
 * driven through its views in Chromium, and none of them may appear in a WebSocket frame from main,
 * the DOM, the console, a download, or anything the page can fetch from the server.
 */
const CANARY = {
  token: 'CANARYtokenQ7x1',
  clientKey: 'CANARYkeyW2p9',
  execToken: 'CANARYexecTok5m',
  execStderr: 'CANARY.std~err!3$',
  basicPassword: 'CANARYpw8',
  userinfo: 'CANARYui4',
  registryPassword: 'CANARYreg6z',
} as const;
const secrets = Object.values(CANARY);
const leaks = (text: string) => secrets.filter((s) => text.includes(s));

describe('no secret leaves the main process', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const frames: string[] = [];
  const consoleLines: string[] = [];
  const downloads: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-canary-'));
    const plugin = join(dir, 'plugin-ok');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho "debug ${CANARY.execStderr}" >&2\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${CANARY.execToken}"}}'\n`,
    );
    const failing = join(dir, 'plugin-fail');
    writeFileSync(failing, `#!/bin/sh\necho "login failed client_secret=${CANARY.execStderr} token=${CANARY.token}" >&2\nexit 3\n`);
    chmodSync(plugin, 0o755);
    chmodSync(failing, 0o755);
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${CANARY.clientKey}${'A'.repeat(40)}\n-----END PRIVATE KEY-----\n`;
    const certPem = `-----BEGIN CERTIFICATE-----\nMIIB${'A'.repeat(40)}\n-----END CERTIFICATE-----\n`;

    server = await startServer({
      sandbox: true,
      userDataDir: join(dir, 'data'),
      homeDir: dir,
      env: {},
      logger: {
        info: (m) => consoleLines.push(`main: ${m}`),
        warn: (m) => consoleLines.push(`main: ${m}`),
        error: (m) => consoleLines.push(`main: ${String(m)}`),
      },
      startSandbox: async (log) => {
        const sb = await startSandboxDatacenter(log, { clockSpeed: 20 });
        // The sandbox kubeconfig plus one context per hiding place, all against the real fat cluster.
        const kc = parse(sb.kubeconfigYaml) as {
          clusters: { name: string; cluster: Record<string, unknown> }[];
          users: unknown[];
          contexts: unknown[];
        };
        const fat = kc.clusters.find((c) => c.name === 'fat')!.cluster;
        const url = new URL(String(fat.server));
        const ctx = (name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = fat) => {
          kc.clusters.push({ name: `c-${name}`, cluster });
          kc.users.push({ name: `u-${name}`, user });
          kc.contexts.push({ name, context: { cluster: `c-${name}`, user: `u-${name}` } });
        };
        ctx('canary-token', { token: CANARY.token });
        ctx('canary-key', {
          'client-certificate-data': Buffer.from(certPem).toString('base64'),
          'client-key-data': Buffer.from(keyPem).toString('base64'),
        });
        ctx('canary-exec', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } });
        ctx('canary-exec-fail', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: failing } });
        ctx('canary-basic', { username: 'jane', password: CANARY.basicPassword });
        ctx('canary-userinfo', { token: 'plain' }, { ...fat, server: `https://jane:${CANARY.userinfo}@${url.host}` });
        return { ...sb, kubeconfigYaml: stringify(kc) };
      },
    });
    // A registry whose password is a canary (the sandbox Harbor refuses it: an error the page shows).
    const harbor = server.backend.sandbox!.images!.registries[0]!;
    await server.services.imagesReady;
    server.services.vault.consent(true); // browser mode's file-key vault asks once before storing secrets
    const added = await server.services.images.addRegistry({
      name: 'canary-harbor',
      kind: 'harbor',
      url: harbor.url,
      region: 'canary',
      username: 'robot$canary',
      secret: CANARY.registryPassword,
    });
    expect(added).toMatchObject({ ok: true });

    browser = await launchChromium();
    page = await browser.newPage();
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    page.on('console', (m) => consoleLines.push(`page: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`page error: ${e.message}`));
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = (id: string) => page.locator(`[data-testid=cluster-card][data-cluster-id="${id}"]`);
  const domText = async () => `${await page.content()}\n${await page.locator('body').innerText()}`;

  it('every hiding place was exercised: each canary context fails with its own, secret-free error', async () => {
    for (const id of ['canary-token', 'canary-key', 'canary-exec', 'canary-exec-fail', 'canary-basic']) {
      await expect.poll(() => card(id).getAttribute('data-state'), { timeout: 60_000 }).toBe('error');
    }
    await expect.poll(() => card('fat').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    expect(await card('canary-exec-fail').getByTestId('cluster-error').innerText()).toContain('diagnostics.log');
    expect(await card('canary-userinfo').innerText()).toContain('***@');
    // The stderr went where the message says (main's diagnostics log), so the canary did reach main.
    const diagnostics = join(dir, 'data', 'logs', 'diagnostics.log');
    await expect
      .poll(() => existsSync(diagnostics) && readFileSync(diagnostics, 'utf8').includes(CANARY.execStderr), { timeout: 30_000 })
      .toBe(true);
    await screenshot(page, 'canary-overview');
    expect(leaks(await domText())).toEqual([]);
  }, 120_000);

  it('no view shows a secret (workloads, problems, logs, metrics, releases, images)', async () => {
    for (const view of ['workloads', 'problems', 'logs', 'metrics', 'releases', 'images']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await expect
        .poll(async () => (await page.locator('main, [role=main], body').first().innerText()).length, { timeout: 30_000 })
        .toBeGreaterThan(0);
      expect(leaks(await domText()), view).toEqual([]);
    }
    await expect.poll(async () => (await domText()).includes('canary-harbor'), { timeout: 30_000 }).toBe(true);
    await screenshot(page, 'canary-images');
  }, 120_000);

  it('a download from main holds no secret', async () => {
    await page.getByTestId('nav-metrics').click();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Export all (CSV)' }).click(),
    ]);
    const file = await download.path();
    downloads.push(readFileSync(file, 'utf8'));
    expect(downloads[0]!.length).toBeGreaterThan(0);
    expect(leaks(downloads.join('\n'))).toEqual([]);
  }, 60_000);

  it('nothing the page can fetch from the server holds a secret (no log or data file is served)', async () => {
    for (const p of [
      '/logs/diagnostics.log',
      '/data/logs/diagnostics.log',
      '/settings.json',
      '/vault.json',
      '/../data/settings.json',
      '/%2e%2e/data/vault.json',
    ]) {
      const r = await page.evaluate(async (u) => {
        const res = await fetch(u);
        return { status: res.status, text: await res.text() };
      }, p);
      expect(r.status, p).not.toBe(200);
      expect(leaks(r.text)).toEqual([]);
    }
  });

  it('no WebSocket frame from main and no console line (page or main) holds a secret', () => {
    expect(frames.length).toBeGreaterThan(10);
    expect(leaks(frames.join('\n'))).toEqual([]);
    expect(leaks(consoleLines.join('\n'))).toEqual([]);
  });
});
