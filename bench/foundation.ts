/**
 * The foundation's figures (kubeconfig, clusters, workloads) against the sandbox at 50,000 pods over 4 clusters (scale 500), all in one run:
 *  - connect → every cluster synced, against the sum of `kubectl get pods -A -o json` per cluster;
 *  - peak RSS of the main-process services;
 *  - main CPU idle (every service: the worst of 5 consecutive 20 s windows, since the budget holds
 *    for every window and a paced metrics round comes about once a minute), and under 200 pod
 *    changes per second, with renderer deliveries per second.
 * The sandbox and our services each run in their own process so neither is charged for the other.
 * Our services run as an esbuild bundle with plain node, as the shipped main process does (our code
 * bundled, packages external); the sandbox runs with tsx (it is not measured). Idle is measured with
 * the sandbox's clock frozen (nothing changes at all), and again with it running (crash-looping
 * pods restarting, OOM kills: the changes a real cluster makes on its own).
 */
import { execFile } from 'node:child_process';
import { Child, bundleScript } from './child';

/**
 * The V8 young generation the shipped main process has. Electron builds V8 with pointer
 * compression, where the semi-space cap defaults to 32 MB (`node --v8-options`:
 * scavenger-max-new-space-capacity-mb=32, doubled without pointer compression); plain Node doubles
 * it to 64 MB, which let young garbage (and the native buffers it holds) reach 134 MB of new space
 * at 50,000 pods. `npm run serve` passes the same flag (package.json), so serve, Electron and this
 * bench run our services with the same young generation. Electron's main process cannot be given
 * V8 flags at run time (app.commandLine.appendSwitch('js-flags') only reaches renderers).
 */
export const MAIN_PROCESS_NODE_FLAGS = ['--max-semi-space-size=32'];

const timeKubectl = (kubeconfig: string, context: string) =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now();
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--context', context, 'get', 'pods', '-A', '-o', 'json'],
      { maxBuffer: 1 << 30 },
      (error) => (error ? reject(error) : resolve(performance.now() - t)),
    );
  });

