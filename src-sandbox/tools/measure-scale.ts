/**
 * Measures the sandbox at scale: start time, memory, and how long the real kubectl takes to
 * `get pods -A -o json` from each cluster (plus a raw HTTPS list for comparison).
 *   npx tsx src-sandbox/tools/measure-scale.ts [scale=500]   (run node with --expose-gc for heap figures)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDatacenter } from '../datacenter';

const scale = Number(process.argv[2] ?? 500);
const started = Date.now();
const dc = await startDatacenter({ scale });
const startMs = Date.now() - started;
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
const dir = mkdtempSync(join(tmpdir(), 'capstan-scale-'));
const kubeconfig = join(dir, 'kubeconfig');
dc.writeKubeconfig(kubeconfig);

const kubectl = (context: string) =>
  new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
    const t = Date.now();
    execFile(
      '/usr/bin/kubectl',
      ['--kubeconfig', kubeconfig, '--context', context, 'get', 'pods', '-A', '-o', 'json'],
      { maxBuffer: 1 << 30 },
      (err, stdout) => {
        if (err) reject(err);
        else resolve({ ms: Date.now() - t, bytes: stdout.length });
      },
    );
  });
const raw = (name: string) =>
  new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
    const c = dc.cluster(name);
    const t = Date.now();
    request(`${c.url}/api/v1/pods`, { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ ms: Date.now() - t, bytes }));
    })
      .on('error', reject)
      .end();
  });

const clusters: Record<string, unknown> = {};
for (const c of dc.clusters) {
  clusters[c.name] = {
    pods: dc.cluster(c.name).store.count('pods'),
    rawList: await raw(c.name),
    kubectlGetPodsJson: await kubectl(c.name),
  };
}
console.log(
  JSON.stringify(
    {
      scale,
      startMs,
      rssMB: Math.round(mem.rss / 1e6),
      heapUsedMB: Math.round(mem.heapUsed / 1e6),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1e3),
      clusters,
    },
    null,
    2,
  ),
);
await dc.close();
rmSync(dir, { recursive: true, force: true });
