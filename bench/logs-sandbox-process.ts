/**
 * The sandbox for the logs benchmark, in its own process (its CPU is not ours): pro-east pods log
 * at `rate` lines/s (default 150,000), pro-west pods at 20,000 lines/s (the frame-time stream).
 * Prints `ready <kubeconfig> <pro-east pod> <pro-west pod>`; `quit` on stdin exits.
 * With `merge <sources> <rate>` as arguments instead: a Deployment `merge-<sources>` in pro-east/shop
 * with that many pods logging `rate` lines/s each (the time-merge bench), and
 * `ready <kubeconfig> <deployment> <running pods>` once they all run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDatacenter } from '../src-sandbox/datacenter';
import { configureLogs, RATE_ANNOTATION } from '../src-sandbox/logs/config';

const merge = process.argv[2] === 'merge';
const rate = Number(process.argv[2] ?? 150_000);
const dc = await startDatacenter({ bookmarkIntervalMs: 60_000 });
if (!merge) {
  configureLogs(dc.cluster('pro-east').store, { rate });
  configureLogs(dc.cluster('pro-west').store, { rate: 20_000 });
}
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'capstan-bench-logs-')), 'kubeconfig');
dc.writeKubeconfig(kubeconfig);
if (merge) {
  const [sources, perPod] = [Number(process.argv[3] ?? 50), String(process.argv[4] ?? 2500)];
  const name = `merge-${sources}`;
  const labels = { 'app.kubernetes.io/name': name };
  const store = dc.cluster('pro-east').store;
  store.create(
    'deployments',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop', labels },
      spec: {
        replicas: sources,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { [RATE_ANNOTATION]: perPod } },
          spec: { containers: [{ name: 'app', image: 'registry.local/shop/merge:1.0' }] },
        },
      },
    } as never,
    new Date().toISOString(),
  );
  const runningPods = () =>
    [...store.list('pods', 'shop')]
      .map(([, p]) => p.obj)
      .filter(
        (p) =>
          p.metadata.labels?.['app.kubernetes.io/name'] === name &&
          (p.status?.containerStatuses as { state?: { running?: unknown } }[] | undefined)?.[0]?.state?.running,
      ).length;
  for (let i = 0; i < 600 && runningPods() < sources; i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`ready ${kubeconfig} ${name} ${runningPods()}`);
}
const running = (cluster: string) =>
  [...dc.cluster(cluster).store.list('pods', 'shop')]
    .map(([, p]) => p.obj)
    .find(
      (p) =>
        p.metadata.labels?.['app.kubernetes.io/name'] === 'orders' &&
        (p.status?.containerStatuses as { state?: { running?: unknown } }[] | undefined)?.[0]?.state?.running,
    )?.metadata.name;
if (!merge) {
  for (let i = 0; i < 300 && !(running('pro-east') && running('pro-west')); i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`ready ${kubeconfig} ${running('pro-east')} ${running('pro-west')}`);
}
createInterface({ input: process.stdin }).on('line', (l) => {
  if (l.trim() === 'quit') void dc.close().then(() => process.exit(0));
});
