import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Datacenter } from './datacenter';
import { startDatacenter } from './datacenter';
import { ScenarioError, loadScenarioFile } from './scenario';
import { sandboxReady, spawnSandboxCli } from './testing/cli';

function get(dc: Datacenter, cluster: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const c = dc.cluster(cluster);
  return new Promise((resolve, reject) => {
    request(`${c.url}${path}`, { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('startDatacenter (default scenario)', () => {
  let dc: Datacenter;
  const dir = mkdtempSync(join(tmpdir(), 'capstan-dc-'));
  beforeAll(async () => {
    dc = await startDatacenter({ clockSpeed: 20 });
  });
  afterAll(async () => {
    await dc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves four clusters with their own tokens and a kubeconfig for them', async () => {
    expect(dc.clusters.map((c) => c.name)).toEqual(['fat', 'uat', 'pro-east', 'pro-west']);
    expect(new Set(dc.clusters.map((c) => c.token)).size).toBe(4);
    const path = join(dir, 'kubeconfig');
    dc.writeKubeconfig(path);
    const kc = parse(readFileSync(path, 'utf8'));
    expect(kc['current-context']).toBe('fat');
    expect(kc.contexts.map((c: { name: string }) => c.name)).toEqual(['fat', 'uat', 'pro-east', 'pro-west']);
    expect(kc.clusters[0].cluster.server).toBe(dc.clusters[0]!.url);
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toContain('BEGIN CERTIFICATE');
    const version = await get(dc, 'uat', '/version');
    expect(version.body.gitVersion).toBe('v1.35.0');
  });

  it('labels release groups as DESIGN.md says and runs two pro groups in pro-east', async () => {
    const { body } = await get(
      dc,
      'pro-east',
      '/apis/apps/v1/namespaces/shop/deployments?labelSelector=app.kubernetes.io/name%3Dorders,capstan.io/group%3Dpro',
    );
    const items = body.items as { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[] } } } }[];
    expect(items.map((d) => d.metadata.name).sort()).toEqual(['orders-pro', 'orders-pro-b']);
    expect(items[0]!.spec.template.spec.containers[0]!.image).toBe('harbor-east.sandbox.local/shop/orders:1.4.2');
    const west = await get(dc, 'pro-west', '/apis/apps/v1/namespaces/shop/deployments/orders-pro');
    expect(JSON.stringify(west.body)).toContain('harbor-west.sandbox.local/shop/orders:1.4.2');
  });

  it('stops a cluster (state kept) and starts it on the same port; other clusters unaffected', async () => {
    const before = dc.cluster('uat');
    const rv = before.store.resourceVersion;
    await dc.stopCluster('uat');
    expect(dc.cluster('uat').running).toBe(false);
    await expect(get(dc, 'uat', '/api/v1/pods')).rejects.toThrow();
    expect((await get(dc, 'fat', '/api/v1/pods')).status).toBe(200);
    await dc.startCluster('uat');
    expect(dc.cluster('uat').url).toBe(before.url);
    const list = await get(dc, 'uat', '/api/v1/pods');
    expect(Number((list.body.metadata as { resourceVersion: string }).resourceVersion)).toBeGreaterThanOrEqual(rv);
  });

  it('injects an HTTP fault per cluster', async () => {
    dc.setFault('fat', { kind: 'http-status', status: 401 });
    expect((await get(dc, 'fat', '/api/v1/pods')).body).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    expect((await get(dc, 'uat', '/api/v1/pods')).status).toBe(200);
    dc.setFault('fat', null);
    expect((await get(dc, 'fat', '/api/v1/pods')).status).toBe(200);
  });
});

describe('scenario files', () => {
  it('explains what is wrong with a bad scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-scn-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'registries: {dc-east: h}\nclusters: [{name: Fat, datacenter: dc-x}]\napps: [{name: a, namespace: s, versions: {"1": {behaviour: explode}}, groups: [{group: fat, cluster: nope, replicas: 1, version: "2"}]}]\n',
    );
    try {
      expect(() => loadScenarioFile(file)).toThrow(ScenarioError);
      const message = (() => {
        try {
          loadScenarioFile(file);
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(message).toContain(`Invalid scenario file ${file}`);
      expect(message).toContain('clusters.0.name: must be a DNS-1123 label');
      expect(message).toContain('apps.0.versions.1.behaviour');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => loadScenarioFile('/nonexistent.yaml')).toThrow(/Cannot read scenario file/);
  });

  it('scales replicas with --scale', async () => {
    const dc = await startDatacenter({ scale: 3 });
    try {
      const total = dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count('pods'), 0);
      expect(total).toBe(300);
    } finally {
      await dc.close();
    }
  });
});

describe('CLI', () => {
  it('prints ready with every cluster URL, writes the kubeconfig and exits on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-cli-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const cli = spawnSandboxCli(['--kubeconfig', kubeconfig, '--clock', '10']);
    const { child } = cli;
    try {
      await sandboxReady(cli);
      expect(cli.output()).toMatch(/ready.*fat=https:\/\/127\.0\.0\.1:\d+ uat=\S+ pro-east=\S+ pro-west=\S+/);
      expect(parse(readFileSync(kubeconfig, 'utf8')).contexts).toHaveLength(4);
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with a usage message without --kubeconfig', async () => {
    const { child, output } = spawnSandboxCli([]);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(output()).toContain('--kubeconfig <file> is required');
  });
});
