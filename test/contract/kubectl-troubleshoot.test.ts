/**
 * The troubleshooting commands, with the machine's real kubectl: `kubectl cp` both ways (tar in
 * the sandbox shell), `kubectl debug` (an ephemeral container, attached) and `kubectl
 * port-forward` (WebSocket tunnel and SPDY fallback), plus the channel WebSocket port-forward
 * protocol client libraries use.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { WebSocket } from 'ws';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('kubectl troubleshooting against the sandbox', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  let pod: string;
  const ok = (args: string[]) => sb.kubectlOk(['--context', 'uat', '-n', 'shop', ...args]);
  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'capstan-troubleshoot-'));
    pod = JSON.parse(await ok(['get', 'pods', '-l', 'app.kubernetes.io/instance=orders-uat', '-o', 'json'])).items[0].metadata.name;
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl cp copies a log file and a directory out of a container, as cat shows them', async () => {
    const r = await ok(['cp', `${pod}:/opt/logs/gc.log`, join(dir, 'gc.log')]);
    // kubectl relays the remote tar's stderr on its own stdout.
    expect(r).toContain("tar: removing leading '/' from member names");
    const copied = readFileSync(join(dir, 'gc.log'), 'utf8');
    const catted = await ok(['exec', pod, '--', 'cat', '/opt/logs/gc.log']);
    expect(copied.split('\n').length).toBeGreaterThan(10);
    // The file grows between the two reads; the copy is a prefix of what cat printed later.
    expect(catted.startsWith(copied.split('\n').slice(0, -2).join('\n'))).toBe(true);
    await ok(['cp', `${pod}:/opt/logs`, join(dir, 'logs')]);
    expect(readFileSync(join(dir, 'logs', 'catalina.out'), 'utf8')).toContain('c.s.orders.');
    expect(existsSync(join(dir, 'logs', 'localhost_access_log.txt'))).toBe(true);
  });

  it('kubectl cp copies a file and a directory into a container, where the shell then sees them', async () => {
    writeFileSync(join(dir, 'note.txt'), 'hello from the laptop\n');
    await ok(['cp', join(dir, 'note.txt'), `${pod}:/tmp/note.txt`]);
    expect(await ok(['exec', pod, '--', 'cat', '/tmp/note.txt'])).toBe('hello from the laptop\n');
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'a.yaml'), 'a: 1\n');
    await ok(['cp', join(dir, 'conf'), `${pod}:/tmp/conf`]);
    expect((await ok(['exec', pod, '--', 'ls', '/tmp'])).split('\n')).toEqual(expect.arrayContaining(['conf', 'note.txt']));
    expect(await ok(['exec', pod, '--', 'cat', '/tmp/conf/a.yaml'])).toBe('a: 1\n');
    await sb.kubectl(['--context', 'uat', '-n', 'shop', 'cp', `${pod}:/opt/nothing`, join(dir, 'x')]);
    // kubectl may stop relaying the remote stderr once the (empty) archive has ended, so only the result is certain.
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('kubectl debug -i adds an ephemeral container, attaches to its shell, and the container terminates when the shell exits', async () => {
    const child = sb.spawnKubectl('uat', ['debug', '-i', pod, '--image=busybox:1.36', '--profile=general', '-c', 'dbg']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor('the attach prompt', () => (out.includes("If you don't see a command prompt") ? true : undefined));
    child.stdin.end('echo from-debug\nhostname\nexit\n');
    expect(await exited).toBe(0);
    expect(out).toContain('from-debug');
    expect(out).toContain(pod);
    const p = JSON.parse(await ok(['get', 'pod', pod, '-o', 'json']));
    expect(p.spec.ephemeralContainers).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox:1.36' })]);
    await waitFor('the debug container terminated', async () => {
      const st = JSON.parse(await ok(['get', 'pod', pod, '-o', 'json'])).status.ephemeralContainerStatuses?.[0];
      return st?.state.terminated?.reason === 'Completed' ? true : undefined;
    });
    // An ephemeral container can be added, never changed or removed.
    const again = await sb.kubectl([
      '--context',
      'uat',
      '-n',
      'shop',
      'debug',
      pod,
      '--image=busybox:1.36',
      '--profile=general',
      '-c',
      'dbg',
    ]);
    expect(again.code).not.toBe(0);
  });

  /** `kubectl port-forward pod :8080 …` until it prints its local ports; the child and its output. */
  const portForward = async (ports: string[], env: Record<string, string> = {}) => {
    const child = sb.spawnKubectl('uat', ['port-forward', pod, ...ports], {
      env: { ...process.env, ...env },
    });
    const log = { text: '' };
    child.stdout.on('data', (d: Buffer) => (log.text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log.text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const local = await waitFor('the forwarding lines', () => {
      const found = [...log.text.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)].map(
        (m) => [Number(m[2]), Number(m[1])] as const,
      );
      return found.length === ports.length ? new Map(found) : undefined;
    });
    return { child, log, exited, local };
  };

  for (const [mode, env] of [
    ['the WebSocket tunnel', {}],
    ['the SPDY fallback', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ] as const) {
    it(`kubectl port-forward over ${mode} reaches the container's HTTP port, connection after connection`, async () => {
      const pf = await portForward([':8080'], env);
      try {
        const base = `http://127.0.0.1:${pf.local.get(8080)}`;
        const health = await fetch(`${base}/actuator/health/readiness`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'UP' });
        for (let i = 0; i < 3; i++) {
          const page = await (await fetch(`${base}/orders/${i}?q=x`, { headers: { Connection: 'close' } })).text();
          expect(page).toBe(`Hello from shop/${pod}, container orders (${await podImage()}), port 8080: GET /orders/${i}?q=x\n`);
        }
        const posted = await fetch(`${base}/submit`, { method: 'POST', body: 'x'.repeat(200_000) });
        expect(await posted.text()).toContain('POST /submit');
      } finally {
        pf.child.kill();
      }
    });
  }

  const podImage = async () => JSON.parse(await ok(['get', 'pod', pod, '-o', 'json'])).spec.containers[0].image as string;

  it("a port nothing listens on is refused with the kubelet's error, and kubectl port-forward gives up as it does on a real cluster", async () => {
    const pf = await portForward([':9999']);
    const res = await fetch(`http://127.0.0.1:${pf.local.get(9999)}/`).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(Error);
    expect(await pf.exited).not.toBe(0);
    expect(pf.log.text).toContain('an error occurred forwarding');
    expect(pf.log.text).toContain('dial tcp4 127.0.0.1:9999: connect: connection refused');
    expect(pf.log.text).toContain('lost connection to pod');
  });

  it('the channel WebSocket protocol (v4.channel.k8s.io, ?ports=) forwards one connection per port', async () => {
    const c = sb.dc.cluster('uat');
    const ws = new WebSocket(
      `${c.url.replace('https', 'wss')}/api/v1/namespaces/shop/pods/${pod}/portforward?ports=8080`,
      ['v4.channel.k8s.io'],
      { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } },
    );
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    try {
      await waitFor('the two port announcements', () => (frames.length >= 2 ? true : undefined));
      expect(frames.slice(0, 2).map((f) => [...f])).toEqual([
        [0, 0x90, 0x1f],
        [1, 0x90, 0x1f],
      ]);
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /actuator/health HTTP/1.1\r\nHost: x\r\n\r\n')]));
      const body = await waitFor('the HTTP response on channel 0', () => {
        const text = Buffer.concat(
          frames
            .slice(2)
            .filter((f) => f[0] === 0)
            .map((f) => f.subarray(1)),
        ).toString();
        return text.includes('{"status":"UP"}') ? text : undefined;
      });
      expect(body).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    } finally {
      ws.close();
    }
  });
});
