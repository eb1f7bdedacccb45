/**
 * The sandbox for the logs benchmark, in its own process (its CPU is not ours): pro-east pods log
 * at `rate` lines/s (default 150,000), pro-west pods at 20,000 lines/s (the frame-time stream).
 * Prints `ready <kubeconfig> <pro-east pod> <pro-west pod>`; `quit` on stdin exits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDatacenter } from '../src-sandbox/datacenter';
import { configureLogs } from '../src-sandbox/logs/config';

const rate = Number(process.argv[2] ?? 150_000);
const dc = await startDatacenter({ bookmarkIntervalMs: 60_000 });
configureLogs(dc.cluster('pro-east').store, { rate });
configureLogs(dc.cluster('pro-west').store, { rate: 20_000 });
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'capstan-bench-logs-')), 'kubeconfig');
dc.writeKubeconfig(kubeconfig);
const running = (cluster: string) => [...dc.cluster(cluster).store.list('pods', 'shop')].map(([, p]) => p.obj)
  .find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'orders' && (p.status?.containerStatuses as { state?: { running?: unknown } }[] | undefined)?.[0]?.state?.running)?.metadata.name;
for (let i = 0; i < 300 && !(running('pro-east') && running('pro-west')); i++) await new Promise((r) => setTimeout(r, 100));
console.log(`ready ${kubeconfig} ${running('pro-east')} ${running('pro-west')}`);
createInterface({ input: process.stdin }).on('line', (l) => {
  if (l.trim() === 'quit') void dc.close().then(() => process.exit(0));
});
