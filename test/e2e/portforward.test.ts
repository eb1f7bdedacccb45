import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl, kubectlCreate, kubectlJsonpath } from './kubectl';
import { openSandboxApp, type SandboxApp, terminalText } from './sandbox-app';

/** kubectl's selector of the seed's orders-uat pods. */
const ORDERS_UAT = '--selector=app.kubernetes.io/instance=orders-uat';
/** The names of listed pods whose first container is ready, each followed by a space. */
const READY_NAMES = '{range .items[?(@.status.containerStatuses[0].ready==true)]}{.metadata.name} {end}';

/**
 * Port-forward and debug containers in Chromium against the sandbox, kubectl as referee: a
 * Service's port forwarded in one step from the palette (first port, free local port) and from its
 * drawer (a port chosen) answers on 127.0.0.1 from a pod kubectl lists as ready, is listed with its
 * traffic and stops; a shell into a crash-looping container explains why it cannot open and starts an
 * ephemeral debug container (as kubectl debug) whose shell runs in a new tab.
 */
describe('port-forward and debug containers', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;
  let dir: string;

  beforeAll(async () => {
    // A slow clock: a crash-looping container waits 10 s and more between attempts, time enough to look at it.
    app = await openSandboxApp('portforward', { clockSpeed: 2 });
    ({ page, kubeconfig } = app);
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-pf-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards a Service port in one step from the palette and from its drawer, lists the forwards with their traffic, and stops them', async () => {
    await kubectlCreate(kubeconfig, 'uat', dir, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders-web', namespace: 'shop' },
      spec: {
        selector: { 'app.kubernetes.io/instance': 'orders-uat' },
        ports: [
          { name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' },
          { name: 'alt', port: 81, targetPort: 'http', protocol: 'TCP' },
        ],
      },
    });
    // Ready orders-uat pods as kubectl lists them: the forwards must answer from one of them.
    const ready = (await kubectl(kubeconfig, 'uat', '-n', 'shop', 'get', 'pods', ORDERS_UAT, '-o', `jsonpath=${READY_NAMES}`))
      .trim()
      .split(' ');
    const answerFrom = async (local: number) => {
      const text = await expect
        .poll(
          async () =>
            await fetch(`http://127.0.0.1:${local}/hello`)
              .then((r) => r.text())
              .catch(() => ''),
          { timeout: 60_000 },
        )
        .toMatch(/^Hello from shop\//)
        .then(() => fetch(`http://127.0.0.1:${local}/hello`).then((r) => r.text()));
      return /Hello from shop\/(\S+),/.exec(text)![1];
    };
    const palette = async (query: string) => {
      await page.keyboard.press('Control+k');
      await page.getByTestId('palette-input').waitFor();
      await page.keyboard.type(query);
    };
    // Clicked, not reached with arrow keys: the list changes as the hits of each keystroke arrive.
    const choose = (group: string, label: string) =>
      page.locator(`[data-testid=palette-item][data-group="${group}"][data-label="${label}"]`).click({ timeout: 60_000 });

    // From the palette, in one step: the first port (80), a free local port; Forwards says where it listens.
    await page.getByTestId('nav-overview').waitFor();
    await palette('orders-web');
    await choose('Action', 'Port-forward svc/orders-web');
    expect(await page.locator('[data-view]').getAttribute('data-view')).toBe('forwards');
    const result = page.getByTestId('quick-forward-result');
    await result.waitFor({ timeout: 30_000 });
    const quick = Number(await page.getByTestId('quick-forward').getAttribute('data-local-port'));
    expect(quick).toBeGreaterThan(1023);
    expect(await result.innerText()).toContain(
      `Forwarding svc/shop/orders-web port 80: listening on 127.0.0.1:${quick} (http://127.0.0.1:${quick})`,
    );
    expect(ready).toContain(await answerFrom(quick));
    const quickRow = page.locator(`[data-testid=forward-row][data-local-port="${quick}"]`);
    await expect
      .poll(() => quickRow.getByTestId('forward-connections').innerText(), { timeout: 10_000 })
      .toMatch(/^0 open · [2-9]\d* total/);
    expect(await quickRow.innerText()).toContain('svc/shop/orders-web');
    expect(await quickRow.innerText()).toContain(`127.0.0.1:${quick} → 80`);
    await screenshot(page, 'portforward-palette');

    // From the drawer (the object's palette hit): another port chosen by hand.
    await palette('orders-web');
    await choose('Service', 'orders-web');
    expect(await page.locator('[data-view]').getAttribute('data-view')).toBe('resources');
    const panel = page.getByTestId('portforward-panel');
    await expect.poll(() => panel.getByTestId('forward-remote').inputValue(), { timeout: 30_000 }).toBe('80');
    await panel.getByTestId('forward-remote').selectOption('81');
    await panel.getByTestId('forward-start').click();
    const mine = panel.locator(`[data-testid=forward-mine]:not([data-local-port="${quick}"])`);
    await expect.poll(() => mine.count(), { timeout: 30_000 }).toBe(1);
    const local = Number(await mine.getAttribute('data-local-port'));
    expect(local).toBeGreaterThan(0);
    expect(local).not.toBe(quick);
    await screenshot(page, 'portforward-drawer');
    expect(ready).toContain(await answerFrom(local));

    await panel.getByTestId('forwards-open').click();
    const row = page.locator(`[data-testid=forward-row][data-local-port="${local}"]`);
    await expect.poll(() => row.getByTestId('forward-connections').innerText(), { timeout: 10_000 }).toMatch(/^0 open · [2-9]\d* total/);
    expect(await row.getByTestId('forward-state').innerText()).toBe('forwarding');
    expect(await row.innerText()).toContain(`127.0.0.1:${local} → 81`);
    expect(await row.getByTestId('forward-pod').innerText()).toMatch(/^orders-uat-/);
    await expect.poll(() => row.getByTestId('forward-bytes').innerText()).toMatch(/↓ \d+ B/);
    await screenshot(page, 'portforward-list');

    await row.getByTestId('forward-stop').click();
    await quickRow.getByTestId('forward-stop').click();
    await expect.poll(() => page.getByTestId('forward-row').count(), { timeout: 10_000 }).toBe(0);
    await expect(fetch(`http://127.0.0.1:${local}/hello`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${quick}/hello`)).rejects.toThrow();
    await screenshot(page, 'portforward-stopped');
  });

  it('a shell into a crash-looping container says why and offers previous logs and a debug container, whose shell then runs', async () => {
    const podJson = async () =>
      JSON.parse(await kubectl(kubeconfig, 'fat', '-n', 'shop', 'get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json'))
        .items[0];
    // Wait for a long back-off (restart 2 or later: 10 s at this clock), so the container stays down while we look.
    const pod = await expect
      .poll(
        async () => {
          const p = await podJson();
          const st = p.status.containerStatuses?.[0];
          return st?.state.waiting?.reason === 'CrashLoopBackOff' && st.restartCount >= 2 ? p.metadata.name : '';
        },
        { timeout: 90_000, interval: 250 },
      )
      .not.toBe('')
      .then(async () => (await podJson()).metadata.name as string);

    await page.getByTestId('nav-logs').click();
    await page.getByTestId('tab-new').click();
    await page.getByTestId('log-new-kind').selectOption('pod');
    await page.getByTestId('log-new-name').fill(pod);
    await page.getByTestId('log-new-shell').click();
    const explain = page.locator('[data-testid=shell-explain]:visible');
    await expect.poll(() => explain.count(), { timeout: 20_000 }).toBe(1);
    const st = (await podJson()).status.containerStatuses[0];
    expect(await explain.innerText()).not.toContain('Unexpected answer');
    expect(await explain.getByRole('heading').innerText()).toMatch(
      /^No shell: Container search is not running: waiting \(CrashLoopBackOff\), \d+ restarts; last exit code \d+ \(Error\)\.$/,
    );
    expect(Number(await explain.getByTestId('explain-restarts').innerText())).toBeGreaterThanOrEqual(2);
    expect(await explain.getByTestId('explain-last').innerText()).toContain(`exit code ${st.lastState.terminated.exitCode} (Error)`);
    await screenshot(page, 'shell-not-running-explained');

    // Previous logs open in a tab of their own; back to the shell tab for the debug container.
    await explain.getByTestId('explain-previous-logs').click();
    await expect.poll(() => page.locator('[data-testid=tab-logs][aria-selected=true]').innerText()).toContain('(previous)');
    await page.locator('[data-testid=tab-shell]').first().click();

    await explain.getByTestId('explain-debug').click();
    await expect
      .poll(() => page.locator('[data-testid=tab-shell][aria-selected=true]').innerText(), { timeout: 60_000 })
      .toContain('(debug)');
    await expect.poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 20_000 }).toContain('connected');
    const spec = (await podJson()).spec.ephemeralContainers as {
      name: string;
      image: string;
      targetContainerName: string;
      stdin: boolean;
      tty: boolean;
    }[];
    expect(spec).toEqual([expect.objectContaining({ image: 'busybox:1.36', targetContainerName: 'search', stdin: true, tty: true })]);
    await page.locator('[data-testid=shell-term]:visible').click();
    await page.keyboard.type('hostname\r');
    await expect.poll(() => terminalText(page, 'shell-term'), { timeout: 10_000 }).toContain(pod);
    await screenshot(page, 'shell-debug-container');
    await page.keyboard.type('exit\r');
    await expect
      .poll(async () => (await podJson()).status.ephemeralContainerStatuses?.[0]?.state.terminated?.reason, { timeout: 20_000 })
      .toBe('Completed');
  });
  it('a shell into a distroless container (no sh in the image) offers a debug container instead; Debug in the pod drawer opens one directly', async () => {
    await kubectlCreate(kubeconfig, 'uat', dir, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'e2e-distroless', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'gcr.io/distroless/java17-debian12:nonroot', ports: [{ containerPort: 8080 }] }] },
    });
    await expect
      .poll(
        () => kubectlJsonpath(kubeconfig, 'uat', 'shop', 'pod/e2e-distroless', '{.status.containerStatuses[0].state.running.startedAt}'),
        { timeout: 60_000 },
      )
      .not.toBe('');
    await page.getByTestId('nav-logs').click();
    await page.getByTestId('tab-new').click();
    await page.getByTestId('log-new-kind').selectOption('pod');
    await page.getByTestId('log-new-name').fill('e2e-distroless');
    await page.getByTestId('log-new-shell').click();
    const explain = page.locator('[data-testid=shell-explain]:visible');
    await expect.poll(() => explain.count(), { timeout: 20_000 }).toBe(1);
    expect(await explain.getByRole('heading').innerText()).toBe(
      'No shell: Container app is running, but its image has no sh (a distroless image?). A debug container shares its processes and brings a shell.',
    );
    expect(await explain.getByTestId('explain-previous-logs').count()).toBe(0);
    await explain.getByTestId('debug-image').fill('busybox:1.37');
    await explain.getByTestId('explain-debug').click();
    await expect.poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 60_000 }).toContain('connected');
    await page.locator('[data-testid=shell-term]:visible').click();
    await page.keyboard.type('hostname\r');
    await expect.poll(() => terminalText(page, 'shell-term'), { timeout: 10_000 }).toContain('e2e-distroless');
    const spec = JSON.parse(await kubectl(kubeconfig, 'uat', '-n', 'shop', 'get', 'pod', 'e2e-distroless', '-o', 'json')).spec
      .ephemeralContainers;
    expect(spec).toEqual([expect.objectContaining({ image: 'busybox:1.37', targetContainerName: 'app' })]);
    await screenshot(page, 'shell-distroless-debug');

    // The image is remembered for the cluster (main's settings): another shell's explanation offers it.
    await page.getByTestId('tab-new').click();
    await page.getByTestId('log-new-kind').selectOption('pod');
    await page.getByTestId('log-new-name').fill('e2e-distroless');
    await page.getByTestId('log-new-shell').click();
    await expect.poll(() => explain.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => explain.getByTestId('debug-image').inputValue(), { timeout: 10_000 }).toBe('busybox:1.37');

    // Straight from the pod's drawer in Workloads: Debug starts a container (the remembered image) and opens its shell.
    await page.getByTestId('nav-workloads').click();
    await page.getByTestId('tab-pod').click();
    await page.getByTestId('filter-text').fill('e2e-distroless');
    const table = page.getByTestId('pods-table');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 30_000 }).toBe(1);
    await table.getByTestId('table-row').first().click();
    const debugButton = page.getByTestId('detail-drawer').getByTestId('drawer-open-debug');
    await expect.poll(() => debugButton.getAttribute('title'), { timeout: 10_000 }).toContain('(busybox:1.37)');
    await debugButton.click();
    await expect
      .poll(() => page.locator('[data-testid=tab-debug][aria-selected=true]').innerText(), { timeout: 10_000 })
      .toContain('e2e-distroless/app (debug)');
    await expect.poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 60_000 }).toContain('connected');
    await page.locator('[data-testid=shell-term]:visible').click();
    await page.keyboard.type('echo from-the-drawer\r');
    await expect.poll(() => terminalText(page, 'shell-term'), { timeout: 10_000 }).toContain('from-the-drawer\n');
    const both = JSON.parse(await kubectl(kubeconfig, 'uat', '-n', 'shop', 'get', 'pod', 'e2e-distroless', '-o', 'json')).spec
      .ephemeralContainers;
    expect(both).toHaveLength(2);
    expect(both[1]).toMatchObject({ image: 'busybox:1.37', targetContainerName: 'app', stdin: true, tty: true });
  });
});
