/**
 * The request budget of log views on containers that crash: views on every kind of target (pod,
 * Deployment, label selector, a file inside the container) against pods that crash-loop, get
 * OOM-killed and are deleted, with every request counted at the sandbox's API server. A follow
 * request on a container in CrashLoopBackOff returns the last instance's log and closes at once;
 * a source that reopened on every end asked thousands of times a second for the whole back-off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent, LogLine, LogSelection, LogSource } from '../../src-shared/logs/contract';
import type { Datacenter, RequestSeen } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { configureLogs } from '../../src-sandbox/logs/config';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { ExecService } from '../exec/exec-service';
import { followFile } from '../exec/file-log-source';
import { LogService } from './log-service';

/** A few requests a second per source at most (the cap is 1/s with a burst of 3). */
const MAX_PER_SOURCE_PER_SEC = 2;
const WINDOW_MS = 12_000;

let dc: Datacenter;
let clusters: ClusterService;
let logs: LogService;

beforeAll(async () => {
  // 10 simulated seconds a real second: back-offs of 10 s to 5 min take 1 to 30 s.
  dc = await startDatacenter({ clockSpeed: 10, bookmarkIntervalMs: 500 });
  configureLogs(dc.cluster('fat').store, { rate: 50 });
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { idleCloseMs: 0 });
  const exec = new ExecService((id) => clusters.connection(id));
  logs = new LogService({
    connection: (id) => clusters.connection(id),
    acquire: (id) => clusters.acquire(id),
    followFile: (id, t, sink, feed) => followFile(exec, id, t, sink, feed),
  });
});
afterAll(async () => {
  logs?.dispose();
  clusters?.dispose();
  await dc?.close();
});

function open(selection: LogSelection) {
  const viewId = `v${Math.random().toString(36).slice(2, 10)}`;
  const lines: LogLine[] = [];
  const states: LogSource[] = [];
  let sources: LogSource[] = [];
  const r = logs.open('test', { viewId, selection }, (e: LogEvent) => {
    if (e.t === 'lines') {
      lines.push(...e.lines);
      logs.ack('test', viewId, e.seq);
    } else if (e.t === 'sources') {
      sources = e.sources;
      states.push(...e.sources);
    }
  });
  if (!r.ok) throw new Error(r.error.message);
  return {
    lines,
    states,
    get sources() {
      return sources;
    },
    close: r.value,
  };
}

const fatPods = () => [...dc.cluster('fat').store.list('pods', 'shop')].map(([, p]) => p.obj);
const release = (deployment: string, image: string) => {
  const store = dc.cluster('fat').store;
  const d = store.clone('deployments', 'shop', deployment)!;
  d.spec.template.spec.containers[0].image = image;
  store.update('deployments', d);
};

