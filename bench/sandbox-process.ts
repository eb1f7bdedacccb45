/**
 * The sandbox datacenter in its own process for benchmarks, so that its CPU and memory are never
 * counted as ours. Prints `ready <kubeconfig> <pods>` and takes commands on stdin:
 *   churn N   — N pod changes per second spread over the clusters (status annotation bumps: MODIFIED events)
 *   calm      — stop churning
 *   freeze    — stop the simulation clock (controllers, kubelet: no crash-loop restarts, OOM kills
 *               or rollouts), so that "idle" really means nothing changes; `thaw` resumes it
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDatacenter } from '../src-sandbox/datacenter';
import { podChurn } from './sandbox-churn';

const scale = Number(process.argv[2] ?? 500);
const dc = await startDatacenter({ scale, bookmarkIntervalMs: 60_000 });
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'capstan-bench-')), 'kubeconfig');
dc.writeKubeconfig(kubeconfig);
const pods = dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count('pods'), 0);
console.log(`ready ${kubeconfig} ${pods}`);

const churn = podChurn(dc);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'churn') churn.start(Number(arg));
  else if (cmd === 'calm') churn.stop();
  else if (cmd === 'freeze') dc.freeze();
  else if (cmd === 'thaw') dc.thaw();
  else if (cmd === 'quit') void dc.close().then(() => process.exit(0));
});
process.stdin.on('end', () => void dc.close().then(() => process.exit(0)));
