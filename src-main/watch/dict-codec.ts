/**
 * A small LZ77 codec against a fixed dictionary (one typical object of the collection), for the
 * object store. Objects of one kind are very alike, so most of a pod's JSON is a copy of the
 * dictionary: a 3.4 KB pod becomes a few hundred bytes.
 *
 * Why not zlib: every zlib.deflateRawSync call creates a native zlib stream, a copy of the
 * dictionary and an output ArrayBuffer (~12 KB of malloc'd memory), freed only when V8 next
 * collects garbage. Compressing 50,000 pods left ~50 MB of such garbage at a time, which the C
 * allocator then kept: the main process's peak RSS. This codec works in buffers it reuses, so the
 * only allocation per object is the resulting (heap) string.
 *
 * Format: varint(decoded length), then sequences of
 *   token (literal count in the high nibble, match length - 4 in the low one; 15 = varint follows),
 *   the literal bytes, then (unless the output is complete) varint(distance back into
 *   dictionary + output) and the optional match-length varint.
 *
 *   const c = new DictCodec(Buffer.from(JSON.stringify(first)));
 *   const packed = c.encode(JSON.stringify(obj));   // latin1 string, one byte per char
 *   JSON.parse(c.decode(packed));
 */
const HASH_BITS = 14;
const MIN_MATCH = 4;
/** Candidates tried per position: enough to find the right field of the dictionary. */
const MAX_CHAIN = 24;
/** A match this long is taken without looking further. */
const GOOD_MATCH = 64;
/** Far above any Kubernetes object (etcd caps them at 1.5 MB): a larger length means corruption. */
const MAX_DECODED = 64 * 1024 * 1024;

export class DictCodec {
  private readonly dictLen: number;
  /** dictionary + the object being encoded */
  private win: Buffer;
  private prev: Int32Array;
  private readonly head = new Int32Array(1 << HASH_BITS);
  private readonly dictHead = new Int32Array(1 << HASH_BITS);
  private out: Buffer = Buffer.alloc(0);
  private packed: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(dictionary: Buffer) {
    this.dictLen = dictionary.length;
    this.win = Buffer.alloc(this.dictLen + 16 * 1024);
    dictionary.copy(this.win);
    this.prev = new Int32Array(this.win.length);
    this.dictHead.fill(-1);
    for (let i = 0; i + MIN_MATCH <= this.dictLen; i++) {
      const h = this.hash(i);
      this.prev[i] = this.dictHead[h]!;
      this.dictHead[h] = i;
    }
  }

  encode(text: string): string {
    const d = this.dictLen;
    // Worst case UTF-8 is 3 bytes per UTF-16 unit; measure exactly only when that may not fit.
    if (this.win.length < d + text.length * 3) {
      const bytes = Buffer.byteLength(text);
      if (this.win.length < d + bytes) this.growWindow(d + bytes);
    }
    const n = this.win.write(text, d, 'utf8');
    const end = d + n;
    const win = this.win;
    const prev = this.prev;
    const head = this.head;
    head.set(this.dictHead);
    this.reserveOut(n + (n >> 2) + 32);
    this.pos = 0;
    this.varint(n);
    let anchor = d;
    let i = d;
    const last = end - MIN_MATCH;
    while (i <= last) {
      const h = this.hash(i);
      let cand = head[h]!;
      prev[i] = cand;
      head[h] = i;
      let bestLen = 0;
      let bestPos = 0;
      const max = end - i;
      for (let chain = 0; cand >= 0 && chain < MAX_CHAIN && bestLen < max; chain++, cand = prev[cand]!) {
        // Quick reject on the byte that would make this candidate the best.
        if (win[cand + bestLen] !== win[i + bestLen]) continue;
        let len = 0;
        while (len < max && win[cand + len] === win[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestPos = cand;
          if (len >= GOOD_MATCH) break;
        }
      }
      if (bestLen < MIN_MATCH) {
        i++;
        continue;
      }
      this.sequence(anchor, i, i - bestPos, bestLen);
      // Index the matched positions too (later text often repeats them).
      const stop = Math.min(i + bestLen, last + 1);
      for (let j = i + 1; j < stop; j++) {
        const hj = this.hash(j);
        prev[j] = head[hj]!;
        head[hj] = j;
      }
      i += bestLen;
      anchor = i;
    }
    if (anchor < end) this.sequence(anchor, end, 0, 0);
    return this.out.toString('latin1', 0, this.pos);
  }

  decode(packed: string): string {
    const len = packed.length;
    if (this.packed.length < len) this.packed = Buffer.alloc(Math.max(len, this.packed.length * 2));
    const src = this.packed;
    src.write(packed, 0, 'latin1');
    let p = 0;
    const readVarint = () => {
      let v = 0;
      let shift = 0;
      for (;;) {
        if (p >= len) throw new Error('DictCodec: truncated input');
        const b = src[p++]!;
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
        shift += 7;
      }
    };
    const n = readVarint();
    if (n > MAX_DECODED) throw new Error('DictCodec: corrupt length');
    const d = this.dictLen;
    if (this.win.length < d + n) this.growWindow(d + n);
    const win = this.win;
    let o = d;
    const end = d + n;
    while (o < end) {
      const token = src[p++]!;
      let lit = token >> 4;
      if (lit === 15) lit += readVarint();
      if (p + lit > len || o + lit > end) throw new Error('DictCodec: corrupt literals');
      src.copy(win, o, p, p + lit);
      p += lit;
      o += lit;
      if (o >= end) break;
      const dist = readVarint();
      let mlen = token & 15;
      if (mlen === 15) mlen += readVarint();
      mlen += MIN_MATCH;
      let from = o - dist;
      if (dist === 0 || from < 0 || o + mlen > end) throw new Error('DictCodec: corrupt match');
      // Byte by byte: a match may overlap the bytes it produces.
      for (const stop = o + mlen; o < stop;) win[o++] = win[from++]!;
    }
    return win.toString('utf8', d, end);
  }

  private hash(i: number): number {
    const w = this.win;
    return Math.imul(w[i]! | (w[i + 1]! << 8) | (w[i + 2]! << 16) | (w[i + 3]! << 24), 0x9e3779b1) >>> (32 - HASH_BITS);
  }

  private sequence(from: number, to: number, dist: number, mlen: number): void {
    const lit = to - from;
    const m = mlen ? mlen - MIN_MATCH : 0;
    this.out[this.pos++] = (Math.min(lit, 15) << 4) | Math.min(m, 15);
    if (lit >= 15) this.varint(lit - 15);
    this.win.copy(this.out, this.pos, from, to);
    this.pos += lit;
    if (!mlen) return;
    this.varint(dist);
    if (m >= 15) this.varint(m - 15);
  }

  private varint(v: number): void {
    while (v >= 0x80) {
      this.out[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.out[this.pos++] = v;
  }

  private reserveOut(n: number): void {
    if (this.out.length < n) this.out = Buffer.alloc(Math.max(n, this.out.length * 2));
  }

  private growWindow(n: number): void {
    const win = Buffer.alloc(Math.max(n, this.win.length * 2));
    this.win.copy(win, 0, 0, this.dictLen);
    this.win = win;
    const prev = new Int32Array(win.length);
    prev.set(this.prev.subarray(0, this.dictLen));
    this.prev = prev;
  }
}
