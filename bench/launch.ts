/**
 * Launch → last known board, broken down (`npm run bench -- launch`; `releases` measures it too,
 * after its board figures). The sandbox (own process) serves 500 apps × FAT/UAT/PRO over four
 * clusters at scale 4 (2,000 Deployments, 50,000 pods), frozen. A first run of the services syncs
 * every cluster and saves the release snapshot; then the services start again on the same data
 * folder, a new page opens the app and the board, and the page records each step:
 *   services started → HTML received → the app's script running → WebSocket open → first message
 *   → first message with Deployments (the snapshot) → load → board tab clicked (by the page, in
 *   the frame after the button is painted) → every row of the last known board (marked stale) in a
 *   frame → the live board (every row and pod, nothing stale).
 * Times from spawning the services' process (modules loaded, as a launch has it).
 * Reference, same run: `kubectl get pods -A -o json` of the four clusters in parallel.
 * LAUNCH_RUNS (default 3) relaunches; LAUNCH_NO_KUBECTL=1 skips the reference (quick looks);
 * LAUNCH_PROFILE=file saves the page's CPU profile; LAUNCH_SERVICES_NODE_ARGS adds node flags to
 * the services' process (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRendererDir, startServer, type StartServerOptions } from '../src-main/app/server';
import { benchServerOptions } from './server-options';
import { launchChromium } from '../test/e2e/browser';
import { Child, bundleScript } from './child';
import { MAIN_PROCESS_NODE_FLAGS } from './foundation';
import { launchProbe, launchTimings } from './launch-page';
import { kubectlLists } from './kubectl-lists';
import { boardProbe } from './releases-page';

const epoch = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (m: string) => process.stderr.write(`launch bench: ${m}\n`);

async function until(
  page: { evaluate(e: string): Promise<unknown> },
  expression: string,
  everyMs: number,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`${what} took over ${ms / 1000} s`);
    await sleep(everyMs);
  }
}

type Browser = Awaited<ReturnType<typeof launchChromium>>;

/**
 * One launch the next morning: the snapshot of the previous run on disk in `userDataDir`, the
 * services start in a new process (an esbuild bundle on node with Electron's main-process flags),
 * a new page opens the app and the board. Returns the figures, step by step, from the spawn.
 */
export async function relaunch(browser: Browser, kubeconfig: string, userDataDir: string, want: { rows: number; pods: number }) {
  const bundle = await bundleScript('launch-server-process.ts');
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.addInitScript(boardProbe(want));
  await page.addInitScript(launchProbe);
  const profile = process.env.LAUNCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
  if (profile) {
    await profile.send('Profiler.enable');
    await profile.send('Profiler.setSamplingInterval', { interval: 500 });
    await profile.send('Profiler.start');
  }
  const t0 = epoch();
  const services = new Child(bundle, [kubeconfig, userDataDir, defaultRendererDir()], {
    bundled: true,
    nodeArgs: [...MAIN_PROCESS_NODE_FLAGS, ...(process.env.LAUNCH_SERVICES_NODE_ARGS?.split(' ') ?? [])],
  });
  try {
    const [, url, ownMs] = (await services.waitFor(/^listening /)).split(' ') as [string, string, string];
    const servicesUpAt = epoch();
    await page.goto(url);
    const gotoAt = epoch();
    // The page clicks the board tab itself (launch-page.ts); wait for that click.
    await until(page, 'window.__launchProbe.clickAt > 0', 20, 60_000, 'the board tab click');
    await until(page, 'window.__boardProbe && window.__boardProbe.allRowsFrameAt > 0', 20, 60_000, 'the last known board');
    if (profile) {
      // LAUNCH_PROFILE=file: the page's CPU profile from before the services' start to the last known board.
      const { profile: cpu } = await profile.send('Profiler.stop');
      writeFileSync(process.env.LAUNCH_PROFILE!, JSON.stringify({ t0, ...cpu }));
    }
    const t = (await page.evaluate(launchTimings)) as {
      htmlAt: number;
      domContentLoadedAt: number;
      loadAt: number;
      appStartAt: number;
      scriptBytes: number;
      probe: {
        wsOpenAt: number;
        firstMessageAt: number;
        firstDeploymentsAt: number;
        clickAt: number;
        messagesBeforeDeployments: number;
        bytesBeforeDeployments: number;
      };
    };
    await until(page, 'window.__boardProbe.fullFrameAt > 0', 250, 600_000, 'the live board after the launch');
    const p = (await page.evaluate('window.__boardProbe')) as {
      allRowsAt: number;
      allRowsFrameAt: number;
      allRowsStale: boolean;
      fullFrameAt: number;
    };
    const ms = (at: number) => (at ? Math.round(at - t0) : null);
    return {
      lastKnownBoardMs: Math.round(p.allRowsFrameAt - t0),
      lastKnownBoardWasStale: p.allRowsStale,
      liveBoardMs: Math.round(p.fullFrameAt - t0),
      steps: {
        servicesListening: ms(servicesUpAt),
        servicesOwnStartMs: Number(ownMs),
        htmlReceived: ms(t.htmlAt),
        appScriptRunning: ms(t.appStartAt),
        domContentLoaded: ms(t.domContentLoadedAt),
        webSocketOpen: ms(t.probe.wsOpenAt),
        firstMessage: ms(t.probe.firstMessageAt),
        firstDeployments: ms(t.probe.firstDeploymentsAt),
        pageLoaded: ms(t.loadAt),
        gotoReturned: ms(gotoAt),
        boardTabClicked: ms(t.probe.clickAt),
        allRowsInDom: ms(p.allRowsAt),
        allRowsFrame: ms(p.allRowsFrameAt),
      },
      messagesBeforeDeployments: t.probe.messagesBeforeDeployments,
      kBytesBeforeDeployments: Math.round(t.probe.bytesBeforeDeployments / 1000),
      scriptKBytes: Math.round(t.scriptBytes / 1000),
    };
  } finally {
    await page.close();
    await services.stop();
  }
}

