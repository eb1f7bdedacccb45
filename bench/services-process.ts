/**
 * Capstan's main-process services alone (the real composition root, no window), in their own
 * process so that RSS and CPU are ours only. Connects to every cluster of the kubeconfig given as
 * argv[2], subscribes like the renderer does, prints `synced <ms>` once every cluster's pods and
 * deployments are in, then answers `measure <seconds>` with a JSON line of CPU and delivery rates.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServices } from '../src-main/app/composition';
import { TestCipher } from '../src-main/vault/cipher';
import type { Logger } from '../src-main/ipc/logger';
import type { WorkloadDiff } from '../src-shared/workloads/contract';

const kubeconfig = process.argv[2]!;
const expectedPods = Number(process.argv[3]);
const quiet: Logger = { info() {}, warn() {}, error() {} };
const started = performance.now();
const services = await createServices({
  kubeconfigPaths: [kubeconfig],
  userDataDir: mkdtempSync(join(tmpdir(), 'capstan-bench-data-')),
  cipher: new TestCipher(),
  transport: 'browser',
  logger: quiet,
  env: {},
});

const ctx = (id: string) => ({ senderId: id, signal: new AbortController().signal });
const podCounts = new Map<string, Set<string>>();
let deliveries = 0;
let items = 0;
let synced = false;
let peakRss = 0;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();

const apply = (diff: WorkloadDiff) => {
  if (diff.kind !== 'Pod') return;
  let set = podCounts.get(diff.clusterId);
  if (!set || diff.reset) podCounts.set(diff.clusterId, (set = new Set()));
  for (const p of diff.upserts) set.add(p.uid);
  for (const uid of diff.deletes) set.delete(uid);
};
await services.handlers['clusters.watch']({}, () => {}, ctx('bench'));
await services.handlers['workloads.subscribe']({}, (event) => {
  deliveries++;
  for (const diff of event.diffs) {
    items += diff.upserts.length + diff.deletes.length;
    apply(diff);
  }
  const total = [...podCounts.values()].reduce((n, s) => n + s.size, 0);
  if (!synced && total >= expectedPods) {
    synced = true;
    console.log(`synced ${Math.round(performance.now() - started)}`);
  }
}, ctx('bench'));

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'measure') {
    const seconds = Number(arg);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const d0 = deliveries;
    const i0 = items;
    setTimeout(() => {
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - t0;
      console.log(JSON.stringify({
        cpuPercentOfCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
        deliveriesPerSecond: Math.round((deliveries - d0) / (wallMs / 1000) * 10) / 10,
        itemsPerSecond: Math.round((items - i0) / (wallMs / 1000)),
        rssMB: Math.round(process.memoryUsage().rss / 1e6),
        peakRssMB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1e6),
      }));
    }, seconds * 1000);
  } else if (cmd === 'quit') {
    services.dispose();
    process.exit(0);
  }
});
