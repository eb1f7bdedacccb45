/**
 * PortForwardService's edges against the sandbox: a busy local port, a Service with no ready pod
 * (back-off within the budget, then the reason in the list), a port nothing listens on (the
 * kubelet's error), stop (listener and open connections closed), loopback only.
 */
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { PortForwardService } from './port-forward-service';
import { openTunnel } from './tunnel';

let dc: Datacenter;
let clusters: ClusterService;
let forwards: PortForwardService;
let pod: string;

/** Connects, sends `send`, resolves with what came back before the close. */
const talk = (port: number, send: string) =>
  new Promise<string>((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(send));
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });

const refused = (host: string, port: number) =>
  new Promise<string>((resolve) =>
    net
      .connect({ host, port })
      .on('connect', () => resolve('connected'))
      .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')),
  );

async function forwardWhere(pred: (f: ReturnType<PortForwardService['list']>[number]) => boolean, what: string) {
  const end = Date.now() + 5_000;
  for (;;) {
    const f = forwards.list().find(pred);
    if (f) return f;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function until(ok: () => boolean, what: string) {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 20, bookmarkIntervalMs: 500 });
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { idleCloseMs: 0 });
  forwards = new PortForwardService({
    connection: (id) => clusters.connection(id),
    retry: { attempts: 3, totalMs: 2_000, initialMs: 50, maxMs: 200 },
    notifyMs: 20,
  });
  pod = [...dc.cluster('uat').store.list('pods', 'shop')]
    .map(([, p]) => p.obj)
    .find((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'orders-uat')!.metadata.name;
  dc.cluster('uat').store.create(
    'services',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nobody', namespace: 'shop' },
      spec: { selector: { app: 'nothing-matches' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    new Date().toISOString(),
  );
});
afterAll(async () => {
  forwards?.dispose();
  clusters?.dispose();
  await dc?.close();
});

describe('PortForwardService against the sandbox', () => {
  it('listens on 127.0.0.1 only, and refuses a local port already in use', async () => {
    const a = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod, remotePort: 8080 });
    if (!a.ok) throw new Error(a.error.message);
    const busy = await forwards.start({
      clusterId: 'uat',
      namespace: 'shop',
      kind: 'pod',
      name: pod,
      remotePort: 8080,
      localPort: a.value.localPort,
    });
    expect(busy.ok ? null : busy.error).toEqual({
      code: 'conflict',
      message: `Local port ${a.value.localPort} is already in use on 127.0.0.1. Choose another port, or leave it empty for a free one.`,
    });
    // Not reachable on the machine's other addresses.
    const external = Object.values((await import('node:os')).networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) expect(await refused(external, a.value.localPort)).toBe('ECONNREFUSED');
    expect(await refused('127.0.0.1', a.value.localPort)).toBe('connected');
    forwards.stop(a.value.id);
  });

  it('a Service with no ready pod: the connection is closed after the budget, and the list says why', async () => {
    const f = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'service', name: 'nobody', remotePort: 80 });
    if (!f.ok) throw new Error(f.error.message);
    const started = Date.now();
    expect(await talk(f.value.localPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('');
    expect(Date.now() - started).toBeLessThan(3_000);
    const info = await forwardWhere((x) => x.id === f.value.id && x.state === 'no-pod', 'no-pod state');
    expect(info.message).toBe(
      'No ready pod behind Service nobody (selector app=nothing-matches, 0 pods found). Capstan selects one at the next connection. (gave up after 3 attempts; the next connection tries again)',
    );
    expect(info.connections).toEqual({ open: 0, total: 1, failed: 1 });
    forwards.stop(f.value.id);
  });

  it("a port nothing listens on: the kubelet's error in the list; stop closes the listener and open connections", async () => {
    const f = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod, remotePort: 9999 });
    if (!f.ok) throw new Error(f.error.message);
    expect(await talk(f.value.localPort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('');
    const info = await forwardWhere((x) => x.id === f.value.id && x.state === 'error', 'error state');
    expect(info.message).toContain('dial tcp4 127.0.0.1:9999: connect: connection refused');
    forwards.stop(f.value.id);

    const g = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod, remotePort: 8080 });
    if (!g.ok) throw new Error(g.error.message);
    // A keep-alive connection stays open until the forward stops.
    const open = talk(g.value.localPort, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await forwardWhere((x) => x.id === g.value.id && x.bytes.received > 0, 'an answer');
    expect(forwards.stop(g.value.id).ok).toBe(true);
    expect(await open).toContain(`Hello from shop/${pod}`);
    expect(await refused('127.0.0.1', g.value.localPort)).toBe('ECONNREFUSED');
    expect(forwards.stop(g.value.id).ok).toBe(false);
  });

  it('the next connection takes the tunnel opened ahead: it is answered while the API server refuses new tunnels', async () => {
    const ahead = new PortForwardService({
      connection: (id) => clusters.connection(id),
      spares: { size: 1, keepMs: 60_000 },
      notifyMs: 20,
    });
    const tunnels: number[] = [];
    const off = dc.cluster('uat').onRequest((r) => r.path.endsWith('/portforward') && tunnels.push(r.at));
    try {
      const f = await ahead.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod, remotePort: 8080 });
      if (!f.ok) throw new Error(f.error.message);
      const get = 'GET /ahead HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
      expect(await talk(f.value.localPort, get)).toContain(`Hello from shop/${pod}`);
      // The connection's own tunnel and the one opened for the next connection.
      await until(() => tunnels.length === 2, 'the tunnel opened ahead');
      dc.setFault('uat', { kind: 'http-status', status: 503, paths: /\/portforward$/ });
      expect(await talk(f.value.localPort, get)).toContain(`Hello from shop/${pod}`);
      // The premise holds: with no tunnel ahead (the one after the second connection was refused) the next fails.
      expect(await talk(f.value.localPort, get)).toBe('');
      dc.setFault('uat', null);
      expect(await talk(f.value.localPort, get)).toContain(`Hello from shop/${pod}`);
    } finally {
      dc.setFault('uat', null);
      off();
      ahead.dispose();
    }
  });

  it("successive tunnels resume the cluster's TLS session instead of a full handshake", async () => {
    const conn = clusters.connection('uat')!;
    const resumed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await openTunnel(conn, { namespace: 'shop', pod, port: 8080 });
      if (!t.ok) throw new Error(t.error.message);
      resumed.push((t.value.ws as unknown as { _socket: TLSSocket })._socket.isSessionReused());
      t.value.ws.close();
      await new Promise<void>((r) => t.value.onClose(r));
    }
    // The connection's https.Agent keeps the last session ticket; later tunnels present it.
    expect(resumed.at(-1)).toBe(true);
  });
});
