/**
 * Fidelity: the machine's real kubectl, unmodified, against the sandbox API servers.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

const hasKubectl = existsSync(KUBECTL);

describe.skipIf(!hasKubectl)('kubectl against the sandbox', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  const ok = (args: string[], timeoutMs?: number) => sb.kubectlOk(args, { timeoutMs });
  const image = (ctx: string, ns: string, deploy: string) =>
    ok(['--context', ctx, '-n', ns, 'get', 'deploy', deploy, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 50 });
  });
  afterAll(() => sb?.close());

  it('get pods -A -o json lists every pod as a v1 List', async () => {
    const out = JSON.parse(await ok(['--context', 'pro-east', 'get', 'pods', '-A', '-o', 'json']));
    expect(out.kind).toBe('List');
    expect(out.items.length).toBe(sb.dc.cluster('pro-east').store.count('pods'));
    expect(out.items[0].kind).toBe('Pod');
    expect(out.items[0].status.containerStatuses[0].imageID).toMatch(/@sha256:/);
  });

  it('get pods -A -o wide prints the server-side table with wide columns', async () => {
    const out = await ok(['--context', 'uat', 'get', 'pods', '-A', '-o', 'wide']);
    const [header, ...rows] = out.trim().split('\n');
    expect(header).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(rows.length).toBe(sb.dc.cluster('uat').store.count('pods'));
    expect(rows.some((r) => /\s1\/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+uat-worker-\d+/.test(r))).toBe(true);
  });

  it('get deploy shows readiness and up-to-date counts', async () => {
    const out = await ok(['--context', 'pro-west', 'get', 'deploy', '-n', 'shop']);
    expect(out).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(out).toMatch(/orders-pro\s+6\/6\s+6\s+6\s+/);
  });

  it('describe pod shows status, conditions and kubelet events of a crash-looping pod', async () => {
    const name = await waitFor('a restarted search pod', async () => {
      const pods = JSON.parse(
        await ok(['--context', 'fat', '-n', 'shop', 'get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json']),
      );
      const pod = pods.items.find(
        (p: { status: { containerStatuses?: { restartCount: number }[] } }) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      );
      return pod?.metadata.name as string | undefined;
    });
    const out = await ok(['--context', 'fat', '-n', 'shop', 'describe', 'pod', name]);
    expect(out).toContain(`Name:             ${name}`);
    expect(out).toMatch(/Restart Count:\s+[1-9]/);
    expect(out).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(out).toMatch(/Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container search/);
    expect(out).toMatch(/PodScheduled\s+True/);
    const previous = await ok(['--context', 'fat', '-n', 'shop', 'logs', name, '--previous']);
    expect(previous).toContain('Application run failed');
  });

  it('logs prints the tail of a running container, with timestamps', async () => {
    const pods = JSON.parse(
      await ok(['--context', 'uat', '-n', 'shop', 'get', 'pods', '-l', 'app.kubernetes.io/instance=orders-uat', '-o', 'json']),
    );
    const out = await ok(['--context', 'uat', '-n', 'shop', 'logs', pods.items[0].metadata.name, '--tail=3', '--timestamps']);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    // A timestamp, one space, then the line as the container wrote it (a stack trace's "\tat …" too).
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z(\s|$)/);
  });

  it('get pods --watch receives the pods a scale-up creates', async () => {
    const child = sb.spawnKubectl('uat', ['get', 'pods', '-l', 'app.kubernetes.io/name=cart', '--watch', '--no-headers']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the initial rows', () => (out.split('\n').filter(Boolean).length >= 2 ? true : undefined));
      const before = new Set(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0]),
      );
      await ok(['--context', 'uat', '-n', 'shop', 'scale', 'deploy/cart-uat', '--replicas=3']);
      const added = await waitFor('a watched new pod', () =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0])
          .find((n) => n && !before.has(n)),
      );
      expect(added).toMatch(/^cart-uat-/);
    } finally {
      child.kill();
    }
  });

  it('scale --replicas changes spec.replicas and the pods follow', async () => {
    await ok(['--context', 'fat', '-n', 'shop', 'scale', 'deploy/payments-fat', '--replicas=3']);
    const ready = await waitFor('3 ready replicas', async () => {
      const d = JSON.parse(await ok(['--context', 'fat', '-n', 'shop', 'get', 'deploy', 'payments-fat', '-o', 'json']));
      return d.status.readyReplicas === 3 && d.spec.replicas === 3 ? d : undefined;
    });
    expect(ready.status.availableReplicas).toBe(3);
  });

  it('set image rolls out a new ReplicaSet at revision 2; rollout status completes; history lists both', async () => {
    const ctx = ['--context', 'pro-east', '-n', 'shop'];
    const next = 'harbor-east.sandbox.local/shop/catalog:2.1.0';
    await ok([...ctx, 'set', 'image', 'deploy/catalog-pro', `catalog=${next}`]);
    const status = await ok([...ctx, 'rollout', 'status', 'deploy/catalog-pro', '--timeout=60s'], 70_000);
    expect(status).toContain('deployment "catalog-pro" successfully rolled out');
    const rs = JSON.parse(await ok([...ctx, 'get', 'rs', '-l', 'app.kubernetes.io/instance=catalog-pro', '-o', 'json']));
    const current = rs.items.find(
      (r: { spec: { template: { spec: { containers: { image: string }[] } } } }) => r.spec.template.spec.containers[0]!.image === next,
    );
    expect(current.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(current.metadata.labels['pod-template-hash']).toBeTruthy();
    expect(current.status.readyReplicas).toBe(8);
    const history = await ok([...ctx, 'rollout', 'history', 'deploy/catalog-pro']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
  }, 90_000);

  it('rollout undo restores the previous image as a new revision', async () => {
    const ctx = ['--context', 'pro-west', '-n', 'shop'];
    const before = await image('pro-west', 'shop', 'payments-pro');
    await ok([...ctx, 'set', 'image', 'deploy/payments-pro', 'payments=harbor-west.sandbox.local/shop/payments:3.3.0']);
    await ok([...ctx, 'rollout', 'status', 'deploy/payments-pro', '--timeout=60s'], 70_000);
    await ok([...ctx, 'rollout', 'undo', 'deploy/payments-pro']);
    await ok([...ctx, 'rollout', 'status', 'deploy/payments-pro', '--timeout=60s'], 70_000);
    expect(await image('pro-west', 'shop', 'payments-pro')).toBe(before);
    const d = JSON.parse(await ok([...ctx, 'get', 'deploy', 'payments-pro', '-o', 'json']));
    // Seeded history has revisions 1 (3.2.0) and 2 (3.2.1); set image made 3; undo re-used 2's RS as 4.
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
    const history = await ok([...ctx, 'rollout', 'history', 'deploy/payments-pro']);
    expect(history).toMatch(/\n1\s+<none>\n3\s+<none>\n4\s+<none>/);
  }, 120_000);

  it('rollout status of a crash-looping version does not report success', async () => {
    const ctx = ['--context', 'uat', '-n', 'shop'];
    await ok([...ctx, 'set', 'image', 'deploy/search-uat', 'search=harbor-east.sandbox.local/shop/search:7.4.0']);
    const r = await sb.kubectl([...ctx, 'rollout', 'status', 'deploy/search-uat', '--timeout=3s']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('Waiting for deployment "search-uat" rollout to finish');
  });

  it('apply -f creates and then patches a Deployment (client-side validation against served OpenAPI)', async () => {
    const manifest = (image: string) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
        },
      });
    const dir = mkdtempSync(join(tmpdir(), 'capstan-apply-'));
    const file = join(dir, 'web.json');
    try {
      writeFileSync(file, manifest('nginx:1.27'));
      expect(await ok(['--context', 'fat', 'apply', '-f', file])).toContain('deployment.apps/web created');
      writeFileSync(file, manifest('nginx:1.28'));
      expect(await ok(['--context', 'fat', 'apply', '-f', file])).toContain('deployment.apps/web configured');
      await ok(['--context', 'fat', 'rollout', 'status', 'deploy/web', '--timeout=30s'], 40_000);
      expect(await image('fat', 'default', 'web')).toBe('nginx:1.28');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('delete pod terminates gracefully and the ReplicaSet replaces it', async () => {
    const ctx = ['--context', 'pro-west', '-n', 'platform'];
    const before = JSON.parse(await ok([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/instance=gateway-pro', '-o', 'json'])).items.map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    expect(await ok([...ctx, 'delete', 'pod', before[0]])).toContain(`pod "${before[0]}" deleted`);
    const after = await waitFor('a replacement pod', async () => {
      const names = JSON.parse(await ok([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/instance=gateway-pro', '-o', 'json'])).items.map(
        (p: { metadata: { name: string } }) => p.metadata.name,
      );
      return names.length === before.length && !names.includes(before[0]) ? names : undefined;
    });
    expect(after).toHaveLength(6);
  });

  it('rollout pause holds a template change; resume rolls it out; restart rolls new pods', async () => {
    const ctx = ['--context', 'uat', '-n', 'platform'];
    await ok([...ctx, 'rollout', 'pause', 'deploy/gateway-uat']);
    await ok([...ctx, 'set', 'image', 'deploy/gateway-uat', 'gateway=harbor-east.sandbox.local/shop/gateway:5.0.1']);
    const paused = await waitFor('DeploymentPaused', async () => {
      const d = JSON.parse(await ok([...ctx, 'get', 'deploy', 'gateway-uat', '-o', 'json']));
      return d.status.conditions.some((c: { reason: string }) => c.reason === 'DeploymentPaused') ? d : undefined;
    });
    expect(paused.status.updatedReplicas ?? 0).toBe(0);
    const undo = await sb.kubectl([...ctx, 'rollout', 'undo', 'deploy/gateway-uat']);
    expect(undo.stderr).toContain('you cannot rollback a paused deployment');
    await ok([...ctx, 'rollout', 'resume', 'deploy/gateway-uat']);
    await ok([...ctx, 'rollout', 'status', 'deploy/gateway-uat', '--timeout=60s'], 70_000);
    const before = JSON.parse(await ok([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/instance=gateway-uat', '-o', 'json'])).items.map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    await ok([...ctx, 'rollout', 'restart', 'deploy/gateway-uat']);
    await ok([...ctx, 'rollout', 'status', 'deploy/gateway-uat', '--timeout=60s'], 70_000);
    const d = JSON.parse(await ok([...ctx, 'get', 'deploy', 'gateway-uat', '-o', 'json']));
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    const after = await waitFor('old pods gone', async () => {
      const names = JSON.parse(await ok([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/instance=gateway-uat', '-o', 'json'])).items.map(
        (p: { metadata: { name: string } }) => p.metadata.name,
      );
      return names.length === 2 && names.every((n: string) => !before.includes(n)) ? names : undefined;
    });
    expect(after).toHaveLength(2);
  }, 120_000);
});
