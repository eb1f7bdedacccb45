/**
 * Real kubectl exec (WebSocket, v5.channel.k8s.io) against the sandbox's exec subresource:
 * commands, exit codes, interactive stdin, a container without a shell, 403.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExecSessions } from '../../src-sandbox/exec/ws-exec';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('kubectl exec against the sandbox', () => {
  let sb: TestSandbox;
  let pod: string;
  const k = (args: string[]) => sb.kubectl(['--context', 'uat', '-n', 'shop', ...args]);

  beforeAll(async () => {
    sb = await startTestSandbox();
    pod = (await k(['get', 'pods', '-l', 'app.kubernetes.io/instance=orders-uat', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
  });
  afterAll(() => sb?.close());

  it('runs a command: ls /opt/logs lists the Tomcat log files', async () => {
    const r = await k(['exec', pod, '--', 'ls', '/opt/logs']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['catalina.out', 'gc.log', 'localhost_access_log.txt', '']);
  });

  it('passes the exit code through the status channel', async () => {
    const r = await k(['exec', pod, '--', 'sh', '-c', 'echo out; cat /nope; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain("cat: can't open '/nope'");
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('tail -n, env and ps work', async () => {
    const tail = await k(['exec', pod, '--', 'tail', '-n', '3', '/opt/logs/localhost_access_log.txt']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(3);
    expect(tail.stdout).toMatch(/"GET \/api\/orders\/\d+ HTTP\/1.1" \d{3}/);
    expect((await k(['exec', pod, '--', 'env'])).stdout).toContain(`HOSTNAME=${pod}`);
    expect((await k(['exec', pod, '--', 'ps'])).stdout).toContain('java');
  });

  it('is interactive over stdin (kubectl exec -i ... -- sh)', async () => {
    const child = sb.spawnKubectl('uat', ['exec', '-i', pod, '--', 'sh']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.write('echo first\n');
    await waitFor('first answer', () => out.includes('first') || undefined);
    expect(openExecSessions(sb.dc.cluster('uat').store)).toBe(1);
    child.stdin.write('cd /opt/logs\npwd\nexit 4\n');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(out).toBe('first\n/opt/logs\n');
    expect(code).toBe(4);
    await waitFor('session closed', () => openExecSessions(sb.dc.cluster('uat').store) === 0 || undefined);
  });

  it('killing the client ends the remote process (tail -F)', async () => {
    const child = sb.spawnKubectl('uat', ['exec', pod, '--', 'tail', '-n', '1', '-F', '/opt/logs/catalina.out']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('tail output', () => out.length > 0 || undefined);
    expect(openExecSessions(sb.dc.cluster('uat').store)).toBe(1);
    child.kill('SIGTERM');
    await waitFor('session closed', () => openExecSessions(sb.dc.cluster('uat').store) === 0 || undefined);
  });

  it('a container without a shell gives a clear error', async () => {
    expect((await k(['annotate', 'pod', pod, 'sandbox.capstan.io/no-shell=true'])).code).toBe(0);
    const r = await k(['exec', pod, '--', 'sh']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('executable file not found in $PATH');
    await k(['annotate', 'pod', pod, 'sandbox.capstan.io/no-shell-']);
  });

  it('exec forbidden (403) is reported as such', async () => {
    sb.dc.setFault('uat', { kind: 'http-status', status: 403, paths: /\/exec$/ });
    try {
      const r = await k(['exec', pod, '--', 'ls']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/forbidden/i);
    } finally {
      sb.dc.setFault('uat', null);
    }
  });
});
