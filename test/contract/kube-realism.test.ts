/**
 * Realism a client can check across the sandbox's parts: pod imageIDs are the manifest digests
 * the sandbox Harbors serve for the same tag (what Capstan's image sync compares), and container
 * logs behave like a container's: deterministic per pod, container and time, the last crash of a
 * crash-looping container, init containers.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioHarbors } from '../../src-sandbox/harbor/scenario-harbors';
import { startScenarioHarbors } from '../../src-sandbox/harbor/scenario-harbors';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('sandbox realism across kube and Harbor', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let harbors: ScenarioHarbors;
  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    harbors = await startScenarioHarbors(sb.dc.scenario, { pushIntervalMs: 0 });
  });
  afterAll(async () => {
    await harbors?.close();
    await sb?.close();
  });

  it("every running pod's imageID is <registry>/<repository>@<the digest its Harbor serves for that tag>", async () => {
    const r = await sb.kubectl([
      '--context',
      'pro-west',
      'get',
      'pods',
      '-A',
      '-o',
      'jsonpath={range .items[*]}{.status.containerStatuses[0].image}{" "}{.status.containerStatuses[0].imageID}{"\\n"}{end}',
    ]);
    expect(r.code).toBe(0);
    const pairs = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, id]) => id);
    expect(pairs.length).toBeGreaterThan(10);
    const checked = new Set<string>();
    for (const [image, imageID] of pairs) {
      if (checked.has(image!)) continue;
      checked.add(image!);
      const m = /^([^/]+)\/(.+):([^:]+)$/.exec(image!)!;
      const harbor = harbors.harbors.find((h) => m[1]!.startsWith(`${h.name}.`))!;
      const res = await fetch(`${harbor.url}/v2/${m[2]}/manifests/${m[3]}`, {
        method: 'HEAD',
        headers: {
          Authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}`,
          Accept: 'application/vnd.oci.image.manifest.v1+json',
        },
      });
      expect(res.status).toBe(200);
      expect(imageID).toBe(`${m[1]}/${m[2]}@${res.headers.get('docker-content-digest')}`);
    }
    expect(checked.size).toBeGreaterThan(2);
  });
});

describe.skipIf(!existsSync(KUBECTL))("kubectl logs: a container's logs", { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  const ok = (args: string[]) => sb.kubectlOk(args);
  beforeAll(async () => {
    // Nobody configures logs here: this is the default every sandbox user meets (a line per 5 simulated seconds).
    sb = await startTestSandbox({ clockSpeed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'capstan-logs-'));
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const podsOf = async (ctx: string, selector: string) =>
    JSON.parse(await ok(['--context', ctx, '-n', 'shop', 'get', 'pods', '-l', selector, '-o', 'json'])).items as {
      metadata: { name: string };
    }[];

  it('a follow and a later re-read of the same window print the same lines; a resumed read continues without gap or duplicate', async () => {
    const [pod] = await podsOf('uat', 'app.kubernetes.io/instance=orders-uat');
    const args = ['logs', pod!.metadata.name, '--timestamps', '--tail=5', '-f'];
    const child = sb.spawnKubectl('uat', args);
    let followed = '';
    child.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    try {
      await waitFor('12 followed lines', () => (followed.split('\n').length > 12 ? true : undefined));
    } finally {
      child.kill();
    }
    const lines = followed.split('\n').slice(0, 12);
    const since = lines[0]!.split(' ')[0]!;
    const reread = (
      await ok(['--context', 'uat', '-n', 'shop', 'logs', pod!.metadata.name, '--timestamps', `--since-time=${since}`])
    ).split('\n');
    // sinceTime has second precision: the re-read may start earlier in that second, never later.
    const start = reread.indexOf(lines[0]!);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(reread.slice(start, start + lines.length)).toEqual(lines);
  });

  it('replicas of one Deployment print different lines', async () => {
    const pods = await podsOf('pro-east', 'app.kubernetes.io/instance=orders-pro');
    const texts = await Promise.all(
      pods.slice(0, 3).map(async (p) => (await ok(['--context', 'pro-east', '-n', 'shop', 'logs', p.metadata.name, '--tail=30'])).trim()),
    );
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('plain logs of a CrashLoopBackOff pod show the last crashed instance, ending with its failure', async () => {
    const waiting = async () => {
      const pods = JSON.parse(
        await ok(['--context', 'fat', '-n', 'shop', 'get', 'pods', '-l', 'app.kubernetes.io/name=search', '-o', 'json']),
      ).items;
      const p = pods.find(
        (x: { status: { containerStatuses?: { state: { waiting?: { reason: string } } }[] } }) =>
          x.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
      );
      return p ? `${p.metadata.name} ${p.status.containerStatuses[0].restartCount}` : undefined;
    };
    // A read that happened while the container waited to restart (same restart count before and after).
    const out = await waitFor('logs read during a back-off', async () => {
      const before = await waiting();
      if (!before) return undefined;
      const r = await sb.kubectl(['--context', 'fat', '-n', 'shop', 'logs', before.split(' ')[0]!]);
      return r.code === 0 && (await waiting()) === before ? r.stdout : undefined;
    });
    expect(out).toContain('Starting Application using Java');
    expect(out.trim().split('\n').slice(-4)[0]).toBe('ERROR [main] o.s.boot.SpringApplication : Application run failed');
    expect(out).toContain("java.lang.IllegalStateException: Missing required configuration key 'search.datasource.url'");
  });

  it('init containers run first and have their own logs; --all-containers prints every container', async () => {
    writeFileSync(
      join(dir, 'init.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: with-init, namespace: default}
spec:
  initContainers: [{name: config, image: busybox:1.36, command: [sh, -c, "sleep 3"]}]
  containers: [{name: app, image: nginx:1.27}]
`,
    );
    const statuses: string[] = [];
    const unsubscribe = sb.dc.cluster('fat').store.subscribe((e) => {
      if (e.resource === 'pods' && e.object.obj.metadata.name === 'with-init')
        statuses.push(JSON.stringify(e.object.obj.status?.initContainerStatuses?.[0]?.state ?? {}));
    });
    try {
      await ok(['--context', 'fat', 'apply', '-f', join(dir, 'init.yaml')]);
      await ok(['--context', 'fat', 'wait', '--for=condition=Ready', 'pod/with-init', '--timeout=30s']);
    } finally {
      unsubscribe();
    }
    expect(statuses.some((s) => s.includes('running'))).toBe(true);
    const pod = JSON.parse(await ok(['--context', 'fat', 'get', 'pod', 'with-init', '-o', 'json']));
    expect(pod.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const init = await ok(['--context', 'fat', 'logs', 'with-init', '-c', 'config']);
    expect(init).toMatch(/^\[config\] waiting for configuration/);
    const both = await ok(['--context', 'fat', 'logs', 'with-init', '--all-containers', '--prefix']);
    expect(both).toContain('[pod/with-init/config] [config]');
    expect(both).toMatch(/\[pod\/with-init\/app\] /);
    const noContainer = await sb.kubectl(['--context', 'fat', 'logs', 'with-init', '-c', 'nope']);
    expect(noContainer.stderr).toContain('container nope is not valid for pod with-init');
  });
});