describe('log views on crashing containers', () => {
  it('cost the API server at most a few requests a second per source', async () => {
    release('orders-fat', 'harbor-east.sandbox.local/shop/orders:1.5.1'); // crash-loops
    release('payments-fat', 'harbor-east.sandbox.local/shop/payments:3.3.1'); // OOM-killed after a minute
    const crashing = () =>
      fatPods().find((p) => p.spec.containers[0].image.endsWith('orders:1.5.1') && p.status?.containerStatuses?.[0]?.restartCount >= 1);
    await until(() => crashing() !== undefined, 30_000, 'a crash-looping pod');
    const loopPod = crashing()!.metadata.name as string;

    const views = {
      pod: open({ clusterIds: ['fat'], namespace: 'shop', target: { kind: 'pod', name: loopPod }, tailLines: 5 }),
      deployment: open({ clusterIds: ['fat'], namespace: 'shop', target: { kind: 'deployment', name: 'orders-fat' }, tailLines: 5 }),
      selector: open({
        clusterIds: ['fat'],
        namespace: 'shop',
        target: { kind: 'selector', labelSelector: 'app.kubernetes.io/name=payments' },
        tailLines: 5,
      }),
      fileOnLoop: open({
        clusterIds: ['fat'],
        namespace: 'shop',
        target: { kind: 'pod', name: loopPod },
        file: '/opt/logs/catalina.out',
        tailLines: 5,
      }),
      fileOnDeleted: open({
        clusterIds: ['fat'],
        namespace: 'shop',
        target: { kind: 'deployment', name: 'catalog-fat' },
        file: '/opt/logs/catalina.out',
        tailLines: 5,
      }),
    };
    await until(() => Object.values(views).every((v) => v.sources.length > 0), 15_000, 'sources in every view');

    const seen: RequestSeen[] = [];
    const off = dc.cluster('fat').onRequest((r) => seen.push(r));
    const t0 = Date.now();
    // Pods deleted while followed (a file view and a stdout view); their replacements join.
    const victim = views.fileOnDeleted.sources[0]!.pod;
    // A payments pod the selector view follows: the old version's if the rollout has not replaced it
    // yet (on a busy machine it may have), else the new one's.
    const payments = fatPods().filter((p) => p.metadata.name.startsWith('payments-fat-') && !p.metadata.deletionTimestamp);
    const paymentsPod = (payments.find((p) => !p.spec.containers[0].image.endsWith(':3.3.1')) ?? payments[0])!.metadata.name as string;
    for (const pod of [victim, paymentsPod]) {
      const del = await clusters
        .connection('fat')!
        .getJson(`/api/v1/namespaces/shop/pods/${pod}?gracePeriodSeconds=0`, { method: 'DELETE' });
      expect(del.ok).toBe(true);
    }
    await until(() => Date.now() - t0 >= WINDOW_MS, WINDOW_MS + 5000, 'the measuring window');
    off();
    const seconds = (Date.now() - t0) / 1000;

    // Requests about one pod (its log, the pod itself, exec into it), per source following it.
    const perPod = new Map<string, number>();
    for (const r of seen) {
      const m = /^\/api\/v1\/namespaces\/shop\/pods\/([^/]+)(?:\/(log|exec))?$/.exec(r.path);
      if (m) perPod.set(m[1]!, (perPod.get(m[1]!) ?? 0) + 1);
    }
    const sourcesOn = new Map<string, number>();
    for (const v of Object.values(views)) for (const s of v.sources) sourcesOn.set(s.pod, (sourcesOn.get(s.pod) ?? 0) + 1);
    const rates = [...perPod].map(([pod, n]) => ({
      pod,
      requests: n,
      sources: sourcesOn.get(pod) ?? 1,
      perSourcePerSec: n / (sourcesOn.get(pod) ?? 1) / seconds,
    }));
    console.log(`[logs] request budget over ${seconds.toFixed(1)} s: ${seen.length} requests in all; per pod ${JSON.stringify(rates)}`);
    for (const r of rates)
      expect(r.perSourcePerSec, `${r.pod}: ${r.requests} requests for ${r.sources} source(s)`).toBeLessThanOrEqual(MAX_PER_SOURCE_PER_SEC);
    const allSources = [...sourcesOn.values()].reduce((a, b) => a + b, 0);
    expect(seen.length / seconds).toBeLessThanOrEqual(MAX_PER_SOURCE_PER_SEC * allSources + 5);

    // What the views show: the crash loop's back-off, restarts followed, the deleted pod gone.
    const waiting = views.pod.states.find((s) => s.state === 'waiting');
    expect(waiting?.message).toMatch(/^waiting for the container to restart \(back-off (\d+ min ?)?(\d+ s)?\)$/);
    expect(views.fileOnLoop.states.some((s) => s.state === 'waiting')).toBe(true);
    await until(
      () => views.pod.lines.some((l) => l[3] === 1 && /restarted \(restart \d+\); following the new instance/.test(l[2])),
      30_000,
      'a restart followed',
    );
    await until(
      () => views.fileOnDeleted.sources.some((s) => s.pod === victim && s.state === 'gone'),
      10_000,
      'the deleted pod marked gone',
    );
    await until(
      () => views.selector.sources.some((s) => s.pod === paymentsPod && s.state === 'gone'),
      10_000,
      'the deleted payments pod marked gone',
    );
    // The OOM-killed container was followed across its kill into the next instance.
    await until(
      () => views.selector.lines.some((l) => l[3] === 1 && /restarted \(restart \d+\)/.test(l[2])),
      60_000,
      'the OOM-killed container followed into its next instance',
    );
    for (const v of Object.values(views)) v.close();
  }, 120_000);
});
