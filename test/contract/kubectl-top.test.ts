/**
 * Fidelity of the sandbox's metrics.k8s.io and kubelet summary: the machine's real `kubectl top`
 * against it, and the raw documents checked for the shapes clients rely on.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBytes, parseCpuCores } from '../../src-shared/metrics/quantity';
import { metricsControl } from '../../src-sandbox/metrics/metrics-server';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

const hasKubectl = existsSync(KUBECTL);

describe.skipIf(!hasKubectl)('kubectl top against the sandbox', () => {
  let sb: TestSandbox;
  const run = (args: string[]) => sb.kubectl(args);
  const ok = (args: string[]) => sb.kubectlOk(args);

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 50 });
  });
  afterAll(() => sb?.close());

  it('top node prints usage and percentages of allocatable for every node', async () => {
    const out = await ok(['--context', 'uat', 'top', 'node']);
    const [header, ...rows] = out.trim().split('\n');
    expect(header).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)/);
    expect(rows).toHaveLength(sb.dc.cluster('uat').store.count('nodes'));
    for (const r of rows) expect(r).toMatch(/^uat-worker-\d+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
  });

  it('top pod -n shop lists running pods with CPU and memory; -A and --containers work', async () => {
    const out = await ok(['--context', 'pro-east', 'top', 'pod', '-n', 'shop']);
    const [header, ...rows] = out.trim().split('\n');
    expect(header).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => /^\S+\s+\d+m\s+\d+Mi\s*$/.test(r))).toBe(true);
    const all = await ok(['--context', 'pro-east', 'top', 'pod', '-A']);
    expect(all).toMatch(/platform\s+gateway-pro-\S+\s+\d+m\s+\d+Mi/);
    const containers = await ok([
      '--context',
      'pro-east',
      'top',
      'pod',
      '-n',
      'shop',
      '--containers',
      '-l',
      'app.kubernetes.io/name=orders',
    ]);
    expect(containers).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(containers).toMatch(/orders-pro-\S+\s+orders\s+\d+m\s+\d+Mi/);
  });

  it('top pod --sort-by=cpu puts the CPU-hungry app (orders) first', async () => {
    const out = await ok(['--context', 'pro-west', 'top', 'pod', '-n', 'shop', '--sort-by=cpu']);
    const first = out.trim().split('\n')[1]!;
    expect(first).toMatch(/^(orders|catalog)-pro-/);
    expect(Number(/\s(\d+)m\s/.exec(first)![1])).toBeGreaterThan(900);
  });

  it('a leaking container grows towards its limit and is OOMKilled (exit 137, restartCount, CrashLoopBackOff)', async () => {
    // Release the leaking orders 1.6.0 to FAT: cache without eviction.
    await ok(['--context', 'fat', '-n', 'shop', 'set', 'image', 'deploy/orders-fat', 'orders=harbor-east.sandbox.local/shop/orders:1.6.0']);
    // The metrics API is sampled on its own, cheap loop: how often kubectl can be spawned on a busy
    // machine must not decide how many samples of the climb the test sees.
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const m = await sb.get<{
          items: { metadata: { name: string; labels: Record<string, string> }; containers: { usage: { memory: string } }[] }[];
        }>('fat', '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dorders');
        const mem = m.body.items.map((i) => parseBytes(i.containers[0]!.usage.memory)!);
        if (mem.length === 1) samples.push(mem[0]!);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const pod = await waitFor(
      'an OOMKilled orders pod',
      async () => {
        const pods = JSON.parse(
          await ok(['--context', 'fat', '-n', 'shop', 'get', 'pods', '-l', 'app.kubernetes.io/name=orders', '-o', 'json']),
        );
        return pods.items.find(
          (p: { status: { containerStatuses?: { lastState?: { terminated?: { reason: string } } }[] } }) =>
            p.status.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled',
        );
      },
      60_000,
    ).finally(() => (sampling = false));
    await sampler;
    const st = pod.status.containerStatuses[0];
    expect(st.lastState.terminated.exitCode).toBe(137);
    expect(st.restartCount).toBeGreaterThanOrEqual(1);
    expect(st.state.waiting?.reason ?? 'Running').toMatch(/CrashLoopBackOff|Running/);
    // The working set climbed to near the 1Gi limit before the kill.
    expect(Math.max(...samples)).toBeGreaterThan(0.8 * 2 ** 30);
    expect(samples.length).toBeGreaterThan(3);
    expect(Math.min(...samples)).toBeLessThan(Math.max(...samples));
  }, 90_000);

  it('serves the kubelet summary through the node proxy with working set, RSS and cumulative CPU', async () => {
    const node = 'pro-east-worker-01';
    const r = await sb.get<{
      node: { nodeName: string };
      pods: {
        podRef: { name: string };
        containers: {
          name: string;
          cpu: { usageNanoCores: number; usageCoreNanoSeconds: number };
          memory: { workingSetBytes: number; rssBytes: number; usageBytes: number };
        }[];
      }[];
    }>('pro-east', `/api/v1/nodes/${node}/proxy/stats/summary`);
    expect(r.status).toBe(200);
    expect(r.body.node.nodeName).toBe(node);
    expect(r.body.pods.length).toBeGreaterThan(3);
    const c = r.body.pods[0]!.containers[0]!;
    expect(c.memory.rssBytes).toBeLessThan(c.memory.workingSetBytes);
    expect(c.memory.usageBytes).toBeGreaterThan(c.memory.workingSetBytes);
    expect(c.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    // metrics.k8s.io agrees with the summary (both derive from the same model).
    const m = await sb.get<{ containers: { usage: { cpu: string } }[] }>(
      'pro-east',
      `/apis/metrics.k8s.io/v1beta1/namespaces/${(r.body.pods[0] as unknown as { podRef: { namespace: string } }).podRef.namespace}/pods/${r.body.pods[0]!.podRef.name}`,
    );
    expect(parseCpuCores(m.body.containers[0]!.usage.cpu)).toBeCloseTo(c.cpu.usageNanoCores / 1e9, 1);
  });

  it('metrics-server absent: the group leaves discovery, paths 404 and kubectl top says the API is unavailable', async () => {
    const ctl = metricsControl(sb.dc.cluster('uat').store);
    ctl.metricsServer = 'absent';
    try {
      const apis = await sb.get<{ groups: { name: string }[] }>('uat', '/apis');
      expect(apis.body.groups.map((g) => g.name)).not.toContain('metrics.k8s.io');
      expect((await sb.get('uat', '/apis/metrics.k8s.io/v1beta1/pods')).status).toBe(404);
      const r = await run(['--context', 'uat', 'top', 'pod', '-A']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Metrics API not available/);
    } finally {
      ctl.metricsServer = 'ok';
    }
  });

  it('node proxy forbidden: 403 with the apiserver wording', async () => {
    const ctl = metricsControl(sb.dc.cluster('uat').store);
    ctl.nodeProxy = 'forbidden';
    try {
      const r = await sb.get<{ reason: string; message: string }>('uat', '/api/v1/nodes/uat-worker-01/proxy/stats/summary');
      expect(r.status).toBe(403);
      expect(r.body.reason).toBe('Forbidden');
      expect(r.body.message).toMatch(/cannot get resource "nodes\/proxy"/);
    } finally {
      ctl.nodeProxy = 'ok';
    }
  });
});
