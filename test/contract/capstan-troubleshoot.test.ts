/**
 * Capstan's port-forward and debug containers against the machine's real kubectl on the same
 * sandbox: the same bytes through Capstan's tunnel as through `kubectl port-forward` (a pod, and a
 * Service), a Service forward that keeps answering after its pod is deleted and replaced (kubectl's
 * stays on the pod it picked at start), and the same ephemeral container spec as `kubectl debug -it`.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterService } from '../../src-main/clusters/cluster-service';
import { KubeconfigService } from '../../src-main/clusters/kubeconfig-service';
import { execHandlers } from '../../src-main/exec/handlers';
import { ExecService } from '../../src-main/exec/exec-service';
import { startDebugContainer } from '../../src-main/exec/debug-container';
import { PortForwardService } from '../../src-main/portforward/port-forward-service';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

/** Everything a raw TCP connection to 127.0.0.1:port answers to `request`, until the server closes; the Date header dropped. */
function exchange(port: number, request: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(request));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r\nDate: [^\r]*/g, ''),
      ),
    );
  });
}

const requests = [
  'GET /orders/7?q=a%20b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  // Keep-alive: two answers on one connection, then close.
  'GET /actuator/health/readiness HTTP/1.1\r\nHost: x\r\n\r\nGET /actuator/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  `POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\nConnection: close\r\n\r\n${'x'.repeat(300_000)}`,
];

