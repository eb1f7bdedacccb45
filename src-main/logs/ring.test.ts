import { describe, expect, it } from 'vitest';
import { LineFramer } from '../base/line-framer';
import { Ring } from './ring';
import { Spool } from './spool';

describe('Ring', () => {
  it('keeps the last `capacity` items by view-wide index', () => {
    const r = new Ring<number>(3);
    for (let i = 0; i < 5; i++) expect(r.push(i * 10)).toBe(i);
    expect([r.first, r.total, r.size]).toEqual([2, 5, 3]);
    expect(r.get(1)).toBeUndefined();
    expect(r.slice(0, 5)).toEqual([20, 30, 40]);
  });
});

describe('LineFramer', () => {
  it('joins a line split across chunks, even inside a UTF-8 character', () => {
    const f = new LineFramer();
    const bytes = Buffer.from('café\nnext');
    expect(f.push(bytes.subarray(0, 4))).toEqual([]);
    expect(f.push(bytes.subarray(4))).toEqual([{ text: 'café', truncatedBytes: 0 }]);
    expect(f.pendingBytes).toBe(4);
    f.discard();
    expect(f.flush()).toBeUndefined();
  });
  it('replaces invalid UTF-8 and cuts an over-long line, counting what it dropped', () => {
    const f = new LineFramer(10);
    const out = f.push(Buffer.concat([Buffer.from([0x61, 0xff, 0xfe, 0x0a]), Buffer.from('x'.repeat(25) + '\n')]));
    expect(out).toEqual([
      { text: 'a\uFFFD\uFFFD', truncatedBytes: 0 },
      { text: 'x'.repeat(10), truncatedBytes: 15 },
    ]);
  });
});

describe('Spool', () => {
  it('appends, reads back in chunks without splitting characters, and deletes itself', async () => {
    const s = new Spool(16);
    for (let i = 0; i < 100; i++) s.append(`línea ${i}`);
    let text = '';
    for (let off = 0, eof = false; !eof;) {
      const r = s.read(off, 7);
      text += r.text;
      off = r.nextOffset;
      eof = r.eof;
    }
    expect(text.split('\n').slice(0, -1)).toEqual(Array.from({ length: 100 }, (_, i) => `línea ${i}`));
    const { existsSync } = await import('node:fs');
    s.close();
    expect(existsSync(s.file)).toBe(false);
  });
});
