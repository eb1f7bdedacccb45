/**
 * Sandbox objects, read over the wire, conform to the official Kubernetes 1.35 OpenAPI documents
 * (no invented fields, right types and formats), for every kind the sandbox serves and its lists.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { httpsRequest, startTestSandbox, waitFor } from './kube-sandbox-helpers';
import { kubeValidator } from '../../src-sandbox/openapi/openapi-validator';
import { daemonSetYaml, statefulSetYaml } from './kube-manifests';

type List = { items: Record<string, unknown>[] };

describe('sandbox objects against the Kubernetes OpenAPI documents', () => {
  let sb: TestSandbox;
  const validator = kubeValidator();

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 40 });
    // Let the crash-looping FAT search pod produce container history and events.
    await waitFor('a restarted pod', async () => {
      const { body } = await sb.get<List>('fat', '/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name%3Dsearch');
      return (
        body.items.some(
          (p) => ((p.status as { containerStatuses?: { restartCount: number }[] }).containerStatuses?.[0]?.restartCount ?? 0) >= 1,
        ) || undefined
      );
    });
  });
  afterAll(() => sb?.close());

  describe('the cluster kinds and what their controllers write', () => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'capstan-openapi-'));
      writeFileSync(join(dir, 'kinds.yaml'), KINDS_YAML);
      const r = await sb.kubectl(['--context', 'fat', 'apply', '-f', join(dir, 'kinds.yaml')]);
      expect(r.stderr).toBe('');
      await sb.kubectl(['--context', 'fat', 'set', 'image', 'sts/web', 'web=nginx:1.28']);
      await waitFor(
        'a completed Job, a CronJob run, a budget with status, two StatefulSet revisions',
        async () => {
          const job = await sb.get<{ status?: { succeeded?: number } }>('fat', '/apis/batch/v1/namespaces/default/jobs/once');
          const cj = await sb.get<{ status?: { lastScheduleTime?: string } }>('fat', '/apis/batch/v1/namespaces/default/cronjobs/tick');
          const pdb = await sb.get<{ status?: { currentHealthy?: number } }>(
            'fat',
            '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web',
          );
          const revs = await sb.get<List>('fat', '/apis/apps/v1/namespaces/default/controllerrevisions');
          return job.body.status?.succeeded === 1 &&
            cj.body.status?.lastScheduleTime &&
            (pdb.body.status?.currentHealthy ?? 0) > 0 &&
            revs.body.items.length >= 3
            ? true
            : undefined;
        },
        60_000,
      );
    });
    afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

    const kinds: [string, string][] = [
      ['/api/v1/services', 'io.k8s.api.core.v1.Service'],
      ['/api/v1/endpoints', 'io.k8s.api.core.v1.Endpoints'],
      ['/apis/discovery.k8s.io/v1/endpointslices', 'io.k8s.api.discovery.v1.EndpointSlice'],
      ['/api/v1/configmaps', 'io.k8s.api.core.v1.ConfigMap'],
      ['/api/v1/secrets', 'io.k8s.api.core.v1.Secret'],
      ['/api/v1/serviceaccounts', 'io.k8s.api.core.v1.ServiceAccount'],
      ['/apis/coordination.k8s.io/v1/leases', 'io.k8s.api.coordination.v1.Lease'],
      ['/apis/apps/v1/statefulsets', 'io.k8s.api.apps.v1.StatefulSet'],
      ['/apis/apps/v1/daemonsets', 'io.k8s.api.apps.v1.DaemonSet'],
      ['/apis/apps/v1/controllerrevisions', 'io.k8s.api.apps.v1.ControllerRevision'],
      ['/apis/batch/v1/jobs', 'io.k8s.api.batch.v1.Job'],
      ['/apis/batch/v1/cronjobs', 'io.k8s.api.batch.v1.CronJob'],
      ['/apis/policy/v1/poddisruptionbudgets', 'io.k8s.api.policy.v1.PodDisruptionBudget'],
      ['/api/v1/namespaces/default/pods', 'io.k8s.api.core.v1.Pod'],
    ];
    it.each(kinds)('%s: a valid list of valid %s objects', async (path, itemSchema) => {
      const { status, body } = await sb.get<List>('fat', path);
      expect(status).toBe(200);
      expect(body.items.length).toBeGreaterThan(0);
      expect(validator.validate(`${itemSchema}List`, body)).toEqual([]);
      expect([...new Set(body.items.flatMap((item) => validator.validate(itemSchema, item)))]).toEqual([]);
    });

    it('reviews, an eviction refused by a budget and its Status are valid', async () => {
      const ssar = await httpsRequest(sb.dc, 'fat', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
      });
      expect(validator.validate('io.k8s.api.authorization.v1.SelfSubjectAccessReview', ssar.body)).toEqual([]);
      const rules = await httpsRequest(sb.dc, 'fat', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        spec: { namespace: 'default' },
      });
      expect(validator.validate('io.k8s.api.authorization.v1.SelfSubjectRulesReview', rules.body)).toEqual([]);
      const ssr = await httpsRequest(sb.dc, 'fat', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      });
      expect(validator.validate('io.k8s.api.authentication.v1.SelfSubjectReview', ssr.body)).toEqual([]);
      // A budget guards healthy pods only: wait until the StatefulSet's rolling update (set image,
      // above) has brought web-0 back Running and Ready, or the eviction is rightly allowed.
      await waitFor(
        'web-0 running and ready',
        async () => {
          const pod = await sb.get<{
            status?: { phase?: string; conditions?: { type: string; status: string }[] };
            metadata: { deletionTimestamp?: string };
          }>('fat', '/api/v1/namespaces/default/pods/web-0');
          const st = pod.body.status;
          return pod.status === 200 &&
            !pod.body.metadata.deletionTimestamp &&
            st?.phase === 'Running' &&
            st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
            ? true
            : undefined;
        },
        60_000,
      );
      const evicted = await httpsRequest(sb.dc, 'fat', 'POST', '/api/v1/namespaces/default/pods/web-0/eviction', {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: 'web-0', namespace: 'default' },
      });
      expect(evicted.status).toBe(429);
      expect(validator.validate('io.k8s.apimachinery.pkg.apis.meta.v1.Status', evicted.body)).toEqual([]);
    }, 90_000);
  });

  const cases: [string, string, string][] = [
    ['/api/v1/pods', 'io.k8s.api.core.v1.PodList', 'io.k8s.api.core.v1.Pod'],
    ['/apis/apps/v1/deployments', 'io.k8s.api.apps.v1.DeploymentList', 'io.k8s.api.apps.v1.Deployment'],
    ['/apis/apps/v1/replicasets', 'io.k8s.api.apps.v1.ReplicaSetList', 'io.k8s.api.apps.v1.ReplicaSet'],
    ['/api/v1/nodes', 'io.k8s.api.core.v1.NodeList', 'io.k8s.api.core.v1.Node'],
    ['/api/v1/events', 'io.k8s.api.core.v1.EventList', 'io.k8s.api.core.v1.Event'],
    ['/api/v1/namespaces', 'io.k8s.api.core.v1.NamespaceList', 'io.k8s.api.core.v1.Namespace'],
  ];

  it.each(cases)('%s is a valid %s and every item a valid object', async (path, listSchema, itemSchema) => {
    const { status, body } = await sb.get<List>('fat', path);
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(validator.validate(listSchema, body)).toEqual([]);
    const errors = body.items.flatMap((item) => validator.validate(itemSchema, item));
    expect([...new Set(errors)]).toEqual([]);
  });

  it('a single GET, the Scale subresource and a Status error are valid too', async () => {
    const list = await sb.get<List>('fat', '/apis/apps/v1/namespaces/shop/deployments');
    const name = (list.body.items[0]!.metadata as { name: string }).name;
    const one = await sb.get('fat', `/apis/apps/v1/namespaces/shop/deployments/${name}`);
    expect(validator.validate('io.k8s.api.apps.v1.Deployment', one.body)).toEqual([]);
    const scale = await sb.get('fat', `/apis/apps/v1/namespaces/shop/deployments/${name}/scale`);
    expect(validator.validate('io.k8s.api.autoscaling.v1.Scale', scale.body)).toEqual([]);
    const missing = await sb.get('fat', '/api/v1/namespaces/shop/pods/nope');
    expect(missing.status).toBe(404);
    expect(validator.validate('io.k8s.apimachinery.pkg.apis.meta.v1.Status', missing.body)).toEqual([]);
  });
});

const KINDS_YAML = `${statefulSetYaml({ ns: 'default', name: 'web', replicas: 2, image: 'nginx:1.27', ports: '[{name: http, containerPort: 80}]' })}${daemonSetYaml(
  {
    ns: 'default',
    name: 'agent',
    image: 'fluent-bit:3.0',
    podSpec: 'initContainers: [{name: setup, image: busybox:1.36, command: [sh, -c, "sleep 1"]}], ',
  },
)}apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: default}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: once, image: busybox:1.36, command: [sh, -c, "sleep 1"]}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick, namespace: default}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: t, image: busybox:1.36, command: [sh, -c, "true"]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: default}
stringData: {password: hunter2}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}
`;
