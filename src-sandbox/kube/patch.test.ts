import { describe, expect, it } from 'vitest';
import { PatchError, jsonMergePatch, jsonPatch, strategicMergePatch } from './patch';

const deployment = () => ({
  metadata: { name: 'orders', labels: { a: '1', b: '2' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'orders', image: 'orders:1', env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    },
  },
});

describe('JSON merge patch', () => {
  it('merges objects, replaces lists, deletes with null', () => {
    const out = jsonMergePatch(deployment(), {
      metadata: { labels: { b: null, c: '3' } },
      spec: { template: { spec: { containers: [{ name: 'x', image: 'x' }] } } },
    });
    expect(out).toMatchObject({ metadata: { labels: { a: '1', c: '3' } } });
    expect((out as ReturnType<typeof deployment>).spec.template.spec.containers).toEqual([{ name: 'x', image: 'x' }]);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name (kubectl set image)', () => {
    const out = strategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'orders', image: 'orders:2' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'orders', image: 'orders:2', env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'envoy:1' },
    ]);
  });

  it('merges nested lists by their keys and honours $patch: delete and replace', () => {
    const out = strategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'orders', env: [{ name: 'B', value: '2' }] },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'orders',
        image: 'orders:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ]);
    const replaced = strategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', z: '9' } } }) as ReturnType<
      typeof deployment
    >;
    expect(replaced.metadata.labels).toEqual({ z: '9' });
  });

  it('tolerates $setElementOrder and applies $retainKeys', () => {
    const out = strategicMergePatch(
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      {
        '$setElementOrder/containers': [{ name: 'a' }],
        $unknownDirective: 1,
        strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
      },
    );
    expect(out).toEqual({ strategy: { type: 'Recreate' } });
  });
});

describe('JSON patch', () => {
  it('applies replace/add/remove/test like kubectl rollout undo', () => {
    const out = jsonPatch(deployment(), [
      { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'orders', image: 'orders:0' }] } } },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'test', path: '/spec/replicas', value: 2 },
    ]) as ReturnType<typeof deployment>;
    expect(out.spec.template.spec.containers[0]!.image).toBe('orders:0');
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
  });

  it('fails on a missing path and a failed test', () => {
    expect(() => jsonPatch(deployment(), [{ op: 'replace', path: '/nope/x', value: 1 }])).toThrow(PatchError);
    expect(() => jsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 3 }])).toThrow(PatchError);
  });
});
