/**
 * What the log benchmarks share: the app in browser mode (services + bridge) with Chromium on it,
 * a log view opened through the UI, the viewer's received-line counter; and `kubectl logs -f`'s
 * lines/s as the reference client.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from '../src-main/app/server';
import { benchServerOptions } from './server-options';
import { launchChromium } from '../test/e2e/browser';

/** `kubectl logs -f <args>` lines/s on stdout, counted from `warmupMs` after the first line, for `seconds`. */
export function kubectlFollowRate(kubeconfig: string, args: string[], seconds: number, warmupMs = 0): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', 'pro-east', '-n', 'shop', 'logs', '-f', '--tail=0', ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let lines = 0;
    let start = 0;
    let atStart = 0;
    child.stdout.on('data', (d: Buffer) => {
      if (!start) {
        start = performance.now() + warmupMs;
        setTimeout(() => {
          atStart = lines;
          setTimeout(() => {
            child.kill();
            resolve(Math.round(((lines - atStart) * 1000) / (performance.now() - start)));
          }, seconds * 1000);
        }, warmupMs);
      }
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
  });
}

export async function openLogViewer(kubeconfig: string, dir: string) {
  const server = await startServer(benchServerOptions(kubeconfig, dir));
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.url);
  /**
   * A new log tab on a pod or a Deployment of pro-east/shop; returns the view's id. `fromServer`:
   * the id is the new view main opened for the page (a page flooded with lines may answer late).
   */
  const open = async (kind: 'pod' | 'deployment', name: string, fromServer = false) => {
    const before = new Set(server.services.logs.viewIds('ws-1'));
    await page.getByTestId('nav-logs').click();
    await page.getByTestId('tab-new').click();
    await page.getByTestId('log-new-kind').selectOption(kind);
    await page.getByTestId('log-new-namespace').fill('shop');
    await page.getByTestId('log-new-name').fill(name);
    await page.getByTestId('log-new-open').click();
    if (fromServer) {
      for (let i = 0; i < 600; i++) {
        const id = server.services.logs.viewIds('ws-1').find((v) => !before.has(v));
        if (id) return id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no log view opened for ${kind} ${name} within 60 s`);
    }
    const tab = page.locator('[data-testid^=log-tab-]:visible');
    await tab.waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
      await page.screenshot({ path: join(dir, '..', 'capstan-bench-log-viewer-failed.png') }).catch(() => {});
      throw e;
    });
    return (await tab.getAttribute('data-testid'))!.slice('log-tab-'.length);
  };
  /** Lines the visible viewer has written into xterm (-1 while the page does not answer). */
  const received = async () =>
    Number(
      await page
        .locator('[data-testid=log-received]:visible')
        .getAttribute('data-value', { timeout: 5000 })
        .catch(() => '-1'),
    );
  const view = (viewId: string) => server.services.logs.view('ws-1', viewId);
  const close = async () => {
    await browser.close();
    await server.close();
  };
  return { server, page, open, received, view, close };
}
