import { describe, expect, it } from 'vitest';
import { ProtobufBodyError, decodeProtobufBody, kubeProtoRoot } from './protobuf-body';

/** A body as client-go's protobuf serializer writes it: magic, then runtime.Unknown around the object. */
function envelope(apiVersion: string, kind: string, typeName: string, object: Record<string, unknown>): Buffer {
  const root = kubeProtoRoot();
  const type = root.lookupType(typeName);
  const raw = type.encode(type.fromObject(object)).finish();
  const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const body = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(body)]);
}

describe('decodeProtobufBody', () => {
  it('decodes a Deployment into its JSON form (IntOrString, Quantity, Time, pointer zeros, Go zero values dropped)', () => {
    const body = envelope('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', {
      metadata: { name: 'web', namespace: '', generation: 0, creationTimestamp: {}, labels: { app: 'web', empty: '' } },
      spec: {
        replicas: 0, minReadySeconds: 0, paused: false,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 0 } } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx:1.27', stdin: false, resources: { limits: { memory: { string: '512Mi' } } } }] },
        },
      },
    });
    const { apiVersion, kind, object } = decodeProtobufBody(body);
    expect([apiVersion, kind]).toEqual(['apps/v1', 'Deployment']);
    expect(object).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web', empty: '' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { limits: { memory: '512Mi' } } }] } },
      },
    });
  });

  it('decodes a policy/v1 Eviction with its DeleteOptions and a Time', () => {
    const body = envelope('policy/v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction', {
      metadata: { name: 'p-1', namespace: 'shop', creationTimestamp: { seconds: 1_767_225_600 } },
      deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] },
    });
    expect(decodeProtobufBody(body).object).toEqual({
      apiVersion: 'policy/v1', kind: 'Eviction',
      metadata: { name: 'p-1', namespace: 'shop', creationTimestamp: '2026-01-01T00:00:00Z' },
      deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] },
    });
  });

  it('refuses a body without the k8s\\0 magic and an unknown kind', () => {
    expect(() => decodeProtobufBody(Buffer.from('{"kind":"Pod"}'))).toThrow(ProtobufBodyError);
    expect(() => decodeProtobufBody(envelope('example.com/v1', 'Widget', 'k8s.io.api.core.v1.Namespace', {}))).toThrow(/no kind "Widget" is registered/);
  });
});
