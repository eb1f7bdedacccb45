/**
 * Sandbox objects, read over the wire, conform to the official Kubernetes 1.35 OpenAPI documents
 * (no invented fields, right types and formats), for every kind the sandbox serves and its lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox, waitFor } from './kube-sandbox-helpers';
import { kubeValidator } from '../../src-sandbox/openapi/openapi-validator';

type List = { items: Record<string, unknown>[] };

describe('sandbox objects against the Kubernetes OpenAPI documents', () => {
  let sb: TestSandbox;
  const validator = kubeValidator();

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 40 });
    // Let the crash-looping FAT search pod produce container history and events.
    await waitFor('a restarted pod', async () => {
      const { body } = await sb.get<List>('fat', '/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name%3Dsearch');
      return body.items.some((p) => ((p.status as { containerStatuses?: { restartCount: number }[] }).containerStatuses?.[0]?.restartCount ?? 0) >= 1) || undefined;
    });
  });
  afterAll(() => sb?.close());

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
