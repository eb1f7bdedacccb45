import { describe, expect, it } from 'vitest';
import { pod } from '../testing/fake-kube';
import { DictCodec } from './dict-codec';

const podJson = (i: number) => {
  const p = pod(`ns-${i % 7}`, `web-${i}-7f9c6d8b5-${(i * 7919).toString(36)}`);
  p.metadata.uid = `0f3c${i}-1b2a-4c3d-8e9f-${String(i).padStart(12, '0')}`;
  p.metadata.resourceVersion = String(1000 + i);
  return JSON.stringify(p);
};

describe('DictCodec', () => {
  const codec = new DictCodec(Buffer.from(podJson(0)));

  it('gives back exactly what it was given', () => {
    const samples = [
      '',
      'x',
      'abc',
      podJson(0),
      podJson(1),
      podJson(12345),
      'a'.repeat(10_000), // overlapping matches
      'ab'.repeat(3) + 'Zoë 日本 🚀 "quoted" \\ \u0000\u007f\u0080\u00ff',
      Array.from({ length: 3000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(''), // mostly literals
      JSON.stringify({ big: Array.from({ length: 20_000 }, (_, i) => `item-${i}`) }), // grows the window
    ];
    for (const s of samples) expect(codec.decode(codec.encode(s))).toBe(s);
    // The window grew for the big sample; small objects still round-trip afterwards.
    expect(codec.decode(codec.encode(podJson(42)))).toBe(podJson(42));
  });

  it('makes an object of the same kind a small fraction of its JSON', () => {
    let raw = 0;
    let packed = 0;
    for (let i = 1; i <= 200; i++) {
      const s = podJson(i);
      const p = codec.encode(s);
      raw += s.length;
      packed += p.length;
      expect(codec.decode(p)).toBe(s);
    }
    expect(packed / raw).toBeLessThan(0.25);
  });

  it('packs into a one-byte-per-char string and refuses corrupt input', () => {
    const p = codec.encode(podJson(3));
    expect([...p].every((ch) => ch.charCodeAt(0) < 256)).toBe(true);
    expect(() => codec.decode(p.slice(0, p.length - 3))).toThrow(/DictCodec/);
    expect(() => codec.decode('\u00ff\u00ff\u00ff\u00ff\u0001\u0000')).toThrow(/DictCodec/);
  });
});
