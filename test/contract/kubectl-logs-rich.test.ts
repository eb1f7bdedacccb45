/**
 * Real kubectl logs against the sandbox's rich log generator (configureLogs): -f, --timestamps,
 * --tail, --since-time (second precision), --previous after a restart, and -f ending when the
 * container restarts.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureLogs } from '../../src-sandbox/logs/config';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

describe.skipIf(!existsSync(KUBECTL))('kubectl logs against the rich sandbox logs', () => {
  let sb: TestSandbox;
  let pod: string;
  const k = (args: string[], ctx = 'uat') => sb.kubectl(['--context', ctx, '-n', 'shop', ...args]);

  beforeAll(async () => {
    sb = await startTestSandbox();
    for (const c of sb.dc.clusters) configureLogs(sb.dc.cluster(c.name).store, { rate: 200 });
    pod = (await k(['get', 'pods', '-l', 'app.kubernetes.io/instance=orders-uat', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
  });
  afterAll(() => sb?.close());

  it('--tail --timestamps prints nanosecond timestamps, distinct and ordered', async () => {
    const r = await k(['logs', pod, '--tail=500', '--timestamps']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(500);
    for (const l of lines) expect(l).toMatch(TS);
    const ts = lines.map((l) => l.slice(0, 30));
    expect(new Set(ts).size).toBe(500);
    expect([...ts].sort()).toEqual(ts);
    expect(r.stdout).toMatch(/ERROR .*\n.*java\.net\.SocketTimeoutException/);
    expect(r.stdout).toContain('[gc] GC(');
  });

  it('--since-time returns lines from that second on, and agrees with the earlier read', async () => {
    const all = (await k(['logs', pod, '--tail=400', '--timestamps'])).stdout.trim().split('\n');
    const second = all[200]!.slice(0, 19) + 'Z';
    const since = (await k(['logs', pod, '--since-time', second, '--timestamps'])).stdout.trim().split('\n');
    expect(since[0]!.slice(0, 19)).toBe(second.slice(0, 19));
    const overlap = all.filter((l) => l.slice(0, 19) + 'Z' >= second);
    expect(since.slice(0, overlap.length)).toEqual(overlap);
  });

  it('-f streams new lines as they are written', async () => {
    const child = sb.spawnKubectl('uat', ['logs', '-f', '--tail=0', pod]);
    let n = 0;
    child.stdout.on('data', (d: Buffer) => (n += d.toString().split('\n').length - 1));
    await waitFor('100 followed lines', () => n >= 100 || undefined);
    child.kill();
  });

  it('--previous shows the crashed instance; -f ends when the container restarts', async () => {
    const name = await waitFor(
      'a restarted search pod in fat',
      async () => {
        const pods = JSON.parse((await k(['get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json'], 'fat')).stdout);
        return pods.items.find(
          (p: { status: { containerStatuses?: { restartCount: number; state: { running?: unknown } }[] } }) =>
            p.status.containerStatuses?.[0]?.restartCount && p.status.containerStatuses[0].state.running,
        )?.metadata.name as string | undefined;
      },
      30_000,
    );
    const prev = await k(['logs', name, '--previous', '--timestamps'], 'fat');
    expect(prev.code).toBe(0);
    expect(prev.stdout).toContain('Starting Application');
    // A crash-looping container exits soon: -f must end on its own, not hang.
    const r = await sb.kubectl(['--context', 'fat', '-n', 'shop', 'logs', '-f', name], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Started Application');
  });
});
