/**
 * The release board's figures, end to end: the sandbox (own process) serves a generated scenario of
 * 500 apps × FAT/UAT/PRO across fat, uat, pro-east and pro-west at scale 4 (2,000 Deployments,
 * 50,000 pods); Capstan's services run in browser mode in this process (startServer, as shipped
 * minus Electron) and the board is opened in Chromium.
 *  - first full board: from opening the app to every row on the board with every pod counted
 *    (the page's MutationObserver on the board's data-rows / data-pods), with the moment main had
 *    every pod and the CPU seconds each process spent meanwhile; then the board re-opened with the
 *    data already in the renderer;
 *  - pod change → cell: a pod's container restarts in the sandbox (restartCount + 1 through the
 *    object store, so a real watch event), and the page times the line's data-restarts reaching
 *    the new value (MutationObserver; plus the next animation frame), p50/p95 over 50 changes, the
 *    row scrolled into view first as a person looking at it would; then 30 more while 100 other
 *    pods change per second (the batching intervals of main and of the renderer's bridge show);
 *  - renderer memory: JS heap (DevTools Performance.getMetrics, after a GC) and the renderer
 *    process (/proc: RSS, PSS, private), DOM elements;
 *  - reference, same run: `kubectl get deployments|pods -A -o json` of the four clusters in
 *    parallel (what fetching the board's data takes kubectl), and `kubectl get pods -A -w` seeing
 *    the same pod changes.
 * `RELEASES_BENCH_MAIN_FLUSH_MS=100 npm run bench -- releases` tries another delivery interval for
 * main's WorkloadService (default: what ships, 100 ms); the result names it.
 * Board screenshots (light and dark) go to test-results/screenshots/releases-board-500-*.png.
 * The board model alone, in Node, is in `model` (bench/releases-model.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../src-main/app/server';
import { benchServerOptions } from './server-options';
import { generateScenario } from '../src-sandbox/scenario-generator';
import { launchChromium, screenshotDir } from '../test/e2e/browser';
import { Child } from './child';
import { relaunch } from './launch';
import { CLUSTERS, kubectlLists } from './kubectl-lists';
import { chromiumRenderers, cpuByRole } from './proc-stats';
import { run as runModel } from './releases-model';
import { armCell, boardProbe, cellResult, domSize, revealRow, startFrameWatch, stopFrameWatch } from './releases-page';

const epoch = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (m: string) => process.stderr.write(`releases bench: ${m}\n`);
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms))]);
const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;
const r1 = (n: number) => Math.round(n * 10) / 10;
const stats = (xs: number[]) => ({ n: xs.length, p50: r1(pct(xs, 50)), p95: r1(pct(xs, 95)), max: r1(Math.max(...xs)) });

/** Poll a page expression (waitForFunction evaluates strings, which the app's CSP forbids). */
async function until(page: Page, expression: string, everyMs: number): Promise<void> {
  while (!(await page.evaluate(expression))) await sleep(everyMs);
}

const PLACEMENTS: [group: string, cluster: string][] = [
  ['fat', 'fat'],
  ['uat', 'uat'],
  ['pro', 'pro-east'],
  ['pro', 'pro-west'],
];

/** `kubectl get pods -A -w --watch-only -o name` per cluster: when each pod name is printed. */
function kubectlWatches(kubeconfig: string) {
  const seen = new Map<string, number[]>();
  const children = CLUSTERS.map((ctx) => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--context', ctx, 'get', 'pods', '-A', '-w', '--watch-only', '-o', 'name'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      const at = epoch();
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const k = `${ctx}/${l.trim().replace(/^pod\//, '')}`;
        const list = seen.get(k);
        if (list) list.push(at);
        else seen.set(k, [at]);
      }
    });
    return child;
  });
  return {
    /** When kubectl printed the pod after `after`, waiting up to `ms`. */
    async seenAfter(key: string, after: number, ms = 5000): Promise<number | undefined> {
      const end = Date.now() + ms;
      for (;;) {
        const t = seen.get(key)?.find((x) => x >= after);
        if (t !== undefined || Date.now() > end) return t;
        await sleep(20);
      }
    },
    stop: () => children.forEach((c) => c.kill()),
  };
}

