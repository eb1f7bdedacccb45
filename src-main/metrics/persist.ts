/**
 * The last hour of history on disk, so a restarted app still shows what happened before it: a
 * compact binary file (magic, JSON header with refs and timelines, then raw little-endian arrays),
 * written atomically (temp file + rename). A file we cannot read is moved aside, never fatal.
 */
import fs from 'node:fs';
import { writeFileAtomicSync } from '../app/atomic-write';
import type { ContainerHistory } from './history';
import { SampleRing } from './ring';

const MAGIC = Buffer.from('CAPSTAN-METRICS-1\n');

interface HeaderSeries { key: string; ref: ContainerHistory['ref']; events: ContainerHistory['events']; source?: ContainerHistory['source']; instanceStart: number; n: number }

export function encodeHistory(series: Iterable<ContainerHistory>, since: number, now: number): Buffer {
  const head: HeaderSeries[] = [];
  const chunks: Buffer[] = [];
  for (const h of series) {
    const a = h.ring.toArrays(since);
    if (a.t.length === 0 && h.events.length === 0) continue;
    head.push({ key: h.key, ref: h.ref, events: h.events, source: h.source, instanceStart: h.instanceStart, n: a.t.length });
    chunks.push(Buffer.from(new Float64Array(a.t).buffer));
    for (const arr of [a.cpu, a.ws, a.rss]) chunks.push(Buffer.from(new Float32Array(arr).buffer));
  }
  const header = Buffer.from(JSON.stringify({ savedAt: now, series: head }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, len, header, ...chunks]);
}

export function decodeHistory(buf: Buffer, capacity: number, since: number): ContainerHistory[] {
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a Capstan metrics history file');
  let off = MAGIC.length;
  const hlen = buf.readUInt32LE(off);
  off += 4;
  const header = JSON.parse(buf.subarray(off, off + hlen).toString('utf8')) as { series: HeaderSeries[] };
  off += hlen;
  // Copy each array out of the file buffer: typed-array views need aligned offsets.
  const take = <T>(bytes: number, make: (ab: ArrayBuffer) => T): T => {
    if (off + bytes > buf.length) throw new Error('truncated metrics history file');
    const ab = new ArrayBuffer(bytes);
    buf.copy(Buffer.from(ab), 0, off, off + bytes);
    off += bytes;
    return make(ab);
  };
  const out: ContainerHistory[] = [];
  for (const s of header.series) {
    const t = take(s.n * 8, (ab) => new Float64Array(ab));
    const [cpu, ws, rss] = [0, 1, 2].map(() => take(s.n * 4, (ab) => new Float32Array(ab))) as [Float32Array, Float32Array, Float32Array];
    const ring = new SampleRing(capacity);
    for (let i = Math.max(0, s.n - capacity); i < s.n; i++) if (t[i]! >= since) ring.push(t[i]!, cpu[i]!, ws[i]!, rss[i]!);
    const events = s.events.filter((e) => e.at >= since);
    if (ring.size === 0 && events.length === 0) continue;
    out.push({ key: s.key, ref: s.ref, ring, events, source: s.source, instanceStart: s.instanceStart });
  }
  return out;
}

export function saveHistory(file: string, series: Iterable<ContainerHistory>, since: number, now: number): void {
  writeFileAtomicSync(file, encodeHistory(series, since, now));
}

/** Reads the file; a damaged one is moved to `<file>.corrupt` and reported, the app starts empty. */
export function loadHistory(file: string, capacity: number, since: number): { series: ContainerHistory[]; problem?: string } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { series: [] };
    return { series: [], problem: `metrics history ${file} could not be read: ${(e as Error).message}` };
  }
  try {
    return { series: decodeHistory(buf, capacity, since) };
  } catch (e) {
    try {
      fs.renameSync(file, `${file}.corrupt`);
    } catch {
      // nothing more we can do; we start empty either way
    }
    return { series: [], problem: `metrics history ${file} was unreadable (${(e as Error).message}); moved to ${file}.corrupt` };
  }
}
