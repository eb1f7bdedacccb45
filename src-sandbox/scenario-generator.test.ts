import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startDatacenter } from './datacenter';
import { groupsIn } from './seed';
import { GENERATED_REPLICAS, generateScenario } from './scenario-generator';
import { sandboxReady, spawnSandboxCli } from './testing/cli';

describe('generateScenario', () => {
  it('500 apps × FAT/UAT/PRO over fat, uat, pro-east, pro-west: 50,000 pods at scale 4', () => {
    const s = generateScenario({ apps: 500 });
    expect(s.apps).toHaveLength(500);
    expect(new Set(s.apps.map((a) => a.name)).size).toBe(500);
    expect(s.clusters.map((c) => c.name)).toEqual(['fat', 'uat', 'pro-east', 'pro-west']);
    const podsAt4 = s.clusters.reduce((n, c) => n + groupsIn(s, c.name).reduce((m, { group }) => m + Math.round(group.replicas * 4), 0), 0);
    expect(podsAt4).toBe(50_000);
    expect(Object.values(GENERATED_REPLICAS).reduce((a, b) => a + b, 0) * 500 * 4).toBe(50_000);
    for (const a of s.apps)
      expect(a.groups.map((g) => `${g.group}@${g.cluster}`)).toEqual(['fat@fat', 'uat@uat', 'pro@pro-east', 'pro@pro-west']);
  });

  it('is deterministic and mixes versions in test with versions everywhere the same', () => {
    expect(generateScenario({ apps: 30 })).toEqual(generateScenario({ apps: 30 }));
    const s = generateScenario({ apps: 30 });
    const differs = s.apps.filter((a) => a.groups[0]!.version !== a.groups[2]!.version).length;
    expect(differs).toBeGreaterThan(0);
    expect(differs).toBeLessThan(30);
  });

  it('refuses an app count it cannot name', () => {
    expect(() => generateScenario({ apps: 0 })).toThrow(/apps must be/);
    expect(() => generateScenario({ apps: 2001 })).toThrow(/apps must be/);
    expect(() => generateScenario({ apps: 1.5 })).toThrow(/apps must be/);
  });

  it('the sandbox serves it: labelled Deployments with their pods in every cluster', async () => {
    const dc = await startDatacenter({ scenario: generateScenario({ apps: 3 }), scale: 2 });
    try {
      const deps = [...dc.cluster('pro-west').store.values('deployments')].map((d) => d.obj);
      expect(deps.map((d) => d.metadata.labels?.['capstan.io/group'])).toEqual(['pro', 'pro', 'pro']);
      expect(deps.map((d) => d.spec.replicas)).toEqual([22, 22, 22]);
      expect(dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count('pods'), 0)).toBe(3 * 25 * 2);
    } finally {
      await dc.close();
    }
  });

  it('npm run sandbox -- --apps N serves it; --apps with --scenario is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-cli-apps-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const cli = spawnSandboxCli(['--kubeconfig', kubeconfig, '--apps', '7', '--scale', '2']);
    const { child } = cli;
    try {
      await sandboxReady(cli);
      expect(cli.output()).toContain(`${7 * 25 * 2} pods`);
      // What a client of the kubeconfig sees: the generated Deployments of pro-east.
      const kc = parse(readFileSync(kubeconfig, 'utf8'));
      const ctx = kc.contexts.find((c: { name: string }) => c.name === 'pro-east').context;
      const server = kc.clusters.find((c: { name: string }) => c.name === ctx.cluster).cluster;
      const token = kc.users.find((u: { name: string }) => u.name === ctx.user).user.token;
      const body = await new Promise<string>((resolve, reject) => {
        request(
          `${server.server}/apis/apps/v1/deployments`,
          { ca: Buffer.from(server['certificate-authority-data'], 'base64'), headers: { Authorization: `Bearer ${token}` } },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          },
        )
          .on('error', reject)
          .end();
      });
      const names = (JSON.parse(body) as { items: { metadata: { name: string } }[] }).items.map((d) => d.metadata.name).sort();
      expect(names).toEqual(
        generateScenario({ apps: 7 })
          .apps.map((a) => `${a.name}-pro`)
          .sort(),
      );
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = spawnSandboxCli(['--kubeconfig', join(dir, 'x'), '--apps', '5', '--scenario', 'resources/scenarios/default.yaml']);
    expect(await new Promise<number | null>((resolve) => bad.child.on('exit', resolve))).toBe(2);
    expect(bad.output()).toContain('give either --apps or --scenario');
  });
});