export async function run(opts: { scale?: number; churnPerSecond?: number; measureSeconds?: number; idleWindows?: number } = {}) {
  const scale = opts.scale ?? 500;
  const churn = opts.churnPerSecond ?? 200;
  const seconds = opts.measureSeconds ?? 20;
  const idleWindows = opts.idleWindows ?? 5;
  const servicesBundle = await bundleScript('services-process.ts');
  const sandbox = new Child('sandbox-process.ts', [String(scale)]);
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ');
    const pods = Number(podsText);
    const contexts = ['fat', 'uat', 'pro-east', 'pro-west'];
    const kubectlMs: Record<string, number> = {};
    for (const c of contexts) kubectlMs[c] = Math.round(await timeKubectl(kubeconfig!, c));
    const kubectlSum = Object.values(kubectlMs).reduce((a, b) => a + b, 0);

    // One services process, from connect to churn; `only` = 'foundation' builds just the foundation.
    const measureServices = async (only?: 'foundation') => {
      const services = new Child(servicesBundle, [kubeconfig!, String(pods), ...(only ? [only] : [])], {
        bundled: true,
        // SERVICES_NODE_ARGS: diagnostics only (e.g. --trace-gc --trace-memory-reducer), not for figures.
        nodeArgs: [...MAIN_PROCESS_NODE_FLAGS, ...(process.env.SERVICES_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
      });
      try {
        const syncMs = Number((await services.waitFor(/^synced /)).split(' ')[1]);
        await new Promise((r) => setTimeout(r, 3000)); // let the initial flushes settle
        // Start-up is over once metrics has done its warm-up round and the first round the pacing
        // judges by (10 s later, full price at 50,000 containers): idle is what comes after.
        // (Before the launch gate these two ran at 0 and 10 s, before a 7–9 s sync's windows began;
        // now they start ~2 s after the first screen and one could land in the first window.)
        for (const end = Date.now() + 60_000; !only && Date.now() < end;) {
          services.send('rounds');
          if (Number((await services.waitFor(/^rounds /)).split(' ')[1]) >= 2) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        // `idle`: the harness's RSS sampler pauses for the window (services-process.ts).
        const measure = async (idle = false) => {
          services.send(`measure ${seconds}${idle ? ' idle' : ''}`);
          return JSON.parse(await services.waitFor(/^\{/)) as Record<string, number>;
        };
        sandbox.send('freeze');
        await new Promise((r) => setTimeout(r, 1000)); // changes already on the wire arrive
        // Idle is judged per 20 s window: consecutive windows over more than a paced metrics
        // interval (a minute or so at 50,000 pods), the worst one reported.
        // IDLE_PROFILE=<dir>: a CPU profile of each idle window there (diagnostics, as in idle-windows.ts).
        const profileDir = only ? undefined : process.env.IDLE_PROFILE;
        const windows: Record<string, number>[] = [];
        for (let i = 0; i < (only ? 1 : idleWindows); i++) {
          windows.push(await services.profiled(profileDir && `${profileDir}/window-${i}.cpuprofile`, () => measure(true)));
        }
        const idle: Record<string, number> = { ...windows[0]!, cpuPercentOfCore: Math.max(...windows.map((w) => w.cpuPercentOfCore!)) };
        const idleWindowsCpu = windows.map((w) => w.cpuPercentOfCore!);
        const idleWindowsMajorGcs = windows.map((w) => w.majorGcs!);
        sandbox.send('thaw');
        const idleLive = only ? undefined : await measure();
        sandbox.send(`churn ${churn}`);
        await new Promise((r) => setTimeout(r, 2000));
        const busy = await measure();
        sandbox.send('calm');
        return { syncMs, idle, idleWindowsCpu, idleWindowsMajorGcs, idleLive, busy };
      } finally {
        await services.stop();
      }
    };
    const all = await measureServices();
    const foundation = await measureServices('foundation');
    const { syncMs, idle, busy } = all;
    const idleLive = all.idleLive!;
    return {
      pods,
      clusters: contexts.length,
      servicesRunAs: `esbuild bundle of bench/services-process.ts (our code bundled, node_modules external, as electron-vite builds main), run with node ${process.version} ${MAIN_PROCESS_NODE_FLAGS.join(' ')} (Electron's main-process young generation; npm run serve uses it too), no tsx`,
      services: 'every service of the composition root (clusters, workloads, metrics, logs, exec, releases, images, vault)',
      syncMs,
      kubectlGetPodsAllMs: kubectlMs,
      kubectlSumMs: kubectlSum,
      syncVsKubectl: Math.round((syncMs / kubectlSum) * 100) / 100,
      targetSyncVsKubectl: 1.0,
      peakRssMB: busy.peakRssMB,
      targetPeakRssMB: 300,
      steadyRssMB: idle.rssMB,
      steadyHeapUsedMB: idle.heapUsedMB,
      steadyArrayBuffersMB: idle.arrayBuffersMB,
      idle: {
        sandbox: 'frozen (nothing changes)',
        cpuPercentOfCore: idle.cpuPercentOfCore,
        windowsCpuPercentOfCore: all.idleWindowsCpu,
        windowsMajorGcs: all.idleWindowsMajorGcs,
        note: `the worst of ${idleWindows} consecutive ${seconds} s windows`,
        metricsIntervalMs: idle.metricsIntervalMs,
        metricsRounds: idle.metricsRounds,
        metricsCpuMsPerRound: idle.metricsCpuMsPerRound,
        deliveriesPerSecond: idle.deliveriesPerSecond,
        itemsPerSecond: idle.itemsPerSecond,
      },
      targetIdleCpuPercent: 1,
      idleSandboxLive: {
        sandbox: 'running (its crash loops, OOM kills and restarts)',
        cpuPercentOfCore: idleLive.cpuPercentOfCore,
        deliveriesPerSecond: idleLive.deliveriesPerSecond,
        itemsPerSecond: idleLive.itemsPerSecond,
      },
      churn: {
        podChangesPerSecond: churn,
        cpuPercentOfCore: busy.cpuPercentOfCore,
        rendererDeliveriesPerSecond: busy.deliveriesPerSecond,
        itemsPerSecond: busy.itemsPerSecond,
      },
      targetChurnCpuPercent: 25,
      foundationOnly: {
        services: 'kubeconfig, clusters, workloads only (the foundation), same sandbox, measured after the run above',
        syncMs: foundation.syncMs,
        syncVsKubectl: Math.round((foundation.syncMs / kubectlSum) * 100) / 100,
        peakRssMB: foundation.busy.peakRssMB,
        steadyRssMB: foundation.idle.rssMB,
        steadyHeapUsedMB: foundation.idle.heapUsedMB,
        idleCpuPercentOfCore: foundation.idle.cpuPercentOfCore,
        churnCpuPercentOfCore: foundation.busy.cpuPercentOfCore,
        churnRendererDeliveriesPerSecond: foundation.busy.deliveriesPerSecond,
      },
    };
  } finally {
    await sandbox.stop();
  }
}
