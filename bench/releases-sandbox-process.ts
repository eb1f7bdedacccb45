/**
 * The sandbox for the releases board benchmark, in its own process (its CPU is not ours): a
 * generated scenario of `apps` apps × FAT/UAT/PRO across fat, uat, pro-east and pro-west at
 * `scale` (defaults 500 and 4: 2,000 Deployments, 50,000 pods). Prints
 * `ready <kubeconfig> <pods> <deployments>` and takes commands on stdin:
 *   freeze                           — stop the simulation clock (nothing changes unless told to)
 *   peek <cluster> <ns> <deploy>     — `restarts <n> <pod>`: container restarts of that Deployment's pods
 *                                      now, and the pod the next `restart` of it will restart
 *   restart <cluster> <ns> <deploy>  — one pod of that Deployment restarts its container (restartCount + 1),
 *                                      as the kubelet reports it; answers
 *                                      `changed <epoch ms> <restarts of the Deployment's pods> <pod>`
 *   churn N                          — N pod changes per second spread over the clusters (an annotation
 *                                      bump: MODIFIED events that change nothing the board shows); `calm` stops
 *   quit
 * The epoch time is taken right after the object store applied the change (the watch event is
 * written from there), with sub-millisecond precision, so that another process on this machine
 * can measure the delay to its own observation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDatacenter } from '../src-sandbox/datacenter';
import { generateScenario } from '../src-sandbox/scenario-generator';
import { podChurn } from './sandbox-churn';
import type { KubeObject } from '../src-sandbox/kube/types';

const apps = Number(process.argv[2] ?? 500);
const scale = Number(process.argv[3] ?? 4);
const dc = await startDatacenter({ scenario: generateScenario({ apps }), scale, bookmarkIntervalMs: 60_000 });
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'capstan-bench-releases-')), 'kubeconfig');
dc.writeKubeconfig(kubeconfig);
const count = (kind: 'pods' | 'deployments') => dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count(kind), 0);
console.log(`ready ${kubeconfig} ${count('pods')} ${count('deployments')}`);

/** Pod names of every Deployment (cluster/ns/name), from the instance label the sandbox sets. */
function podsByDeployment(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of dc.clusters) {
    for (const p of dc.cluster(c.name).store.values('pods')) {
      const m = p.obj.metadata;
      const key = `${c.name}/${m.namespace}/${m.labels?.['app.kubernetes.io/instance']}`;
      const list = out.get(key);
      if (list) list.push(m.name);
      else out.set(key, [m.name]);
    }
  }
  return out;
}

let index: Map<string, string[]> | undefined;
let turn = 0;
const restarts = (pod: KubeObject) =>
  ((pod.status?.containerStatuses ?? []) as { restartCount?: number }[]).reduce((n, s) => n + (s.restartCount ?? 0), 0);

function podsOf(cluster: string, namespace: string, deployment: string): KubeObject[] {
  index ??= podsByDeployment();
  const store = dc.cluster(cluster).store;
  const names = index.get(`${cluster}/${namespace}/${deployment}`) ?? [];
  return names.map((n) => store.get('pods', namespace, n)?.obj).filter((p): p is KubeObject => !!p && !p.metadata.deletionTimestamp);
}

const nextPod = (current: KubeObject[]) => current[turn % Math.max(1, current.length)];

function restartOne(cluster: string, namespace: string, deployment: string): string {
  const store = dc.cluster(cluster).store;
  const current = podsOf(cluster, namespace, deployment);
  const pod = nextPod(current);
  turn++;
  if (!pod) return `error no pod of ${cluster}/${namespace}/${deployment}`;
  const next = structuredClone(pod);
  const status = (
    next.status.containerStatuses as { restartCount: number; lastState: unknown; state: { running?: { startedAt: string } } }[]
  )[0]!;
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  status.lastState = { terminated: { exitCode: 143, reason: 'Error', startedAt: status.state.running?.startedAt ?? at, finishedAt: at } };
  status.state = { running: { startedAt: at } };
  status.restartCount += 1;
  store.update('pods', next);
  const changedAt = performance.timeOrigin + performance.now();
  const total = current.reduce((n, p) => n + (p === pod ? restarts(next) : restarts(p)), 0);
  return `changed ${changedAt} ${total} ${pod.metadata.name}`;
}

const churn = podChurn(dc);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (cmd === 'freeze') {
    dc.freeze();
    console.log('frozen');
  } else if (cmd === 'peek') {
    const current = podsOf(args[0]!, args[1]!, args[2]!);
    console.log(`restarts ${current.reduce((n, p) => n + restarts(p), 0)} ${nextPod(current)?.metadata.name ?? '-'}`);
  } else if (cmd === 'restart') console.log(restartOne(args[0]!, args[1]!, args[2]!));
  else if (cmd === 'churn') churn.start(Number(args[0]));
  else if (cmd === 'calm') churn.stop();
  else if (cmd === 'quit') void dc.close().then(() => process.exit(0));
});
process.stdin.on('end', () => void dc.close().then(() => process.exit(0)));
