/**
 * Fidelity of the kinds every real cluster has, and of their controllers, checked with the
 * machine's real kubectl: Services and EndpointSlices, ServiceAccounts, ConfigMaps, Secrets,
 * Leases, StatefulSets, DaemonSets, Jobs, CronJobs, PodDisruptionBudgets with eviction, cordon,
 * taints and drain, access and identity reviews, node heartbeats.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-sandbox/kube/types';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, httpsRequest, startTestSandbox, waitFor } from './kube-sandbox-helpers';
import { daemonSetYaml, deploymentYaml, statefulSetYaml } from './kube-manifests';

const hasKubectl = existsSync(KUBECTL);
const CTX = 'uat';

const HTTP = '[{name: http, containerPort: 8080}]';
const deployment = (ns: string, name: string, replicas: number, podSpec = '') =>
  deploymentYaml({ ns, name, replicas, podSpec, image: 'nginx:1.27', ports: HTTP });

describe.skipIf(!hasKubectl)('kubectl: the kinds a real cluster always has', { timeout: 90_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  const run = (args: string[], timeoutMs?: number) => sb.kubectl(['--context', CTX, ...args], { timeoutMs });
  const ok = (args: string[], timeoutMs?: number) => sb.kubectlOk(['--context', CTX, ...args], { timeoutMs });
  const apply = async (name: string, yaml: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    return ok(['apply', '-f', file]);
  };
  const json = async <T = KubeObject>(args: string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const store = () => sb.dc.cluster(CTX).store;
  const podsOf = (ns: string) => [...store().list('pods', ns)].map(([, s]) => s.obj);
  const namespace = (ns: string) => apply(`ns-${ns}`, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`);
  /** The cluster's node names, as kubectl lists them. */
  const nodeNames = async () =>
    (await ok(['get', 'nodes', '-o', 'name']))
      .trim()
      .split('\n')
      .map((n) => n.replace('node/', ''));

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'capstan-kinds-'));
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('get svc and cluster-info show the kubernetes and kube-dns Services; every namespace has its default ServiceAccount and root CA', async () => {
    const svc = await ok(['get', 'svc', '-n', 'default']);
    expect(svc).toMatch(/^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/m);
    const info = await ok(['cluster-info']);
    expect(info).toContain('Kubernetes control plane is running at https://127.0.0.1:');
    expect(info).toContain('CoreDNS is running at');
    await namespace('fresh');
    await waitFor('the default ServiceAccount', async () => (await run(['get', 'sa', 'default', '-n', 'fresh'])).code === 0 || undefined);
    expect(await ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'jsonpath={.data.ca\\.crt}'])).toContain('BEGIN CERTIFICATE');
    const resources = await ok(['api-resources', '-o', 'name']);
    for (const r of [
      'services',
      'endpointslices.discovery.k8s.io',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'leases.coordination.k8s.io',
      'statefulsets.apps',
      'daemonsets.apps',
      'jobs.batch',
      'cronjobs.batch',
      'poddisruptionbudgets.policy',
      'selfsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
    ]) {
      expect(resources.split('\n')).toContain(r);
    }
  });

  it('auth can-i answers yes, can-i --list shows cluster-admin rules, auth whoami names the sandbox user', async () => {
    expect((await ok(['auth', 'can-i', 'delete', 'pods', '-n', 'shop'])).trim()).toBe('yes');
    expect(await ok(['auth', 'whoami'])).toMatch(/Username\s+system:serviceaccount:sandbox:capstan/);
    expect(await ok(['auth', 'can-i', '--list'])).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  it('a Service gets an EndpointSlice of its ready pods, following a scale-up; ConfigMaps and Secrets round-trip', async () => {
    await namespace('svc');
    await apply(
      'svc',
      `${deployment('svc', 'web', 2)}apiVersion: v1
kind: Service
metadata: {name: web, namespace: svc}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: svc}
data: {mode: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: svc}
stringData: {password: hunter2}
`,
    );
    const readyIps = () =>
      podsOf('svc')
        .filter((p) =>
          (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
        )
        .map((p) => p.status.podIP as string)
        .sort();
    const sliceIps = async () => {
      const list = await json<{
        items: { endpoints?: { addresses: string[]; conditions: { ready: boolean } }[]; ports: { port: number }[] }[];
      }>(['get', 'endpointslices', '-n', 'svc', '-l', 'kubernetes.io/service-name=web']);
      const s = list.items[0];
      return s
        ? {
            ips: (s.endpoints ?? [])
              .filter((e) => e.conditions.ready)
              .flatMap((e) => e.addresses)
              .sort(),
            port: s.ports[0]?.port,
          }
        : undefined;
    };
    await waitFor('two ready endpoints', async () => ((await sliceIps())?.ips.length === 2 ? true : undefined));
    expect((await sliceIps())!.ips).toEqual(readyIps());
    expect((await sliceIps())!.port).toBe(8080);
    expect(await ok(['get', 'svc', 'web', '-n', 'svc'])).toMatch(/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/);
    await ok(['scale', 'deploy/web', '-n', 'svc', '--replicas=3']);
    await waitFor('three ready endpoints', async () => ((await sliceIps())?.ips.length === 3 ? true : undefined));
    const ep = await run(['get', 'endpoints', 'web', '-n', 'svc']);
    expect(ep.stderr).toContain('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice');
    const shown = /web\s+(\S+)\s/.exec(ep.stdout)![1]!;
    expect(
      shown
        .split(',')
        .map((x) => x.split(':')[0])
        .sort(),
    ).toEqual(readyIps());
    expect(shown).toMatch(/^(\d+\.\d+\.\d+\.\d+:8080,){2}\d+\.\d+\.\d+\.\d+:8080$/);
    expect(await ok(['get', 'cm', 'settings', '-n', 'svc', '-o', 'jsonpath={.data.mode}'])).toBe('fast');
    expect(Buffer.from(await ok(['get', 'secret', 'creds', '-n', 'svc', '-o', 'jsonpath={.data.password}']), 'base64').toString()).toBe(
      'hunter2',
    );
    expect(await ok(['get', 'secret', 'creds', '-n', 'svc'])).toMatch(/creds\s+Opaque\s+1\s/);
  });

  it('a Lease is written with resourceVersion preconditions: a stale replace gets 409 Conflict', async () => {
    await namespace('lease');
    await apply(
      'lease',
      'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: leader, namespace: lease}\nspec: {holderIdentity: a, leaseDurationSeconds: 15}\n',
    );
    const lease = await json(['get', 'lease', 'leader', '-n', 'lease']);
    const renewed = structuredClone(lease);
    renewed.spec.holderIdentity = 'b';
    writeFileSync(join(dir, 'lease-b.json'), JSON.stringify(renewed));
    await ok(['replace', '-f', join(dir, 'lease-b.json')]);
    const stale = structuredClone(lease);
    stale.spec.holderIdentity = 'c';
    writeFileSync(join(dir, 'lease-c.json'), JSON.stringify(stale));
    const r = await run(['replace', '-f', join(dir, 'lease-c.json')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect(await ok(['get', 'lease', 'leader', '-n', 'lease'])).toMatch(/leader\s+b\s/);
  });

  it('a StatefulSet creates ordinals in order, each after the previous is Ready, and a partitioned rolling update replaces from the top down', async () => {
    await namespace('sts');
    const order: string[] = [];
    const violations: string[] = [];
    const unsubscribe = store().subscribe((e) => {
      if (e.resource !== 'pods' || e.object.obj.metadata.namespace !== 'sts') return;
      const name = e.object.obj.metadata.name;
      if (e.type === 'ADDED') {
        order.push(`+${name}`);
        const ordinal = Number(name.split('-').pop());
        for (let i = 0; i < ordinal; i++) {
          const lower = store().get('pods', 'sts', `db-${i}`)?.obj;
          const ready = (lower?.status?.conditions ?? []).some(
            (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
          );
          if (!ready) violations.push(`${name} created while db-${i} was not Ready`);
        }
      } else if (e.type === 'DELETED') order.push(`-${name}`);
    });
    try {
      await apply('sts', statefulSetYaml({ ns: 'sts', name: 'db', replicas: 3, image: 'postgres:16.1' }));
      await ok(['rollout', 'status', 'sts/db', '-n', 'sts', '--timeout=60s'], 70_000);
      expect(order).toEqual(['+db-0', '+db-1', '+db-2']);
      expect(violations).toEqual([]);
      expect(await ok(['get', 'sts', 'db', '-n', 'sts'])).toMatch(/db\s+3\/3\s/);

      order.length = 0;
      await ok([
        'patch',
        'sts/db',
        '-n',
        'sts',
        '-p',
        '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}',
      ]);
      await ok(['set', 'image', 'sts/db', '-n', 'sts', 'db=postgres:16.2']);
      await ok(['rollout', 'status', 'sts/db', '-n', 'sts', '--timeout=60s'], 70_000);
      const images = async () => Object.fromEntries(podsOf('sts').map((p) => [p.metadata.name, p.spec.containers[0].image]));
      await waitFor(
        'db-1 and db-2 updated',
        async () => ((await images())['db-1'] === 'postgres:16.2' && (await images())['db-2'] === 'postgres:16.2') || undefined,
      );
      expect((await images())['db-0']).toBe('postgres:16.1');
      expect(order.filter((x) => x.startsWith('-'))).toEqual(['-db-2', '-db-1']);
      const st = (await json(['get', 'sts', 'db', '-n', 'sts'])).status;
      expect(st.updatedReplicas).toBe(2);
      expect(st.currentRevision).not.toBe(st.updateRevision);
    } finally {
      unsubscribe();
    }
  });

  it('a DaemonSet runs one pod per schedulable node: cordoned nodes keep theirs, a tainted node gets none', async () => {
    await namespace('ds');
    const nodes = await nodeNames();
    await ok(['taint', 'nodes', nodes[0]!, 'dedicated=gpu:NoSchedule']);
    try {
      await apply('ds', daemonSetYaml({ ns: 'ds', name: 'agent', image: 'fluent-bit:3.0' }));
      await ok(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=60s'], 70_000);
      const placed = () =>
        podsOf('ds')
          .filter((p) => !p.metadata.deletionTimestamp)
          .map((p) => p.spec.nodeName as string)
          .sort();
      expect(placed()).toEqual(nodes.slice(1).sort());
      expect(await ok(['get', 'ds', 'agent', '-n', 'ds'])).toMatch(
        new RegExp(`agent\\s+${nodes.length - 1}\\s+${nodes.length - 1}\\s+${nodes.length - 1}\\s`),
      );
      await ok(['taint', 'nodes', nodes[0]!, 'dedicated-']);
      await waitFor('a pod on the untainted node', () => (placed().length === nodes.length ? true : undefined));
      await ok(['cordon', nodes[1]!]);
      await ok(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=60s'], 70_000);
      expect(placed()).toEqual([...nodes].sort());
    } finally {
      await run(['taint', 'nodes', nodes[0]!, 'dedicated-']);
      await run(['uncordon', nodes[1]!]);
    }
  });

  it('rollout history and undo of a StatefulSet and a DaemonSet go through their ControllerRevisions', async () => {
    await namespace('revs');
    await apply(
      'revs',
      statefulSetYaml({ ns: 'revs', name: 'cache', replicas: 2, image: 'redis:7.2' }) +
        daemonSetYaml({ ns: 'revs', name: 'probe', image: 'blackbox:0.24' }),
    );
    for (const w of ['sts/cache', 'ds/probe']) await ok(['rollout', 'status', w, '-n', 'revs', '--timeout=60s'], 70_000);
    await ok(['set', 'image', 'sts/cache', '-n', 'revs', 'cache=redis:7.4']);
    await ok(['set', 'image', 'ds/probe', '-n', 'revs', 'probe=blackbox:0.25']);
    for (const w of ['sts/cache', 'ds/probe']) await ok(['rollout', 'status', w, '-n', 'revs', '--timeout=60s'], 70_000);
    for (const w of ['sts/cache', 'ds/probe'])
      expect(await ok(['rollout', 'history', w, '-n', 'revs'])).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await ok(['get', 'controllerrevisions', '-n', 'revs'])).toMatch(/cache-\w+\s+statefulset\.apps\/cache\s+2\s/);
    expect(await ok(['rollout', 'history', 'sts/cache', '-n', 'revs', '--revision=1'])).toContain('redis:7.2');
    await ok(['rollout', 'undo', 'sts/cache', '-n', 'revs']);
    await ok(['rollout', 'undo', 'ds/probe', '-n', 'revs', '--to-revision=1']);
    const images = (app: string) =>
      podsOf('revs')
        .filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)
        .map((p) => p.spec.containers[0].image as string);
    await waitFor('the StatefulSet back on redis:7.2', () =>
      images('cache').length === 2 && images('cache').every((i) => i === 'redis:7.2') ? true : undefined,
    );
    await waitFor('the DaemonSet back on blackbox:0.24', () =>
      images('probe').length > 0 && images('probe').every((i) => i === 'blackbox:0.24') ? true : undefined,
    );
    // The template used again becomes the newest revision, as the controllers number them.
    expect(await ok(['rollout', 'history', 'sts/cache', '-n', 'revs'])).toMatch(/\n2\s+<none>\n3\s+<none>/);
  });

  it('a Job runs completions with at most parallelism pods at once; a failing Job stops at backoffLimit', async () => {
    await namespace('jobs');
    let maxActive = 0;
    const unsubscribe = store().subscribe((e) => {
      if (e.resource !== 'pods' || e.object.obj.metadata.namespace !== 'jobs' || !e.object.obj.metadata.name.startsWith('pi-')) return;
      const active = podsOf('jobs').filter((p) => p.metadata.name.startsWith('pi-') && !['Succeeded', 'Failed'].includes(p.status?.phase));
      maxActive = Math.max(maxActive, active.length);
    });
    try {
      await apply(
        'jobs',
        `apiVersion: batch/v1
kind: Job
metadata: {name: pi, namespace: jobs}
spec:
  completions: 4
  parallelism: 2
  template:
    spec: {restartPolicy: Never, containers: [{name: pi, image: perl:5.34, command: [sh, -c, "sleep 5"]}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: broken, namespace: jobs}
spec:
  backoffLimit: 1
  template:
    spec: {restartPolicy: Never, containers: [{name: b, image: busybox:1.36, command: [sh, -c, "exit 3"]}]}
`,
      );
      await ok(['wait', '--for=condition=complete', 'job/pi', '-n', 'jobs', '--timeout=60s'], 70_000);
      expect(maxActive).toBe(2);
      expect(await ok(['get', 'job', 'pi', '-n', 'jobs'])).toMatch(/pi\s+Complete\s+4\/4\s/);
      await ok(['wait', '--for=condition=failed', 'job/broken', '-n', 'jobs', '--timeout=60s'], 70_000);
      const broken = await json(['get', 'job', 'broken', '-n', 'jobs']);
      expect(broken.status.failed).toBe(2);
      expect(broken.status.conditions.find((c: { type: string }) => c.type === 'Failed').reason).toBe('BackoffLimitExceeded');
      const failedPod = podsOf('jobs').find((p) => p.metadata.name.startsWith('broken-'))!;
      expect(failedPod.status.containerStatuses[0].state.terminated.exitCode).toBe(3);
      expect(await ok(['get', 'pods', '-n', 'jobs', '-l', 'job-name=broken'])).toMatch(/broken-\w+\s+0\/1\s+Error\s/);
    } finally {
      unsubscribe();
    }
  });

  it('a CronJob creates Jobs on the sandbox clock and keeps its history limit', async () => {
    await namespace('cron');
    await apply(
      'cron',
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: tick, namespace: cron}
spec:
  schedule: "*/1 * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: t, image: busybox:1.36, command: [sh, -c, "true"]}]}
`,
    );
    // One simulated minute is 3 real seconds at clock speed 20.
    const created = new Set<string>();
    await waitFor(
      'three scheduled Jobs',
      async () => {
        for (const [, s] of store().list('jobs', 'cron')) created.add(s.obj.metadata.name);
        return created.size >= 3 ? true : undefined;
      },
      60_000,
    );
    await waitFor(
      'history trimmed to 2 finished Jobs',
      async () => {
        const jobs = (await json<{ items: KubeObject[] }>(['get', 'jobs', '-n', 'cron'])).items;
        const done = jobs.filter((j) => (j.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Complete'));
        return done.length === 2 && jobs.length <= 3 ? true : undefined;
      },
      60_000,
    );
    const cj = await json(['get', 'cronjob', 'tick', '-n', 'cron']);
    expect(cj.status.lastScheduleTime).toBeDefined();
    expect(await ok(['get', 'cronjob', 'tick', '-n', 'cron'])).toMatch(/tick\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+\d\s+\d+s\s/);
  });

  it('eviction honours PodDisruptionBudgets (429 with the budget named); drain evicts what the budget allows and cordoned nodes get no new pods', async () => {
    await namespace('pdb');
    await apply(
      'pdb',
      `${deployment('pdb', 'api', 3)}apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: pdb}
spec: {minAvailable: 3, selector: {matchLabels: {app: api}}}
`,
    );
    await ok(['rollout', 'status', 'deploy/api', '-n', 'pdb', '--timeout=60s'], 70_000);
    await waitFor('the budget status', async () =>
      (await json(['get', 'pdb', 'api', '-n', 'pdb'])).status?.currentHealthy === 3 ? true : undefined,
    );
    expect(await ok(['get', 'pdb', 'api', '-n', 'pdb'])).toMatch(/api\s+3\s+N\/A\s+0\s/);
    const victim = podsOf('pdb')[0]!;
    const evict = (name: string) =>
      httpsRequest(sb.dc, CTX, 'POST', `/api/v1/namespaces/pdb/pods/${name}/eviction`, {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'pdb' },
      });
    const refused = await evict(victim.metadata.name);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api needs 3 healthy pods and has 3 currently' }] },
    });

    await ok(['patch', 'pdb', 'api', '-n', 'pdb', '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
    const node = victim.spec.nodeName as string;
    try {
      const r = await run(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s'], 70_000);
      expect(r.stderr + r.stdout).toContain(`node/${node} drained`);
      expect(r.stdout).toMatch(/evicted/);
      expect(await ok(['get', 'node', node])).toContain('SchedulingDisabled');
      await ok(['rollout', 'status', 'deploy/api', '-n', 'pdb', '--timeout=60s'], 70_000);
      expect(podsOf('pdb').filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName === node)).toEqual([]);
      await ok(['scale', 'deploy/api', '-n', 'pdb', '--replicas=6']);
      await ok(['rollout', 'status', 'deploy/api', '-n', 'pdb', '--timeout=60s'], 70_000);
      expect(podsOf('pdb').filter((p) => p.spec.nodeName === node)).toEqual([]);
    } finally {
      await run(['uncordon', node]);
    }
  });

  it("a pod that tolerates no node stays Pending with the scheduler's reasons, and is placed once a node admits it", async () => {
    await namespace('taints');
    const nodes = await nodeNames();
    await ok(['cordon', nodes[0]!]);
    await ok(['taint', 'nodes', ...nodes.slice(1), 'maintenance=true:NoSchedule']);
    try {
      await apply(
        'taints',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: lonely, namespace: taints}\nspec: {containers: [{name: c, image: nginx:1.27}]}\n',
      );
      const events = await waitFor('FailedScheduling', async () => {
        const out = await ok([
          'get',
          'events',
          '-n',
          'taints',
          '--field-selector',
          'reason=FailedScheduling',
          '-o',
          'jsonpath={.items[*].message}',
        ]);
        return out.includes('nodes are available') ? out : undefined;
      });
      expect(events).toContain(
        `0/${nodes.length} nodes are available: 1 node(s) were unschedulable, ${nodes.length - 1} node(s) had untolerated taint {maintenance: true}.`,
      );
      expect(await ok(['get', 'pod', 'lonely', '-n', 'taints'])).toMatch(/lonely\s+0\/1\s+Pending\s/);
      await ok(['taint', 'nodes', nodes[1]!, 'maintenance-']);
      await waitFor('the pod placed on the untainted node', () =>
        store().get('pods', 'taints', 'lonely')?.obj.spec.nodeName === nodes[1] ? true : undefined,
      );
    } finally {
      await run(['uncordon', nodes[0]!]);
      await run(['taint', 'nodes', ...nodes, 'maintenance-']);
    }
  });

  it('a NoExecute taint evicts the pods that do not tolerate it; their ReplicaSet replaces them on other nodes', async () => {
    await namespace('noexec');
    await apply(
      'noexec',
      deployment('noexec', 'web', 4) +
        deployment('noexec', 'tolerant', 3, 'tolerations: [{key: maintenance, operator: Exists, effect: NoExecute}], '),
    );
    await ok(['rollout', 'status', 'deploy/web', '-n', 'noexec', '--timeout=60s'], 70_000);
    await ok(['rollout', 'status', 'deploy/tolerant', '-n', 'noexec', '--timeout=60s'], 70_000);
    const node = podsOf('noexec').find((p) => p.metadata.labels?.app === 'web')!.spec.nodeName as string;
    const tolerantThere = podsOf('noexec')
      .filter((p) => p.metadata.labels?.app === 'tolerant' && p.spec.nodeName === node)
      .map((p) => p.metadata.name);
    await ok(['taint', 'nodes', node, 'maintenance=now:NoExecute']);
    try {
      await waitFor('no web pod left on the tainted node', () =>
        podsOf('noexec').some((p) => p.metadata.labels?.app === 'web' && p.spec.nodeName === node) ? undefined : true,
      );
      await ok(['rollout', 'status', 'deploy/web', '-n', 'noexec', '--timeout=60s'], 70_000);
      expect(
        podsOf('noexec')
          .filter((p) => p.metadata.labels?.app === 'tolerant' && p.spec.nodeName === node && !p.metadata.deletionTimestamp)
          .map((p) => p.metadata.name),
      ).toEqual(tolerantThere);
      const events = await ok([
        'get',
        'events',
        '-n',
        'noexec',
        '--field-selector',
        'reason=TaintManagerEviction',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      expect(events).toMatch(/Marking for deletion Pod noexec\/web-/);
    } finally {
      await run(['taint', 'nodes', node, 'maintenance-']);
    }
  });
});

describe.skipIf(!hasKubectl)('kubectl: node heartbeats', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    // 300× speed: a 10 s lease renewal every 33 ms, a 5 min status report every second.
    sb = await startTestSandbox({ clockSpeed: 300 });
  });
  afterAll(() => sb?.close());

  it("node Leases in kube-node-lease renew and the Ready condition's lastHeartbeatTime moves on the sandbox clock", async () => {
    const get = async (args: string[]) => (await sb.kubectlOk(['--context', 'fat', ...args])).trim();
    const node = await get(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}']);
    const renew = () => get(['get', 'lease', node, '-n', 'kube-node-lease', '-o', 'jsonpath={.spec.renewTime}']);
    const heartbeat = () => get(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}']);
    expect(await get(['get', 'lease', node, '-n', 'kube-node-lease', '-o', 'jsonpath={.spec.holderIdentity}'])).toBe(node);
    const r0 = await renew();
    const h0 = await heartbeat();
    await waitFor('a renewed lease', async () => ((await renew()) !== r0 ? true : undefined));
    await waitFor('a newer heartbeat', async () => (Date.parse(await heartbeat()) > Date.parse(h0) ? true : undefined), 20_000);
    expect(Date.now() - Date.parse(await heartbeat())).toBeLessThan(10_000);
  });
});
