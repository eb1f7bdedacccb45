import { describe, expect, it } from 'vitest';
import { RESOURCES } from './resources';
import type { KubeObject } from './types';
import { invalidStatus, labelErrors, nameErrors, qualifiedNameErrors, validateObject } from './validation';

describe('validation', () => {
  it('checks names per rule and says why, as the apiserver does', () => {
    expect(nameErrors('web-1.example', 'subdomain', 'metadata.name')).toEqual([]);
    expect(nameErrors('web.1', 'label', 'metadata.name')[0]!.detail).toMatch(/^a lowercase RFC 1123 label must consist of/);
    expect(nameErrors('Bad_Name', 'subdomain', 'metadata.name')[0]!.detail).toMatch(/^a lowercase RFC 1123 subdomain/);
    expect(nameErrors('a'.repeat(64), 'label', 'x').map((e) => e.detail)).toEqual(['must be no more than 63 characters']);
  });

  it('checks label keys (optional DNS prefix) and values', () => {
    expect(qualifiedNameErrors('app.kubernetes.io/name', 'f')).toEqual([]);
    expect(qualifiedNameErrors('/name', 'f')[0]!.detail).toBe('prefix part must be non-empty');
    expect(qualifiedNameErrors('a/b/c', 'f')).toHaveLength(1);
    expect(labelErrors({ ok: '', 'bad key!': 'v', k: 'bad value!' }, 'metadata.labels').map((e) => e.value)).toEqual([
      'bad key!',
      'bad value!',
    ]);
  });

  it('builds the 422 message and causes of apierrors.NewInvalid', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'x!': 'y' } },
      spec: {
        containers: [
          { name: 'c', image: 'i' },
          { name: 'c', image: 'i' },
        ],
      },
    } as KubeObject;
    const errs = validateObject(RESOURCES.pods, pod);
    const { message, details } = invalidStatus(RESOURCES.pods, 'p', errs);
    expect(message).toMatch(
      /^Pod "p" is invalid: \[metadata.labels: Invalid value: "x!": name part must consist of .*, spec.containers\[1\].name: Duplicate value: "c"\]$/,
    );
    expect(details.causes!.map((c) => [c.reason, c.field])).toEqual([
      ['FieldValueInvalid', 'metadata.labels'],
      ['FieldValueDuplicate', 'spec.containers[1].name'],
    ]);
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: -1,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    } as KubeObject;
    expect(invalidStatus(RESOURCES.deployments, 'd', validateObject(RESOURCES.deployments, d)).message).toBe(
      'Deployment.apps "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });
});
