/**
 * Port-forward: Capstan's tunnel (one WebSocket per connection, channel protocol) against
 * `kubectl port-forward` (one multiplexed WebSocket/SPDY tunnel) to the same pod of the sandbox,
 * which runs in its own process. Figures: connection latency (connect, one HTTP request, answer,
 * close; sequential), 20 connections at once, and a 4 MB upload; Capstan also without tunnels opened
 * ahead (the same run's A/B). Twice: with the API server local, and 10 ms of round trip away (a
 * delaying proxy in front of it, for both clients). `npm run bench -- port-forward`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import YAML from 'yaml';
import { kubectl as kubectlOut } from '../test/e2e/kubectl';
import { Child } from './child';

const exchange = (port: number, request: string | Buffer) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(request));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });

const GET = 'GET /bench HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
const UPLOAD = 4 * 1024 * 1024;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

async function measure(port: number) {
  for (let i = 0; i < 5; i++) await exchange(port, GET); // warm up
  const lat: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const a = await exchange(port, GET);
    lat.push(performance.now() - t);
    if (!a.includes('200 OK')) throw new Error(`unexpected answer: ${a.slice(0, 80)}`);
  }
  let t = performance.now();
  const parallel = await Promise.all(Array.from({ length: 20 }, () => exchange(port, GET)));
  const parallelMs = performance.now() - t;
  if (parallel.some((a) => !a.includes('200 OK'))) throw new Error('a parallel connection failed');
  t = performance.now();
  const up = await exchange(
    port,
    Buffer.concat([
      Buffer.from(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${UPLOAD}\r\nConnection: close\r\n\r\n`),
      Buffer.alloc(UPLOAD, 0x61),
    ]),
  );
  const uploadMs = performance.now() - t;
  if (!up.includes('POST /upload')) throw new Error('the upload was not answered');
  return {
    connectionP50Ms: round(quantile(lat, 0.5)),
    connectionP95Ms: round(quantile(lat, 0.95)),
    parallel20Ms: round(parallelMs),
    uploadMBps: round(UPLOAD / 1024 / 1024 / (uploadMs / 1000)),
  };
}

/**
 * A TCP proxy in front of an API server that delays every chunk by `oneWayMs` each way: a cluster
 * `2 × oneWayMs` of round trip away, as a remote one is (TLS passes through untouched).
 */
function latencyProxy(target: number, oneWayMs: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const later = (f: () => void) => setTimeout(f, oneWayMs);
    const join = (from: net.Socket, to: net.Socket) => {
      from.on('data', (d: Buffer) => later(() => to.write(d)));
      from.on('end', () => later(() => to.end()));
      from.on('error', () => to.destroy());
      from.on('close', () => later(() => to.destroy()));
    };
    join(client, upstream);
    join(upstream, client);
  });
  return new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server)));
}

/** Capstan (own process; with and without tunnels ahead) and kubectl forwarding the same pod, measured in turn. */
async function compare(kubeconfig: string, name: string, port: number) {
  let capstanProcess: Child | undefined;
  let kubectl: ReturnType<typeof spawn> | undefined;
  try {
    capstanProcess = new Child('portforward-process.ts', [kubeconfig, name, String(port)]);
    const [, oursText, coldText] = (await capstanProcess.waitFor(/^forwards /)).split(' ');
    kubectl = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', 'uat', '-n', 'shop', 'port-forward', `pod/${name}`, `:${port}`]);
    const theirPort = await new Promise<number>((resolve) => {
      let text = '';
      kubectl!.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
    });
    const capstan = await measure(Number(oursText));
    const reference = await measure(theirPort);
    const capstanNoSpares = await measure(Number(coldText));
    return {
      capstan,
      kubectl: reference,
      capstanNoSpares,
      ratios: {
        connectionP50: round(capstan.connectionP50Ms / reference.connectionP50Ms),
        parallel20: round(capstan.parallel20Ms / reference.parallel20Ms),
        upload: round(capstan.uploadMBps / reference.uploadMBps),
      },
    };
  } finally {
    kubectl?.kill();
    await capstanProcess?.stop();
  }
}

export async function run() {
  const sandbox = new Child('sandbox-process.ts', ['50']);
  const [, kubeconfig] = (await sandbox.waitFor(/^ready /)).split(' ');
  let proxy: net.Server | undefined;
  try {
    const ordersUat = '--selector=app.kubernetes.io/instance=orders-uat';
    const podsJson = await kubectlOut(kubeconfig!, 'uat', '-n', 'shop', 'get', 'pods', ordersUat, '-o', 'json');
    const pod = JSON.parse(podsJson).items[0];
    const name = pod.metadata.name as string;
    const port = pod.spec.containers[0].ports[0].containerPort as number;
    const local = await compare(kubeconfig!, name, port);
    // The same with the API server 10 ms of round trip away (both clients through the proxy).
    const config = YAML.parse(readFileSync(kubeconfig!, 'utf8')) as { clusters: { name: string; cluster: { server: string } }[] };
    const uat = config.clusters.find((c) => c.name === 'uat')!.cluster;
    proxy = await latencyProxy(Number(new URL(uat.server).port), 5);
    uat.server = `https://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const remoteConfig = `${kubeconfig}-rtt10`;
    writeFileSync(remoteConfig, YAML.stringify(config));
    const rtt10ms = await compare(remoteConfig, name, port);
    return {
      local,
      rtt10ms,
      note: 'sandbox in its own process; Capstan opens one WebSocket per connection (2 opened ahead, TLS sessions resumed; capstanNoSpares: none ahead), kubectl multiplexes one tunnel; Capstan and kubectl each in their own process; rtt10ms: both through a proxy adding 5 ms each way',
    };
  } finally {
    proxy?.close();
    await sandbox.stop();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) console.log(JSON.stringify(await run(), null, 2));
