import { describe, expect, it } from 'vitest';
import { pod } from '../testing/fake-kube';
import type { ListParseError } from './list-parser';
import { ListParser } from './list-parser';

/** Feed `body` cut at the given offsets; returns the parsed items and metadata, or the first error. */
function parse(body: Buffer, cuts: number[], maxItemBytes = 1 << 20): { items: unknown[]; meta: unknown } | ListParseError {
  const p = new ListParser({ maxItemBytes });
  const items: unknown[] = [];
  let from = 0;
  for (const to of [...cuts, body.length]) {
    const r = p.push(body.subarray(from, to));
    if (typeof r === 'string') return r;
    for (const text of r) items.push(JSON.parse(text));
    from = to;
  }
  const meta = p.end();
  return typeof meta === 'string' ? meta : { items, meta };
}

const tricky = () => {
  const p = pod('ns', 'web-0');
  // Braces, brackets, quotes, escapes, "items" as a key and multi-byte characters inside an item.
  p.metadata.annotations = { note: 'a "quoted" {brace} [bracket] \\ back\\slash "items":[1]', owner: 'Zoë 日本 🚀' };
  p.metadata.labels = { items: 'x' };
  return p;
};

describe('ListParser', () => {
  const list = {
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '1234', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9' },
    items: [tricky(), pod('ns', 'web-1'), pod('other', 'db-0')],
  };
  const body = Buffer.from(JSON.stringify(list, null, 1));

  it('returns every item and the list metadata whatever the chunk boundaries', () => {
    const want = { items: list.items, meta: list.metadata };
    expect(parse(body, [])).toEqual(want);
    // Every single cut point, then every byte on its own (strings, escapes and UTF-8 split anywhere).
    for (let cut = 1; cut < body.length; cut++) expect(parse(body, [cut])).toEqual(want);
    expect(
      parse(
        body,
        Array.from({ length: body.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(want);
  });

  it('takes metadata after the items, an empty list and Go’s null items', () => {
    const after = Buffer.from(`{"items":[${JSON.stringify(pod('a', 'b'))}],"kind":"PodList","metadata":{"resourceVersion":"9"}}`);
    expect(parse(after, [20])).toEqual({ items: [pod('a', 'b')], meta: { resourceVersion: '9' } });
    expect(parse(Buffer.from('{"kind":"PodList","metadata":{"resourceVersion":"5"},"items":[]}'), [])).toEqual({
      items: [],
      meta: { resourceVersion: '5' },
    });
    expect(parse(Buffer.from('{"metadata":{"resourceVersion":"5"},"items":null}'), [])).toEqual({
      items: [],
      meta: { resourceVersion: '5' },
    });
  });

  it('rejects a truncated page, a page without items, trailing data and non-object items', () => {
    expect(parse(body.subarray(0, body.length - 10), [100])).toBe('truncated');
    expect(parse(body.subarray(0, body.length - 1), [])).toBe('truncated');
    expect(parse(Buffer.from('{"kind":"Status","metadata":{}}'), [])).toBe('invalid');
    expect(parse(Buffer.from('{"metadata":{},"items":[]} {"more":1}'), [])).toBe('invalid');
    expect(parse(Buffer.from('{"metadata":{},"items":[1,2]}'), [])).toBe('invalid');
    expect(parse(Buffer.from('not json at all'), [])).toBe('truncated');
  });

  it('refuses an item larger than the cap, whether it arrives whole or in pieces', () => {
    const big = Buffer.from(JSON.stringify({ metadata: {}, items: [{ metadata: { name: 'x'.repeat(5000) } }] }));
    expect(parse(big, [], 4096)).toBe('too-long');
    expect(parse(big, [40, 2000, 4000], 4096)).toBe('too-long');
    expect(parse(big, [40, 2000], 8192)).not.toBe('too-long');
  });
});
