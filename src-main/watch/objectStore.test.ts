import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-shared/k8s/types';
import { pod, until } from '../clusters/testing/fakeKube';
import { ObjectStore } from './objectStore';

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
    const list = pods(2000);
    for (const p of list) s.set(p.metadata.uid!, p);
    expect(s.pendingCompression).toBe(2000);
    await until(() => s.pendingCompression === 0, 10_000, 'background compression');
    const json = JSON.stringify(list[1999]).length;
    const stored = (s as unknown as { slots: Map<string, { value: string; z: boolean }> }).slots.get('uid-1999')!;
    expect(stored.z).toBe(true);
    expect(stored.value.length).toBeLessThan(json / 3);
    expect(s.get('uid-1999')).toEqual(list[1999]);
    // Replaced objects are compressed again; deleted ones are dropped from the queue.
    s.set('uid-5', { ...list[5]!, metadata: { ...list[5]!.metadata, resourceVersion: '999' } });
    s.delete('uid-5');
    expect(s.pendingCompression).toBe(0);
    s.dispose();
  });
});
