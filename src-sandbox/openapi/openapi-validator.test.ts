import { describe, expect, it } from 'vitest';
import { OpenApiValidator, kubeValidator } from './openapi-validator';

const doc = {
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          count: { type: 'integer', format: 'int32' },
          when: { type: 'string', format: 'date-time' },
          mode: { type: 'string', enum: ['a', 'b'] },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
          parts: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/Part' }] } },
          size: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        },
      },
      Part: { type: 'object', properties: { id: { type: 'integer', format: 'int64' } } },
    },
  },
};

describe('OpenApiValidator', () => {
  const v = new OpenApiValidator([doc]);

  it('accepts a conforming object', () => {
    expect(
      v.validate('Thing', {
        name: 'x',
        count: 3,
        when: '2026-01-01T00:00:00Z',
        mode: 'a',
        tags: { k: 'v' },
        parts: [{ id: 1 }],
        size: '1Gi',
      }),
    ).toEqual([]);
  });

  it('reports unknown properties, also through $ref inside allOf', () => {
    expect(v.validate('Thing', { name: 'x', bogus: 1 })).toEqual(['$: unknown property "bogus"']);
    expect(v.validate('Thing', { name: 'x', parts: [{ id: 1, extra: true }] })).toEqual(['$.parts[0]: unknown property "extra"']);
  });

  it('reports missing required, wrong types, enum, formats and oneOf', () => {
    const errors = v.validate('Thing', { count: 2 ** 40, when: 'yesterday', mode: 'c', tags: { k: 1 }, size: true });
    expect(errors).toEqual(
      expect.arrayContaining([
        '$: missing required property "name"',
        '$.count: 1099511627776 is out of int32 range',
        '$.when: "yesterday" is not RFC 3339',
        '$.mode: "c" is not one of ["a","b"]',
        '$.tags.k: expected string, got number',
        '$.size: must match exactly one of 2 schemas (matched 0)',
      ]),
    );
  });

  it('accepts null for an optional property (as the apiserver emits nil pointers)', () => {
    expect(v.validate('Thing', { name: 'x', when: null })).toEqual([]);
  });

  it('loads the official Kubernetes documents', () => {
    const k = kubeValidator();
    expect(k.has('io.k8s.api.core.v1.Pod')).toBe(true);
    expect(k.has('io.k8s.api.apps.v1.Deployment')).toBe(true);
    expect(
      k.validate('io.k8s.api.core.v1.Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', invented: 1 } }),
    ).toEqual(['$.metadata: unknown property "invented"']);
  });
});