describe.skipIf(!existsSync(KUBECTL))('Capstan port-forward and debug against kubectl on the sandbox', { timeout: 90_000 }, () => {
  let sb: TestSandbox;
  let clusters: ClusterService;
  let forwards: PortForwardService;
  const kubectl = (args: string[], cluster = 'uat', ns = 'shop') => sb.kubectlOk(['--context', cluster, '-n', ns, ...args]);
  const podsOf = async (instance: string) =>
    JSON.parse(await kubectl(['get', 'pods', '-l', `app.kubernetes.io/instance=${instance}`, '-o', 'json'])).items as {
      metadata: { name: string; deletionTimestamp?: string };
      status: { conditions?: { type: string; status: string }[] };
    }[];
  const readyPods = async (instance: string) =>
    (await podsOf(instance))
      .filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name);

  /** `kubectl port-forward TARGET :PORT` until it prints the local port. */
  const kubectlForward = async (target: string, port: number) => {
    const child = sb.spawnKubectl('uat', ['port-forward', target, `:${port}`]);
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const local = await waitFor('kubectl forwarding', () => Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(text)?.[1]) || undefined);
    return { child, local };
  };

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    clusters = new ClusterService(KubeconfigService.fromString(sb.dc.kubeconfigYaml(), 'sandbox'), { idleCloseMs: 0 });
    forwards = new PortForwardService({ connection: (id) => clusters.connection(id) });
    // One replica, so kubectl and Capstan cannot pick different pods behind the Service.
    await kubectl(['scale', 'deployment', 'orders-uat', '--replicas=1']);
    await waitFor('one orders-uat pod', async () =>
      (await podsOf('orders-uat')).length === 1 && (await readyPods('orders-uat')).length === 1 ? true : undefined,
    );
    await sb.request('uat', 'POST', '/api/v1/namespaces/shop/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        selector: { 'app.kubernetes.io/instance': 'orders-uat' },
        ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  });
  afterAll(async () => {
    forwards?.dispose();
    clusters?.dispose();
    await sb?.close();
  });

  it('a pod forward carries the same bytes as kubectl port-forward pod', async () => {
    const [pod] = await readyPods('orders-uat');
    const port = JSON.parse(await kubectl(['get', 'pod', pod!, '-o', 'json'])).spec.containers[0].ports[0].containerPort as number;
    const k = await kubectlForward(`pod/${pod}`, port);
    const c = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'pod', name: pod!, remotePort: port });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    try {
      for (const req of requests) {
        const theirs = await exchange(k.local, req);
        const ours = await exchange(c.value.localPort, req);
        expect(theirs).toContain(`HTTP/1.1 200 OK`);
        expect(ours).toBe(theirs);
      }
      await waitFor('the counters', () => {
        const f = forwards.list().find((x) => x.id === c.value.id);
        return f && f.connections.total === 3 && f.connections.open === 0 && f.bytes.sent > 300_000 ? f : undefined;
      });
    } finally {
      k.child.kill();
      forwards.stop(c.value.id);
    }
  });

  it('a Service forward carries the same bytes as kubectl port-forward svc/, translating the named targetPort', async () => {
    const k = await kubectlForward('svc/orders', 80);
    const c = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'service', name: 'orders', remotePort: 80 });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    try {
      for (const req of requests) expect(await exchange(c.value.localPort, req)).toBe(await exchange(k.local, req));
    } finally {
      k.child.kill();
      forwards.stop(c.value.id);
    }
  });

  it('refuses a Service port the Service does not have, naming the ones it has', async () => {
    const c = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'service', name: 'orders', remotePort: 81 });
    expect(c.ok ? null : c.error.message).toBe('Service orders has no port 81; its ports are 80 (web). Choose one of its ports.');
  });

  it('a Service forward keeps answering after the selected pod is deleted and replaced', async () => {
    const c = await forwards.start({ clusterId: 'uat', namespace: 'shop', kind: 'service', name: 'orders', remotePort: 80 });
    if (!c.ok) throw new Error(c.error.message);
    const get = 'GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const [first] = await readyPods('orders-uat');
    expect(await exchange(c.value.localPort, get)).toContain(`Hello from shop/${first}`);
    // kubectl's forward of the same Service, on the pod it picked at start.
    const k = await kubectlForward('svc/orders', 80);
    expect(await exchange(k.local, get)).toContain(`Hello from shop/${first}`);
    const kubectlExit = new Promise<number | null>((resolve) => k.child.on('exit', resolve));
    let kubectlText = '';
    k.child.stderr!.on('data', (d: Buffer) => (kubectlText += d.toString()));
    await kubectl(['delete', 'pod', first!, '--wait=false']);
    // Connections made while no pod is ready fail (and are counted); the forward itself stays.
    const answer = await waitFor(
      'an answer from the replacement pod',
      async () => {
        const a = await exchange(c.value.localPort, get).catch(() => '');
        return /Hello from shop\/(\S+),/.exec(a)?.[1] !== first && a.includes('HTTP/1.1 200 OK') ? a : undefined;
      },
      60_000,
    );
    const [second] = await readyPods('orders-uat');
    expect(second).not.toBe(first);
    expect(answer).toContain(`Hello from shop/${second}, container orders`);
    const info = await waitFor('the list to name the new pod', () =>
      forwards.list().find((f) => f.id === c.value.id && f.pod === second && f.state === 'active'),
    );
    expect(info.reselections).toBe(1);
    expect(info.localPort).toBe(c.value.localPort);
    // kubectl's forward died with its pod, as on a real cluster.
    expect(await kubectlExit).not.toBe(0);
    expect(kubectlText).toContain('lost connection to pod');
    forwards.stop(c.value.id);
  });

  it('a debug container has the spec kubectl debug -it creates, runs, takes the shell and ends with it', async () => {
    const search = JSON.parse(await kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json'], 'fat')).items[0];
    const pod = search.metadata.name as string;
    const container = search.spec.containers[0].name as string;
    // kubectl's own: -it with the target's process namespace, attached, then exited.
    const child = sb.spawnKubectl('fat', ['debug', '-it', pod, '--image=busybox:1.36', `--target=${container}`, '-c', 'kdbg']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor('kubectl attached', () => (out.includes("If you don't see a command prompt") ? true : undefined));
    child.stdin.end('exit\n');
    await exited;

    const r = await startDebugContainer(
      { connection: (id) => clusters.connection(id), pollMs: 100 },
      { clusterId: 'fat', namespace: 'shop', pod, target: container, image: 'busybox:1.36' },
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.container).toMatch(/^debugger-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const spec = JSON.parse(await kubectl(['get', 'pod', pod, '-o', 'json'], 'fat')).spec.ephemeralContainers as { name: string }[];
    const theirs = spec.find((c) => c.name === 'kdbg');
    const ours = spec.find((c) => c.name === r.value.container);
    expect(theirs).toBeDefined();
    expect({ ...ours, name: 'x' }).toEqual({ ...theirs, name: 'x' });
    expect(ours).toMatchObject({ image: 'busybox:1.36', stdin: true, tty: true, targetContainerName: container });

    // The shell tab attaches to it: what is typed runs there, and exiting ends the container.
    const exec = new ExecService((id) => clusters.connection(id));
    let text = '';
    let exit: unknown;
    const s = await exec.open(
      'fat',
      { namespace: 'shop', pod, container: r.value.container, command: [], stdin: true, tty: true, attach: true },
      { data: (_c, d) => (text += d.toString()), end: (e) => (exit = e) },
    );
    if (!s.ok) throw new Error(s.error.message);
    s.value.write('echo from-capstan-debug\n');
    await waitFor('the echo', () => (text.includes('from-capstan-debug\r\n') ? true : undefined));
    s.value.write('exit\n');
    await waitFor('the end of the shell', () => exit);
    await waitFor('the debug container terminated', async () => {
      const st = JSON.parse(await kubectl(['get', 'pod', pod, '-o', 'json'], 'fat')).status.ephemeralContainerStatuses?.find(
        (x: { name: string }) => x.name === r.value.container,
      );
      return st?.state.terminated?.reason === 'Completed' ? true : undefined;
    });
  });

  it('explains why a crash-looping container takes no shell, as kubectl describe would', async () => {
    const h = execHandlers(new ExecService((id) => clusters.connection(id)), (id) => clusters.connection(id));
    const search = await waitFor('a search pod that has restarted and is not running', async () => {
      const p = JSON.parse(await kubectl(['get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json'], 'fat')).items[0];
      const st = p.status.containerStatuses?.[0];
      return st && !st.state.running && st.restartCount > 0 ? p : undefined;
    });
    const r = await h['exec.explain']({ clusterId: 'fat', namespace: 'shop', pod: search.metadata.name });
    if (!r.ok) throw new Error(r.error.message);
    const st = search.status.containerStatuses[0];
    expect(r.value.running).toBe(false);
    expect(r.value.restartCount).toBeGreaterThanOrEqual(st.restartCount);
    expect(r.value.last?.exitCode).toBe(st.lastState.terminated.exitCode);
    expect(r.value.summary).toMatch(
      /^Container search is not running: (waiting \(CrashLoopBackOff\)|terminated \(Error, exit code \d+\)), \d+ restarts?; last exit code \d+ \(Error\)\.$|^Container search is not running: terminated/,
    );
    const missing = await h['exec.explain']({ clusterId: 'fat', namespace: 'shop', pod: search.metadata.name, container: 'nope' });
    expect(missing.ok && missing.value.summary).toBe(
      `Pod ${search.metadata.name} has no container nope; its containers are search, kdbg, ${missing.ok ? missing.value.containers[2] : ''}.`,
    );
    const gone = await h['exec.explain']({ clusterId: 'fat', namespace: 'shop', pod: 'no-such-pod' });
    expect(gone.ok && gone.value.state).toBe('pod-missing');
  });
});
