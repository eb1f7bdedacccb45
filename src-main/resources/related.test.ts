import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-shared/k8s/types';
import { mountsOf, ownersOf, podSelectorOf, redactSecret } from './related';

describe('related objects', () => {
  const deployment = {
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: {
        spec: {
          volumes: [
            { name: 'conf', configMap: { name: 'web-conf' } },
            { name: 'tls', secret: { secretName: 'web-tls' } },
          ],
          containers: [
            {
              name: 'c',
              envFrom: [{ secretRef: { name: 'db' } }],
              env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'web-conf', key: 'x' } } }],
            },
          ],
        },
      },
    },
  } as unknown as KubeObject;

  it('finds mounted ConfigMaps and Secrets once each', () => {
    expect(mountsOf(deployment).map((r) => `${r.kind}/${r.name}`)).toEqual(['ConfigMap/web-conf', 'Secret/web-tls', 'Secret/db']);
  });

  it('turns selectors into label selector strings', () => {
    expect(podSelectorOf(deployment)).toBe('app=web,tier in (a,b)');
    expect(podSelectorOf({ kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' } } } as unknown as KubeObject)).toBe(
      'app=web',
    );
    expect(podSelectorOf({ kind: 'Service', metadata: { name: 's' }, spec: {} } as unknown as KubeObject)).toBeUndefined();
  });

  it('maps owners through discovery, else the conventional plural', () => {
    const pod = {
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }],
      },
    } as KubeObject;
    expect(ownersOf(pod, () => undefined)[0]).toEqual({
      relation: 'owner',
      type: { group: 'apps', version: 'v1', resource: 'replicasets' },
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-1',
      note: 'controller',
    });
  });

  it('hides every Secret value, including the last-applied annotation', () => {
    const secret = {
      kind: 'Secret',
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"k":"c2VjcmV0"}}' } },
      data: { k: 'c2VjcmV0' },
      stringData: { p: 'plain' },
    } as unknown as KubeObject;
    const { object, keys } = redactSecret(secret);
    expect(keys).toEqual(['k', 'p']);
    expect(JSON.stringify(object)).not.toMatch(/c2VjcmV0|plain/);
  });
});