export async function run(opts: { apps?: number; scale?: number; changes?: number; churnChanges?: number; churnPerSecond?: number } = {}) {
  const apps = opts.apps ?? 500;
  const scale = opts.scale ?? 4;
  const changeCount = opts.changes ?? 50;
  const churnChanges = opts.churnChanges ?? 30;
  const churnPerSecond = opts.churnPerSecond ?? 100;
  const mainFlushMs = Number(process.env.RELEASES_BENCH_MAIN_FLUSH_MS) || undefined;
  progress('board model in Node');
  const model = await runModel({ apps });

  progress(`starting the sandbox (${apps} apps, scale ${scale})`);
  const sandbox = new Child('releases-sandbox-process.ts', [String(apps), String(scale)]);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-releases-'));
  try {
    const [, kubeconfig, podsText, deploymentsText] = (await sandbox.waitFor(/^ready /)).split(' ') as [string, string, string, string];
    const pods = Number(podsText);
    const deployments = Number(deploymentsText);
    // Nothing changes in the datacenter from here on unless the bench says so.
    sandbox.send('freeze');
    await sandbox.waitFor(/^frozen/);

    progress('reference: kubectl get deployments / pods -A -o json, four clusters in parallel');
    const kubectlDeployments = await kubectlLists(kubeconfig, 'deployments');
    const kubectlPods = await kubectlLists(kubeconfig, 'pods');

    const serverOptions = {
      ...(mainFlushMs ? { services: { workloads: { flushIntervalMs: mainFlushMs } } } : {}),
      ...benchServerOptions(kubeconfig, dir),
    };
    const server = await startServer(serverOptions);
    const browser = await launchChromium();
    const watches = kubectlWatches(kubeconfig);
    try {
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.addInitScript(boardProbe({ rows: apps, pods }));

      progress('first full board');
      const mainPods = () =>
        server.services.clusters.ids().reduce((n, id) => n + (server.services.clusters.workloads(id)?.counts().pods ?? 0), 0);
      let mainSyncedAt = 0;
      const syncPoll = setInterval(() => {
        if (!mainSyncedAt && mainPods() >= pods) mainSyncedAt = epoch();
      }, 20);
      const cpu0 = cpuByRole({ sandbox: sandbox.pid });
      const t0 = epoch();
      await page.goto(server.url);
      await page.getByTestId('nav-releases').click({ timeout: 180_000 });
      await within(until(page, 'window.__boardProbe && window.__boardProbe.fullFrameAt > 0', 250), 600_000, 'the first full board');
      clearInterval(syncPoll);
      const cpu1 = cpuByRole({ sandbox: sandbox.pid });
      const first = (await page.evaluate('window.__boardProbe')) as { firstRowsAt: number; fullAt: number; fullFrameAt: number };
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      /** JS heap in use after a full GC, MB: taken after each phase, it shows whether the renderer keeps what it no longer needs. */
      const heapAfterGc = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return Math.round(((await metric()).JSHeapUsedSize ?? 0) / 2 ** 20);
      };
      const heapAfterFirstBoard = await heapAfterGc();

      // The board again with everything already in the renderer: what opening the tab costs.
      await sleep(2000);
      await page.getByTestId('rel-tab-planner').click();
      await sleep(1000);
      await page.evaluate('window.__armBoard()');
      const reopenT0 = epoch();
      await page.getByTestId('rel-tab-board').click();
      await within(until(page, 'window.__boardProbe.fullFrameAt > 0', 100), 120_000, 'the re-opened board');
      const reopen = (await page.evaluate('window.__boardProbe')) as { fullAt: number; fullFrameAt: number };
      await sleep(2000);

      const order = generateScenario({ apps })
        .apps.map((a) => ({ app: a.name, namespace: a.namespace }))
        .sort((a, b) => a.app.localeCompare(b.app));
      /** `count` restarts, each timed from the sandbox's write to the cell in the DOM (and to kubectl -w). */
      const podChanges = async (count: number, offset: number) => {
        const domMs: number[] = [];
        const frameMs: number[] = [];
        const arrivedMs: number[] = [];
        const kubectlMs: number[] = [];
        let missed = 0;
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        await page.evaluate(startFrameWatch);
        for (let i = offset; i < offset + count; i++) {
          const at = (i * 7919 + 13) % order.length;
          const { app, namespace } = order[at]!;
          const [group, cluster] = PLACEMENTS[i % PLACEMENTS.length]!;
          const name = `${app}-${group}`;
          const key = `${cluster}/${namespace}/${name}`;
          if (!(await page.evaluate(revealRow(app, at / order.length)))) throw new Error(`the board never rendered the row of ${app}`);
          await sleep(300);
          sandbox.send(`peek ${cluster} ${namespace} ${name}`);
          const [, beforeText, next] = (await sandbox.waitFor(/^restarts /)).split(' ') as [string, string, string];
          const before = Number(beforeText);
          await page.evaluate(armCell(key, before + 1, next, 30_000));
          sandbox.send(`restart ${cluster} ${namespace} ${name}`);
          const [, changedAtText, total, pod] = (await sandbox.waitFor(/^(changed|error) /)).split(' ') as [string, string, string, string];
          if (Number(total) !== before + 1 || pod !== next)
            throw new Error(`sandbox restarted ${key} (${pod}) to ${total}, expected ${next} to ${before + 1}`);
          const changedAt = Number(changedAtText);
          const seen = (await page.evaluate(cellResult)) as { dom: number; frame: number; arrived: number } | null;
          if (seen) {
            domMs.push(seen.dom - changedAt);
            frameMs.push(seen.frame - changedAt);
            if (seen.arrived) arrivedMs.push(seen.arrived - changedAt);
          } else missed++;
          const k = await watches.seenAfter(`${cluster}/${pod}`, changedAt);
          if (k !== undefined) kubectlMs.push(k - changedAt);
          // Changes arrive at uneven times: 200-700 ms apart.
          await sleep(200 + ((i * 379) % 500));
        }
        const frames = (await page.evaluate(stopFrameWatch)) as { longestFrameMs: number; frames: number };
        loop.disable();
        return {
          dom: stats(domMs),
          nextFrame: stats(frameMs),
          // Where the time goes: until the bridge message is in the page (main's batching + transport), then the renderer.
          inPage: stats(arrivedMs),
          missed,
          longestFrameMs: frames.longestFrameMs,
          servicesEventLoopDelayMs: { p99: r1(loop.percentile(99) / 1e6), max: r1(loop.max / 1e6) },
          kubectlWatch: stats(kubectlMs),
        };
      };
      progress(`${changeCount} pod changes, nothing else changing`);
      const quiet = await podChanges(changeCount, 0);
      const heapAfterQuiet = await heapAfterGc();
      progress(`${churnChanges} pod changes while ${churnPerSecond} other pods change per second`);
      sandbox.send(`churn ${churnPerSecond}`);
      await sleep(3000);
      const busy = await podChanges(churnChanges, changeCount);
      sandbox.send('calm');
      await sleep(2000);

      progress('memory');
      const before = await metric();
      await cdp.send('HeapProfiler.collectGarbage');
      const after = await metric();
      const renderers = chromiumRenderers();
      const elements = Number(await page.evaluate(domSize));

      progress('screenshots');
      mkdirSync(screenshotDir, { recursive: true });
      await page.evaluate(`document.querySelector('[data-testid=board-scroll]').scrollTop = 0`);
      await sleep(500);
      await page.screenshot({ path: join(screenshotDir, 'releases-board-500-light.png') });
      await page
        .getByTestId('theme-dark')
        .click()
        .catch(() => undefined);
      await sleep(500);
      await page.screenshot({ path: join(screenshotDir, 'releases-board-500-dark.png') });
      await page
        .getByTestId('theme-system')
        .click()
        .catch(() => undefined);

      progress('launch with the saved snapshot: last known board, then live');
      await server.services.releases.snapshots.refresh();
      await server.close();
      const launch = await relaunch(browser, kubeconfig, serverOptions.userDataDir, { rows: apps, pods });

      const mb = (b: number) => Math.round(b / 2 ** 20);
      const firstBoardMs = Math.round(first.fullFrameAt - t0);
      const renderer = renderers[0];
      return {
        shape: {
          apps,
          groups: ['fat', 'uat', 'pro'],
          clusters: CLUSTERS,
          deployments,
          pods,
          scale,
          mainDeliveryIntervalMs: mainFlushMs ?? 'default (200)',
        },
        firstBoard: {
          ms: firstBoardMs,
          mainHadEveryPodMs: mainSyncedAt ? Math.round(mainSyncedAt - t0) : null,
          firstRowsMs: Math.round(first.firstRowsAt - t0),
          fullInDomMs: Math.round(first.fullAt - t0),
          reopenedMs: Math.round(reopen.fullFrameAt - reopenT0),
          cpuSeconds: Object.fromEntries(
            Object.entries(cpu1)
              .map(([k, v]) => [k, r1(v - (cpu0[k] ?? 0))])
              .filter(([, v]) => Number(v) > 0),
          ),
          note: 'from page.goto of the app (services not yet connected) to the frame after every row and pod is on the board; reopened = board tab clicked again with the data in the renderer; cpuSeconds over the first board by process (services = this process, with the playwright driver)',
        },
        podChangeToCellMs: {
          quiet: (({ kubectlWatch: _k, ...r }) => r)(quiet),
          [`churn${churnPerSecond}PerSecond`]: (({ kubectlWatch: _k, ...r }) => r)(busy),
          target: { p95: 200 },
          note: "sandbox store write → the line's data-restarts in the DOM (MutationObserver) / the next animation frame / the bridge message with the pod in the page; row scrolled into view first",
        },
        rendererMemoryMB: {
          jsHeapUsed: mb(after.JSHeapUsedSize ?? 0),
          jsHeapTotal: mb(after.JSHeapTotalSize ?? 0),
          jsHeapUsedBeforeGc: mb(before.JSHeapUsedSize ?? 0),
          jsHeapAfterGcByPhase: { firstBoard: heapAfterFirstBoard, quietChanges: heapAfterQuiet, churn: mb(after.JSHeapUsedSize ?? 0) },
          process: renderer ? { rss: renderer.rssMB, pss: renderer.pssMB, private: renderer.privateMB } : null,
          rendererProcesses: renderers.length,
          domNodes: after.Nodes ?? null,
          elements,
          target: 250,
          note: "process = the largest of Chromium's renderer processes (the app's page): private = pages only it uses (what Chrome calls its memory footprint; the figure for the target), PSS adds its share of shared pages, RSS counts shared libraries in full",
        },
        launch: {
          ...launch,
          lastKnownBoardVsKubectlGetPods: Math.round((launch.lastKnownBoardMs / kubectlPods.wallMs) * 100) / 100,
          liveBoardVsKubectlGetPods: r1(launch.liveBoardMs / kubectlPods.wallMs),
          target: { lastKnownBoardMs: 1000 },
          note: 'services restarted in their own process on the same data folder (the snapshot saved by the run above), a new page: from spawning that process to the frame with every row on the board from the snapshot (marked stale), then to the frame with every row and pod live; the reference is kubectl get pods -A -o json of the four clusters in parallel, measured at the start of this run',
        },
        reference: {
          kubectlGetDeploymentsJson: kubectlDeployments,
          kubectlGetPodsJson: kubectlPods,
          kubectlWatchPodChangeMs: { quiet: quiet.kubectlWatch, churn: busy.kubectlWatch },
          firstBoardVsKubectlGetPods: r1(firstBoardMs / kubectlPods.wallMs),
          cellP95VsKubectlWatchP95: { quiet: r1(quiet.dom.p95 / quiet.kubectlWatch.p95), churn: r1(busy.dom.p95 / busy.kubectlWatch.p95) },
        },
        model,
        screenshots: ['releases-board-500-light.png', 'releases-board-500-dark.png'].map((f) => join(screenshotDir, f)),
      };
    } finally {
      watches.stop();
      await browser.close();
      await server.close();
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