export async function run(opts: { apps?: number; scale?: number; runs?: number } = {}) {
  const apps = opts.apps ?? 500;
  const scale = opts.scale ?? 4;
  const runs = opts.runs ?? (Number(process.env.LAUNCH_RUNS) || 3);
  progress(`starting the sandbox (${apps} apps, scale ${scale})`);
  const sandbox = new Child('releases-sandbox-process.ts', [String(apps), String(scale)]);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-launch-'));
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ') as [string, string, string];
    const pods = Number(podsText);
    sandbox.send('freeze');
    await sandbox.waitFor(/^frozen/);
    const reference = process.env.LAUNCH_NO_KUBECTL
      ? null
      : (progress('reference: kubectl get pods -A -o json, four clusters in parallel'), await kubectlLists(kubeconfig, 'pods'));
    const serverOptions: StartServerOptions = benchServerOptions(kubeconfig, dir);
    progress('first run: every cluster synced, the snapshot saved');
    const server = await startServer(serverOptions);
    const stop = server.services.workloads.subscribe(undefined, () => undefined);
    const ids = () => server.services.clusters.ids();
    const t0 = Date.now();
    while (!(
      ids().length === 4 &&
      ids().every((id) => server.services.clusters.workloads(id)?.counts().pods && server.services.clusters.get(id)?.state === 'live')
    )) {
      if (Date.now() - t0 > 600_000) throw new Error('the first run did not sync within 10 min');
      await sleep(200);
    }
    stop();
    await server.services.releases.snapshots.refresh();
    await server.close();
    const browser = await launchChromium();
    const launches = [];
    try {
      for (let i = 0; i < runs; i++) {
        progress(`launch ${i + 1}/${runs}`);
        launches.push(await relaunch(browser, kubeconfig, serverOptions.userDataDir!, { rows: apps, pods }));
      }
    } finally {
      await browser.close();
    }
    const sorted = launches.map((l) => l.lastKnownBoardMs).sort((a, b) => a - b);
    return {
      shape: { apps, deployments: apps * 4, pods, clusters: 4 },
      lastKnownBoardMs: { each: launches.map((l) => l.lastKnownBoardMs), median: sorted[Math.floor(sorted.length / 2)], target: 1000 },
      liveBoardMs: launches.map((l) => l.liveBoardMs),
      launches,
      reference: reference
        ? {
            kubectlGetPodsJson: reference,
            lastKnownBoardVsKubectl: Math.round((sorted[Math.floor(sorted.length / 2)]! / reference.wallMs) * 1000) / 1000,
          }
        : 'skipped (LAUNCH_NO_KUBECTL)',
      note: 'services restarted in a new process on the same data folder, a new page each launch; times from spawning that process to each step; the last known board = the frame after every row shows from the saved snapshot, marked stale',
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
