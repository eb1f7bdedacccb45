import { describe, expect, it } from 'vitest';
import { DecodeError, schemaDecoder } from './schema-decoder';

const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 1, memory: '1Gi' } } }] },
    },
    ...spec,
  },
});

describe('SchemaDecoder (official 1.35 documents)', () => {
  const d = schemaDecoder();

  it('keeps known fields (int-or-string, quantities as numbers or strings, nulls) and lists unknown ones with their paths', () => {
    const input = deployment({ replicas: 2, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } }, foo: true });
    (input.spec.template.spec.containers[0] as Record<string, unknown>).colour = 'red';
    (input.metadata as Record<string, unknown>).creationTimestamp = null;
    const out = d.decode('apps', 'v1', 'Deployment', input);
    expect(out.unknownFields).toEqual(['spec.template.spec.containers[0].colour', 'spec.foo']);
    expect(out.value.spec).not.toHaveProperty('foo');
    expect((out.value.spec as { strategy: unknown }).strategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
    expect((out.value.metadata as Record<string, unknown>).creationTimestamp).toBeNull();
  });

  it('words type errors as Go encoding/json does', () => {
    const err = (group: string, kind: string, value: Record<string, unknown>) => {
      try {
        d.decode(group, 'v1', kind, value);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('apps', 'Deployment', deployment({ replicas: 'two' }))).toBe(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(err('apps', 'Deployment', deployment({ replicas: 1.5 }))).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(err('', 'Pod', { metadata: { labels: { a: 1 } } })).toBe(
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels.a of type string',
    );
    expect(err('', 'Pod', { spec: { containers: {} } })).toBe(
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
    expect(err('', 'Pod', { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } })).toBe(
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers[0].ports[0].containerPort of type int32',
    );
  });

  it('finds kinds of every shipped group and leaves unknown kinds alone', () => {
    expect(d.has('policy', 'v1', 'Eviction')).toBe(true);
    expect(d.has('batch', 'v1', 'CronJob')).toBe(true);
    expect(d.has('autoscaling', 'v1', 'Scale')).toBe(true);
    expect(d.decode('example.com', 'v1', 'Widget', { anything: 1 }).unknownFields).toEqual([]);
  });
});
