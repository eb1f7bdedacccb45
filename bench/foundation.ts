/**
 * Issue 2's figures against the sandbox at 50,000 pods over 4 clusters (scale 500), all in one run:
 *  - connect → every cluster synced, against the sum of `kubectl get pods -A -o json` per cluster;
 *  - peak RSS of the main-process services;
 *  - main CPU idle, and under 200 pod changes per second, with renderer deliveries per second.
 * The sandbox and our services each run in their own process so neither is charged for the other.
 */
import { execFile } from 'node:child_process';
import { Child } from './child';

const timeKubectl = (kubeconfig: string, context: string) =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now();
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--context', context, 'get', 'pods', '-A', '-o', 'json'], { maxBuffer: 1 << 30 }, (error) =>
      error ? reject(error) : resolve(performance.now() - t),
    );
  });

export async function run(opts: { scale?: number; churnPerSecond?: number; measureSeconds?: number } = {}) {
  const scale = opts.scale ?? 500;
  const churn = opts.churnPerSecond ?? 200;
  const seconds = opts.measureSeconds ?? 20;
  const sandbox = new Child('sandbox-process.ts', [String(scale)]);
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ');
    const pods = Number(podsText);
    const contexts = ['fat', 'uat', 'pro-east', 'pro-west'];
    const kubectlMs: Record<string, number> = {};
    for (const c of contexts) kubectlMs[c] = Math.round(await timeKubectl(kubeconfig!, c));
    const kubectlSum = Object.values(kubectlMs).reduce((a, b) => a + b, 0);

    const services = new Child('services-process.ts', [kubeconfig!, String(pods)]);
    try {
      const syncMs = Number((await services.waitFor(/^synced /)).split(' ')[1]);
      await new Promise((r) => setTimeout(r, 3000)); // let the initial flushes settle
      services.send(`measure ${seconds}`);
      const idle = JSON.parse(await services.waitFor(/^\{/)) as Record<string, number>;
      sandbox.send(`churn ${churn}`);
      await new Promise((r) => setTimeout(r, 2000));
      services.send(`measure ${seconds}`);
      const busy = JSON.parse(await services.waitFor(/^\{/)) as Record<string, number>;
      sandbox.send('calm');
      return {
        pods,
        clusters: contexts.length,
        syncMs,
        kubectlGetPodsAllMs: kubectlMs,
        kubectlSumMs: kubectlSum,
        syncVsKubectl: Math.round((syncMs / kubectlSum) * 100) / 100,
        targetSyncVsKubectl: 1.0,
        peakRssMB: busy.peakRssMB,
        targetPeakRssMB: 300,
        idle: { cpuPercentOfCore: idle.cpuPercentOfCore, deliveriesPerSecond: idle.deliveriesPerSecond },
        targetIdleCpuPercent: 1,
        churn: { podChangesPerSecond: churn, cpuPercentOfCore: busy.cpuPercentOfCore, rendererDeliveriesPerSecond: busy.deliveriesPerSecond, itemsPerSecond: busy.itemsPerSecond },
        targetChurnCpuPercent: 25,
      };
    } finally {
      await services.stop();
    }
  } finally {
    await sandbox.stop();
  }
}
