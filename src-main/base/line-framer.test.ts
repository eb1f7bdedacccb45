import { describe, expect, it } from 'vitest';
import { LineFramer } from './line-framer';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('LineFramer', () => {
  it('frames lines across chunks, drops CR, keeps an unfinished line for flush', () => {
    const f = new LineFramer();
    expect(f.push(b('a\r\nb')).map((l) => l.text)).toEqual(['a']);
    expect(f.pendingBytes).toBe(1);
    expect(f.push(b('c\nd')).map((l) => l.text)).toEqual(['bc']);
    expect(f.flush()).toEqual({ text: 'd', truncatedBytes: 0 });
    expect(f.flush()).toBeUndefined();
  });

  it('a line over the maximum is cut and counted; overflowing says so before its newline comes', () => {
    const f = new LineFramer(4);
    expect(f.push(b('abc'))).toEqual([]);
    expect(f.overflowing).toBe(false);
    expect(f.push(b('defg'))).toEqual([]);
    expect(f.overflowing).toBe(true);
    expect(f.pendingBytes).toBe(4); // memory stays bounded
    expect(f.push(b('h\nok\n'))).toEqual([
      { text: 'abcd', truncatedBytes: 4 },
      { text: 'ok', truncatedBytes: 0 },
    ]);
    expect(f.overflowing).toBe(false);
    expect(new LineFramer(4).push(b('abcd\n'))).toEqual([{ text: 'abcd', truncatedBytes: 0 }]);
  });

  it('decodes broken UTF-8 as U+FFFD, even split across chunks', () => {
    const f = new LineFramer();
    const euro = Buffer.from('€', 'utf8');
    expect(f.push(euro.subarray(0, 2))).toEqual([]);
    expect(f.push(Buffer.concat([euro.subarray(2), b('\n'), Buffer.from([0xff, 0x0a])])).map((l) => l.text)).toEqual(['€', '\uFFFD']);
  });
});
