/**
 * The troubleshooting commands, with the machine's real kubectl: `kubectl cp` both ways (tar in
 * the sandbox shell) and `kubectl debug` (an ephemeral container, attached).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('kubectl troubleshooting against the sandbox', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  let pod: string;
  const ok = async (args: string[]) => {
    const r = await sb.kubectl(['--context', 'uat', '-n', 'shop', ...args]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'capstan-troubleshoot-'));
    pod = JSON.parse((await ok(['get', 'pods', '-l', 'app.kubernetes.io/instance=orders-uat', '-o', 'json'])).stdout).items[0].metadata.name;
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl cp copies a log file and a directory out of a container, as cat shows them', async () => {
    const r = await ok(['cp', `${pod}:/opt/logs/gc.log`, join(dir, 'gc.log')]);
    // kubectl relays the remote tar's stderr on its own stdout.
    expect(r.stdout).toContain("tar: removing leading '/' from member names");
    const copied = readFileSync(join(dir, 'gc.log'), 'utf8');
    const catted = (await ok(['exec', pod, '--', 'cat', '/opt/logs/gc.log'])).stdout;
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
    expect((await ok(['exec', pod, '--', 'cat', '/tmp/note.txt'])).stdout).toBe('hello from the laptop\n');
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'a.yaml'), 'a: 1\n');
    await ok(['cp', join(dir, 'conf'), `${pod}:/tmp/conf`]);
    expect((await ok(['exec', pod, '--', 'ls', '/tmp'])).stdout.split('\n')).toEqual(expect.arrayContaining(['conf', 'note.txt']));
    expect((await ok(['exec', pod, '--', 'cat', '/tmp/conf/a.yaml'])).stdout).toBe('a: 1\n');
    const missing = await sb.kubectl(['--context', 'uat', '-n', 'shop', 'cp', `${pod}:/opt/nothing`, join(dir, 'x')]);
    expect(missing.stdout + missing.stderr).toContain('tar: opt/nothing: Cannot stat: No such file or directory');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('kubectl debug -i adds an ephemeral container, attaches to its shell, and the container terminates when the shell exits', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', sb.kubeconfig, '--context', 'uat', '-n', 'shop', 'debug', '-i', pod, '--image=busybox:1.36', '--profile=general', '-c', 'dbg']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor('the attach prompt', () => (out.includes("If you don't see a command prompt") ? true : undefined));
    child.stdin.end('echo from-debug\nhostname\nexit\n');
    expect(await exited).toBe(0);
    expect(out).toContain('from-debug');
    expect(out).toContain(pod);
    const p = JSON.parse((await ok(['get', 'pod', pod, '-o', 'json'])).stdout);
    expect(p.spec.ephemeralContainers).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox:1.36' })]);
    await waitFor('the debug container terminated', async () => {
      const st = JSON.parse((await ok(['get', 'pod', pod, '-o', 'json'])).stdout).status.ephemeralContainerStatuses?.[0];
      return st?.state.terminated?.reason === 'Completed' ? true : undefined;
    });
    // An ephemeral container can be added, never changed or removed.
    const again = await sb.kubectl(['--context', 'uat', '-n', 'shop', 'debug', pod, '--image=busybox:1.36', '--profile=general', '-c', 'dbg']);
    expect(again.code).not.toBe(0);
  });
});
