/**
 * One identity on every request path. A kubeconfig user with basic auth and every impersonation
 * field talks to the sandbox through a recording proxy (plain http on loopback); each request path
 * of the app — list, watch, logs, exec, port-forward, metrics (metrics API and kubelet summary), writes — is driven
 * through the real service code, and every recorded request must carry the same Authorization and
 * Impersonate-* headers. The proxy swaps the credentials for the sandbox's own token upstream.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src-shared/logs/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ExecService } from '../exec/exec-service';
import { PortForwardService } from '../portforward/port-forward-service';
import { LogService } from '../logs/log-service';
import { readKubeletSummary, readMetricsApi } from '../metrics/sources';
import { KubeClusterOps } from '../releases/kube-cluster-ops';
import { ClusterService } from './cluster-service';
import { KubeconfigService } from './kubeconfig-service';
import { until } from '../testing/fake-kube';

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  upgrade: boolean;
}

let dc: Datacenter;
let proxy: http.Server;
let clusters: ClusterService;
const seen: Seen[] = [];

const IDENTITY = {
  authorization: `Basic ${Buffer.from('jane:basic-Pa55').toString('base64')}`,
  'impersonate-user': 'release-bot',
  'impersonate-uid': 'uid-42',
  'impersonate-group': 'ops, auditors',
  'impersonate-extra-scopes': 'view, edit',
  'impersonate-extra-team%2fname': 'payments', // header names arrive lower-cased
};

/** Forwards to the sandbox's https API server with its token, recording what the app sent. */
function startProxy(upstream: URL, token: string, ca: string): Promise<http.Server> {
  const rewrite = (h: http.IncomingHttpHeaders) => {
    const out: http.OutgoingHttpHeaders = { ...h, host: upstream.host, authorization: `Bearer ${token}` };
    for (const k of Object.keys(out)) if (k.startsWith('impersonate-')) delete out[k];
    return out;
  };
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, path: req.url!, headers: req.headers, upgrade: false });
    const up = https.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: rewrite(req.headers), ca },
      (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('upgrade', (req, socket: net.Socket, head) => {
    seen.push({ method: req.method!, path: req.url!, headers: req.headers, upgrade: true });
    const up = tls.connect({ host: upstream.hostname, port: Number(upstream.port), ca, servername: 'localhost' }, () => {
      const lines = [
        `${req.method} ${req.url} HTTP/1.1`,
        ...Object.entries(rewrite(req.headers)).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`)),
        '',
        '',
      ];
      up.write(lines.join('\r\n'));
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 20, bookmarkIntervalMs: 500 });
  const info = dc.clusters.find((c) => c.name === 'uat')!;
  proxy = await startProxy(new URL(info.url), info.token, info.caPem);
  const port = (proxy.address() as AddressInfo).port;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: uat, cluster: { server: "http://127.0.0.1:${port}" } }]
users:
- name: jane
  user:
    username: jane
    password: basic-Pa55
    as: release-bot
    as-uid: uid-42
    as-groups: [ops, auditors]
    as-user-extra: { scopes: [view, edit], team/name: [payments] }
contexts: [{ name: uat, context: { cluster: uat, user: jane } }]
`;
  clusters = new ClusterService(KubeconfigService.fromString(kubeconfig), { idleCloseMs: 0 });
}, 60_000);

afterAll(async () => {
  clusters?.dispose();
  await new Promise((r) => proxy?.close(r));
  proxy?.closeAllConnections();
  await dc?.close();
});

describe('every request path sends the same identity', () => {
  it('list, watch, logs, exec, port-forward, metrics and writes', async () => {
    // list + watch: the workloads reflectors.
    const release = clusters.acquire('uat');
    await until(() => clusters.get('uat')?.state === 'live', 30_000, 'uat live');
    await until(() => seen.some((s) => s.path.includes('watch=true')), 30_000, 'a watch');
    const conn = clusters.connection('uat')!;
    const pods = clusters
      .workloads('uat')!
      .podList()
      .filter((p) => p.namespace === 'shop' && p.status === 'Running');
    const pod = pods[0]!;

    // logs: a log view over the pod.
    const logs = new LogService({ connection: (id) => clusters.connection(id), acquire: (id) => clusters.acquire(id) });
    const events: LogEvent[] = [];
    const view = logs.open(
      't',
      {
        viewId: 'view-identity',
        selection: { clusterIds: ['uat'], namespace: 'shop', target: { kind: 'pod', name: pod.name }, tailLines: 5 },
      },
      (e) => events.push(e),
    );
    expect(view.ok).toBe(true);
    await until(() => seen.some((s) => s.path.includes('/log?')), 30_000, 'a log request');

    // exec: a shell over WebSocket.
    let exit: unknown;
    const shell = await new ExecService((id) => clusters.connection(id)).open(
      'uat',
      { namespace: 'shop', pod: pod.name, command: ['sh', '-c', 'exit 0'], stdin: false, tty: false },
      { data() {}, end: (e) => (exit = e) },
    );
    expect(shell.ok).toBe(true);
    await until(() => exit !== undefined, 10_000, 'exec exit');

    // port-forward: one connection through a tunnel over WebSocket.
    const forwards = new PortForwardService({ connection: (id) => clusters.connection(id) });
    const fwd = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod.name, remotePort: 8080 });
    if (!fwd.ok) throw new Error(fwd.error.message);
    const answer = await fetch(`http://127.0.0.1:${fwd.value.localPort}/actuator/health`, { headers: { Connection: 'close' } });
    expect(answer.status).toBe(200);
    forwards.dispose();

    // metrics: the metrics API and a node's kubelet summary.
    expect('readings' in (await readMetricsApi(conn, 10_000))).toBe(true);
    const node = clusters.workloads('uat')!.nodes.items()[0]!.metadata.name!;
    expect('readings' in (await readKubeletSummary(conn, node, 10_000))).toBe(true);

    // writes: a strategic-merge patch of a Deployment (what restart and releases send).
    const dep = clusters
      .workloads('uat')!
      .deploymentList()
      .find((d) => d.namespace === 'shop')!;
    const patched = await new KubeClusterOps(() => clusters.connection('uat'), 'uat').mergePatchDeployment('shop', dep.name, {
      metadata: { annotations: { 'capstan.io/identity-test': 'yes' } },
    });
    expect(patched.ok).toBe(true);

    if (view.ok) view.value();
    logs.dispose();
    release();

    const kinds = {
      list: seen.find((s) => s.method === 'GET' && /limit=/.test(s.path)),
      watch: seen.find((s) => s.path.includes('watch=true')),
      logs: seen.find((s) => s.path.includes('/log?')),
      exec: seen.find((s) => s.upgrade && s.path.includes('/exec?')),
      portforward: seen.find((s) => s.upgrade && s.path.includes('/portforward?')),
      metricsApi: seen.find((s) => s.path.startsWith('/apis/metrics.k8s.io/')),
      kubeletSummary: seen.find((s) => s.path.includes('/proxy/stats/summary')),
      write: seen.find((s) => s.method === 'PATCH'),
    };
    for (const [kind, req] of Object.entries(kinds)) {
      expect(req, `no ${kind} request was seen`).toBeDefined();
      const h = req!.headers;
      expect({ kind, ...Object.fromEntries(Object.keys(IDENTITY).map((k) => [k, h[k]])) }).toEqual({ kind, ...IDENTITY });
    }
    // And no request at all went out without the identity.
    for (const s of seen) expect(s.headers.authorization, `${s.method} ${s.path}`).toBe(IDENTITY.authorization);
  }, 120_000);
});
