/**
 * The server side of a SPDY/3.1 connection, as much as port-forwarding needs (what Go's
 * spdystream speaks to kubelets): SYN_STREAM answered with SYN_REPLY, DATA with FIN half-closes,
 * RST_STREAM, PING echoed, SETTINGS / WINDOW_UPDATE / GOAWAY accepted. Header blocks are one
 * zlib stream per direction with the SPDY/3 dictionary. Bytes in through `feed`, out through
 * the `write` callback, so the same session runs over a raw upgraded socket or inside WebSocket
 * messages (kubectl's tunnelling).
 */
import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary';

const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const FLAG_FIN = 0x01;
const MAX_DATA = 0xffff;

export class SpdyError extends Error {}

export interface SpdyStream {
  readonly id: number;
  readonly headers: Record<string, string>;
  write(data: Buffer): void;
  /** Half-close: a DATA frame with FIN. */
  end(): void;
  onData?: (data: Buffer) => void;
  /** The client half-closed (FIN) or reset the stream. */
  onEnd?: () => void;
}

export class SpdySession {
  private buf: Buffer = Buffer.alloc(0);
  /** Every compressed header byte received: Node has no synchronous streaming inflate, so the
   * stream is inflated again from its start (header blocks are tens of bytes, a few per connection). */
  private compressedIn: Buffer[] = [];
  private inflatedOut = 0;
  private wroteZlibHeader = false;
  private readonly streams = new Map<number, SpdyStream & { closedLocal: boolean }>();
  private closed = false;

  constructor(
    private readonly write: (b: Buffer) => void,
    private readonly onStream: (s: SpdyStream) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      while (this.buf.length >= 8) {
        const length = this.buf.readUIntBE(5, 3);
        if (this.buf.length < 8 + length) break;
        const frame = this.buf.subarray(0, 8 + length);
        this.buf = this.buf.subarray(8 + length);
        this.frame(frame);
      }
    } catch (e) {
      this.close();
      this.onError(e as Error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.onEnd?.();
    this.streams.clear();
    this.compressedIn = [];
  }

  private frame(f: Buffer): void {
    const flags = f[4]!;
    const payload = f.subarray(8);
    if (!(f[0]! & 0x80)) {
      const id = f.readUInt32BE(0) & 0x7fffffff;
      const s = this.streams.get(id);
      if (!s) return;
      if (payload.length) s.onData?.(Buffer.from(payload));
      if (flags & FLAG_FIN) s.onEnd?.();
      return;
    }
    const version = f.readUInt16BE(0) & 0x7fff;
    if (version !== 3) throw new SpdyError(`unsupported SPDY version ${version}`);
    switch (f.readUInt16BE(2)) {
      case TYPE.SYN_STREAM:
        return this.synStream(payload, flags);
      case TYPE.RST_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.onEnd?.();
        this.streams.delete(id);
        return;
      }
      case TYPE.PING:
        return this.write(f);
      case TYPE.HEADERS:
        this.headerBlock(payload.subarray(4));
        return;
      case TYPE.GOAWAY:
        return this.close();
      default:
        return; // SETTINGS, WINDOW_UPDATE, NOOP: nothing to do for a port-forward server
    }
  }

  private synStream(payload: Buffer, flags: number): void {
    const id = payload.readUInt32BE(0) & 0x7fffffff;
    const headers = this.headerBlock(payload.subarray(10));
    const stream: SpdyStream & { closedLocal: boolean } = {
      id,
      headers,
      closedLocal: false,
      write: (data) => {
        for (let at = 0; at < data.length; at += MAX_DATA) this.data(id, data.subarray(at, at + MAX_DATA), false);
      },
      end: () => {
        if (stream.closedLocal) return;
        stream.closedLocal = true;
        this.data(id, Buffer.alloc(0), true);
      },
    };
    this.streams.set(id, stream);
    this.control(TYPE.SYN_REPLY, 0, Buffer.concat([u32(id), this.encodeHeaders({})]));
    this.onStream(stream);
    if (flags & FLAG_FIN) stream.onEnd?.();
  }

  private data(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return;
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h[4] = fin ? FLAG_FIN : 0;
    h.writeUIntBE(data.length, 5, 3);
    this.write(Buffer.concat([h, data]));
  }

  private control(type: number, flags: number, payload: Buffer): void {
    if (this.closed) return;
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8003, 0);
    h.writeUInt16BE(type, 2);
    h[4] = flags;
    h.writeUIntBE(payload.length, 5, 3);
    this.write(Buffer.concat([h, payload]));
  }

  private headerBlock(compressed: Buffer): Record<string, string> {
    this.compressedIn.push(Buffer.from(compressed));
    const all = inflateSync(Buffer.concat(this.compressedIn), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const raw = all.subarray(this.inflatedOut);
    this.inflatedOut = all.length;
    const out: Record<string, string> = {};
    let at = 4;
    const n = raw.readUInt32BE(0);
    for (let i = 0; i < n; i++) {
      const nl = raw.readUInt32BE(at);
      const name = raw.subarray(at + 4, at + 4 + nl).toString('utf8');
      at += 4 + nl;
      const vl = raw.readUInt32BE(at);
      out[name] = raw.subarray(at + 4, at + 4 + vl).toString('utf8');
      at += 4 + vl;
    }
    return out;
  }

  private encodeHeaders(headers: Record<string, string>): Buffer {
    const parts: Buffer[] = [u32(Object.keys(headers).length)];
    for (const [k, v] of Object.entries(headers)) {
      const kb = Buffer.from(k.toLowerCase());
      const vb = Buffer.from(v);
      parts.push(u32(kb.length), kb, u32(vb.length), vb);
    }
    return this.storedBlock(Buffer.concat(parts));
  }

  /**
   * The next piece of our zlib stream: the stream header (with the dictionary's id) the first time,
   * then the block uncompressed as a non-final stored deflate block followed by the empty stored
   * block of a sync flush. Valid for any inflater; replies here carry almost no headers, so nothing is lost.
   */
  private storedBlock(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.wroteZlibHeader) {
      this.wroteZlibHeader = true;
      parts.push(Buffer.from([0x78, 0xbb]), u32(adler32(SPDY3_DICTIONARY)));
    }
    const len = Buffer.alloc(5);
    len[0] = 0x00; // BFINAL 0, BTYPE 00 (stored)
    len.writeUInt16LE(data.length, 1);
    len.writeUInt16LE(~data.length & 0xffff, 3);
    // Then the empty stored block a sync flush ends with: Go's inflater hands out a block's bytes
    // only when it reaches that marker.
    parts.push(len, data, Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

function adler32(b: Buffer): number {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return ((c << 16) | a) >>> 0;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
