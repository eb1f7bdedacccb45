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

const scale = Number(process.argv[2] ?? 500);
const dc = await startDatacenter({ scale, bookmarkIntervalMs: 60_000 });
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'capstan-bench-')), 'kubeconfig');
dc.writeKubeconfig(kubeconfig);
const stores = dc.clusters.map((c) => dc.cluster(c.name).store);
const pods = stores.reduce((n, s) => n + s.count('pods'), 0);
console.log(`ready ${kubeconfig} ${pods}`);

let churn: NodeJS.Timeout | undefined;
let counter = 0;
function startChurn(perSecond: number) {
  clearInterval(churn);
  const names = stores.map((s) => [...s.values('pods')].map((p) => p.obj.metadata));
  const perTick = Math.max(1, Math.round(perSecond / 20));
  churn = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const c = counter++ % stores.length;
      const list = names[c]!;
      const meta = list[(counter * 7919) % list.length]!;
      const current = stores[c]!.get('pods', meta.namespace, meta.name);
      if (!current) continue;
      const next = structuredClone(current.obj);
      next.metadata.annotations = { ...next.metadata.annotations, 'bench.capstan.io/tick': String(counter) };
      stores[c]!.update('pods', next);
    }
  }, 50);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'churn') startChurn(Number(arg));
  else if (cmd === 'calm') clearInterval(churn);
  else if (cmd === 'freeze') dc.freeze();
  else if (cmd === 'thaw') dc.thaw();
  else if (cmd === 'quit') void dc.close().then(() => process.exit(0));
});
process.stdin.on('end', () => void dc.close().then(() => process.exit(0)));
