/**
 * MetricsService over the real ClusterService in its own process (so the sandbox's CPU is not
 * ours): connects every cluster of the kubeconfig in argv[2], samples every 10 s, prints
 * `ready <containers>` once a round covered argv[3] containers, then answers `measure <seconds>`
 * with a JSON line: CPU spent in sample rounds and in the whole process, round wall time, the
 * interval the pacing chose (argv[4] is the one wanted).
 */
import { createInterface } from 'node:readline';
import { ClusterService } from '../src-main/clusters/cluster-service';
import { KubeconfigService } from '../src-main/clusters/kubeconfig-service';
import { clusterServiceSource } from '../src-main/metrics/cluster-source';
import { MetricsService } from '../src-main/metrics/metrics-service';

const kubeconfig = process.argv[2]!;
const expected = Number(process.argv[3]);
const wantedMs = Number(process.argv[4] ?? 10_000);
const kc = new KubeconfigService({ settings: { get: () => [kubeconfig], set: () => {} }, noDefaultSources: true });
kc.start();
const clusters = new ClusterService(kc, { idleCloseMs: 0 });
const metrics = new MetricsService(clusterServiceSource(clusters), { settings: { get: () => ({ intervalMs: wantedMs }), set: () => {} } });
let containers = 0;
let readySent = false;
const stop = metrics.subscribe(20, (top) => {
  containers = top.clusters.reduce((n, c) => n + c.containers, 0);
  if (!readySent && containers >= expected) {
    readySent = true;
    console.log(`ready ${containers}`);
  }
});
metrics.start();

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'measure') {
    const seconds = Number(arg);
    const cpu0 = process.cpuUsage();
    const m0 = metrics.cpuMicros;
    const r0 = metrics.rounds;
    setTimeout(() => {
      const d = process.cpuUsage(cpu0);
      const intervalMs = metrics.intervalMs;
      const rounds = metrics.rounds - r0;
      const roundCpuMs = rounds ? (metrics.cpuMicros - m0) / 1000 / rounds : 0;
      console.log(
        JSON.stringify({
          containers,
          rounds,
          wantedIntervalMs: wantedMs,
          intervalMs,
          roundCpuMs: Math.round(roundCpuMs * 10) / 10,
          roundCpuPercentOfCore: Math.round((roundCpuMs / intervalMs) * 1000) / 10,
          processCpuPercentOfCore: Math.round(((d.user + d.system) / 1000 / (seconds * 1000)) * 1000) / 10,
          roundWallMs: Math.round(metrics.lastRoundWallMs),
          historyMB: Math.round(metrics.historyBytes / 2 ** 20),
          historyFullResolution: metrics.historyStatusNow.fullResolution,
          rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
        }),
      );
    }, seconds * 1000);
  } else if (cmd === 'quit') {
    stop();
    metrics.dispose();
    clusters.dispose();
    kc.dispose();
    process.exit(0);
  }
});
