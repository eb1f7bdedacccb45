/**
 * The troubleshooting commands, with the machine's real kubectl: `kubectl cp` both ways (tar in
 * the sandbox shell).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox } from './kube-sandbox-helpers';

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
});
