/**
 * The sandbox datacenter in its own process for benchmarks, so that its CPU and memory are never
 * counted as ours. Prints `ready <kubeconfig> <pods>` and takes commands on stdin:
 *   churn N   — N pod changes per second spread over the clusters (status annotation bumps: MODIFIED events)
 *   calm      — stop churning
 *   freeze    — stop the simulation clock (controllers, kubelet: no crash-loop restarts, OOM kills
 *               or rollouts), so that "idle" really means nothing changes; `thaw` resumes it
 *   objects N — N more objects of the kinds beside workloads (ConfigMaps, Secrets, Services), spread
 *               over the clusters and namespaces; prints `objects <total other objects>`
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

/** Objects nobody's controller owns, straight into each cluster's store (watchers get ADDED events). */
function addObjects(n: number): number {
  const now = new Date().toISOString();
  const kinds = [
    [
      'configmaps',
      (name: string, namespace: string) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, labels: { bench: 'objects' } },
        data: { 'application.properties': `server.port=8080\nname=${name}\n` },
      }),
    ],
    [
      'secrets',
      (name: string, namespace: string) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels: { bench: 'objects' } },
        type: 'Opaque',
        data: { password: Buffer.from(name).toString('base64') },
      }),
    ],
    [
      'services',
      (name: string, namespace: string) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels: { bench: 'objects' } },
        spec: {
          selector: { 'app.kubernetes.io/name': name },
          ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
          type: 'ClusterIP',
          clusterIP: 'None',
        },
      }),
    ],
  ] as const;
  for (let i = 0; i < n; i++) {
    const c = dc.cluster(dc.clusters[i % dc.clusters.length]!.name);
    const [resource, make] = kinds[i % kinds.length]!;
    const namespaces = [...c.store.list('namespaces', undefined)].map(([, o]) => o.obj.metadata.name!);
    c.store.create(resource, make(`bench-${resource.slice(0, -1)}-${i}`, namespaces[i % namespaces.length]!) as never, now);
  }
  return dc.clusters.reduce(
    (sum, c) =>
      sum +
      dc.cluster(c.name).store.count('configmaps') +
      dc.cluster(c.name).store.count('secrets') +
      dc.cluster(c.name).store.count('services'),
    0,
  );
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'churn') churn.start(Number(arg));
  else if (cmd === 'calm') churn.stop();
  else if (cmd === 'objects') console.log(`objects ${addObjects(Number(arg))}`);
  else if (cmd === 'freeze') dc.freeze();
  else if (cmd === 'thaw') dc.thaw();
  else if (cmd === 'quit') void dc.close().then(() => process.exit(0));
});
process.stdin.on('end', () => void dc.close().then(() => process.exit(0)));
