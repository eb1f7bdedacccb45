import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-shared/k8s/types';
import { pod, until } from '../testing/fake-kube';
import { MAX_BACKLOG, ObjectStore } from './object-store';

const pods = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const p = pod('ns', `web-${i}`);
    p.metadata.uid = `uid-${i}`;
    p.metadata.resourceVersion = String(100 + i);
    return p;
  });

describe('ObjectStore', () => {
  for (const mode of [false, 'json', 'compress'] as const) {
    it(`stores and returns identical objects (pack: ${mode})`, () => {
      const s = new ObjectStore<KubeObject>(mode);
      const list = pods(50);
      for (const p of list) s.set(p.metadata.uid!, p);
      s.flushCompression();
      expect(s.size).toBe(50);
      expect(s.get('uid-7')).toEqual(list[7]);
      expect(s.findByName('ns', 'web-42')).toEqual(list[42]);
      expect(s.rvOf('uid-3')).toBe('103');
      expect(s.delete('uid-3')).toBe(true);
      expect(s.values()).toHaveLength(49);
      s.dispose();
    });
  }

  it('compresses in the background, in small slices, to a fraction of the JSON size', async () => {
    const s = new ObjectStore<KubeObject>('compress');
    const n = MAX_BACKLOG - 1;
    const list = pods(n);
    for (const p of list) s.set(p.metadata.uid!, p);
    expect(s.pendingCompression).toBe(n);
    await until(() => s.pendingCompression === 0, 10_000, 'background compression');
    const last = `uid-${n - 1}`;
    const json = JSON.stringify(list[n - 1]).length;
    const stored = (s as unknown as { slots: Map<string, { value: string; z: boolean }> }).slots.get(last)!;
    expect(stored.z).toBe(true);
    expect(stored.value.length).toBeLessThan(json / 3);
    expect(s.get(last)).toEqual(list[n - 1]);
    // Replaced objects are compressed again; deleted ones are dropped from the queue.
    s.set('uid-5', { ...list[5]!, metadata: { ...list[5]!.metadata, resourceVersion: '999' } });
    s.delete('uid-5');
    expect(s.pendingCompression).toBe(0);
    s.dispose();
  });

  it(`a bulk load never leaves more than ${MAX_BACKLOG} objects uncompressed (the rest is compressed inline)`, () => {
    const s = new ObjectStore<KubeObject>('compress');
    const list = pods(3000);
    for (const p of list) s.set(p.metadata.uid!, p);
    expect(s.pendingCompression).toBeLessThanOrEqual(MAX_BACKLOG);
    const slots = (s as unknown as { slots: Map<string, { z: boolean }> }).slots;
    expect([...slots.values()].filter((x) => x.z).length).toBeGreaterThanOrEqual(3000 - MAX_BACKLOG);
    expect(s.get('uid-2999')).toEqual(list[2999]);
    expect(s.findByName('ns', 'web-1500')).toEqual(list[1500]);
    s.dispose();
  });

  it('finds by namespace/name through an index that follows deletes and renames', () => {
    const s = new ObjectStore<KubeObject>(false);
    const [a, b] = pods(2);
    s.set('uid-0', a!);
    s.set('uid-1', b!);
    expect(s.findByName('ns', 'web-1')).toBe(b);
    expect(s.findByName('other', 'web-1')).toBeUndefined();
    s.delete('uid-1');
    expect(s.findByName('ns', 'web-1')).toBeUndefined();
    // Same key, new name (not in Kubernetes, but a keyOf may do it): the old name no longer resolves.
    const renamed = { ...a!, metadata: { ...a!.metadata, name: 'web-renamed' } };
    s.set('uid-0', renamed);
    expect(s.findByName('ns', 'web-0')).toBeUndefined();
    expect(s.findByName('ns', 'web-renamed')).toBe(renamed);
    s.clear();
    expect(s.findByName('ns', 'web-renamed')).toBeUndefined();
    s.dispose();
  });
});
