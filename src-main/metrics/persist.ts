/**
 * The history on disk, so a restarted app still shows what happened before it: a compact binary
 * file (magic, JSON header with keys and timelines, then raw little-endian arrays), written
 * atomically (temp file + rename). A file we cannot read is moved aside, never fatal.
 *
 * What is saved is what the history holds, sample for sample, while the history is within its
 * budget at full resolution (a restart must not change what the charts show). When the budget
 * coarsens the history, the file is bounded too, because it is written every few minutes:
 * interesting containers (restarted, OOM-killed, near their limit, growing, looked at) keep every
 * sample, the others are saved as buckets of `boringBucketMs` (2 min: 30 samples an hour, 24 MB
 * at 50,000 containers instead of 350 MB). Times are Int32 ms offsets from the header's `base`.
 */
import { readStoredBytesSync, writeFileAtomicSync } from '../base/atomic-write';
import type { ContainerHistory } from './history';
import type { SampleArrays } from './ring';

const MAGIC_V1 = Buffer.from('CAPSTAN-METRICS-1\n');
const MAGIC = Buffer.from('CAPSTAN-METRICS-2\n');
export const BORING_BUCKET_MS = 2 * 60_000;

type Saved = Pick<ContainerHistory, 'key' | 'ref' | 'events' | 'source' | 'instanceStart'>;
export interface LoadedSeries {
  series: Saved;
  samples: { t: ArrayLike<number>; cpu: ArrayLike<number>; ws: ArrayLike<number>; rss: ArrayLike<number> };
}

interface HeaderSeries {
  k: string;
  e?: ContainerHistory['events'];
  s?: ContainerHistory['source'];
  i: number;
  n: number;
}

const maxNaN = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

/** Buckets of `ms`: highest working set and RSS, mean CPU, last time; gap rows kept. */
export function downsample(a: SampleArrays, ms: number): SampleArrays {
  const out: SampleArrays = { t: [], cpu: [], ws: [], rss: [] };
  let key = Number.NaN,
    cpuSum = 0,
    cpuN = 0;
  const close = () => {
    if (Number.isNaN(key)) return;
    out.cpu[out.cpu.length - 1] = cpuN ? cpuSum / cpuN : Number.NaN;
    key = Number.NaN;
  };
  for (let i = 0; i < a.t.length; i++) {
    const gap = Number.isNaN(a.ws[i]!) && Number.isNaN(a.cpu[i]!);
    const k = Math.floor(a.t[i]! / ms);
    if (gap || k !== key) {
      close();
      out.t.push(a.t[i]!);
      out.cpu.push(a.cpu[i]!);
      out.ws.push(a.ws[i]!);
      out.rss.push(a.rss[i]!);
      cpuSum = 0;
      cpuN = 0;
      if (gap) continue;
      key = k;
    }
    const j = out.t.length - 1;
    out.t[j] = a.t[i]!;
    out.ws[j] = maxNaN(out.ws[j]!, a.ws[i]!);
    out.rss[j] = maxNaN(out.rss[j]!, a.rss[i]!);
    if (!Number.isNaN(a.cpu[i]!)) {
      cpuSum += a.cpu[i]!;
      cpuN++;
    }
  }
  close();
  return out;
}

/** `boringBucketMs` 0: every container as held. */
export function encodeHistory(series: Iterable<ContainerHistory>, since: number, now: number, boringBucketMs = BORING_BUCKET_MS): Buffer {
  const head: HeaderSeries[] = [];
  const arrays: SampleArrays[] = [];
  let total = 0;
  for (const h of series) {
    let a = h.ring.toArrays(since);
    if (a.t.length === 0 && h.events.length === 0) continue;
    if (h.interest === 0 && boringBucketMs > 0) a = downsample(a, boringBucketMs);
    const s: HeaderSeries = { k: h.key, i: h.instanceStart, n: a.t.length };
    if (h.events.length) s.e = h.events;
    if (h.source) s.s = h.source;
    head.push(s);
    arrays.push(a);
    total += a.t.length;
  }
  const base = Math.round(since === -Infinity ? now : since);
  const data = new ArrayBuffer(total * 16);
  let off = 0;
  for (const a of arrays) {
    const n = a.t.length;
    const t = new Int32Array(data, off, n);
    for (let i = 0; i < n; i++) t[i] = Math.round(a.t[i]!) - base;
    new Float32Array(data, off + 4 * n, n).set(a.cpu);
    new Float32Array(data, off + 8 * n, n).set(a.ws);
    new Float32Array(data, off + 12 * n, n).set(a.rss);
    off += 16 * n;
  }
  const header = Buffer.from(JSON.stringify({ savedAt: now, base, series: head }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, len, header, Buffer.from(data)]);
}

const refOf = (key: string) => {
  const [clusterId = '', namespace = '', pod = '', container = ''] = key.split('\u0000');
  return { clusterId, namespace, pod, container };
};

export function decodeHistory(buf: Buffer): LoadedSeries[] {
  const v1 = buf.subarray(0, MAGIC_V1.length).equals(MAGIC_V1);
  if (!v1 && !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a Capstan metrics history file');
  let off = MAGIC.length;
  const hlen = buf.readUInt32LE(off);
  off += 4;
  if (off + hlen > buf.length) throw new Error('truncated metrics history file');
  const header = JSON.parse(buf.subarray(off, off + hlen).toString('utf8')) as {
    base?: number;
    series: (HeaderSeries & {
      key?: string;
      events?: ContainerHistory['events'];
      source?: ContainerHistory['source'];
      instanceStart?: number;
    })[];
  };
  off += hlen;
  // One aligned copy of the arrays (typed-array views need aligned offsets).
  const data = new Uint8Array(buf.length - off);
  data.set(buf.subarray(off));
  let at = 0;
  const take = (bytes: number) => {
    if (at + bytes > data.length) throw new Error('truncated metrics history file');
    const start = at;
    at += bytes;
    return start;
  };
  const out: LoadedSeries[] = [];
  for (const s of header.series) {
    const key = s.k ?? s.key!;
    const series: Saved = { key, ref: refOf(key), events: s.e ?? s.events ?? [], instanceStart: s.i ?? s.instanceStart ?? 0 };
    const source = s.s ?? s.source;
    if (source) series.source = source;
    if (v1) {
      // Version 1: Float64 times, then the three Float32 arrays (not necessarily aligned).
      const t = new Float64Array(data.slice(take(s.n * 8), at).buffer);
      const [cpu, ws, rss] = [0, 1, 2].map(() => new Float32Array(data.slice(take(s.n * 4), at).buffer)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      out.push({ series, samples: { t, cpu, ws, rss } });
      continue;
    }
    const start = take(s.n * 16);
    const t32 = new Int32Array(data.buffer, start, s.n);
    const t = new Float64Array(s.n);
    for (let i = 0; i < s.n; i++) t[i] = t32[i]! + header.base!;
    out.push({
      series,
      samples: {
        t,
        cpu: new Float32Array(data.buffer, start + 4 * s.n, s.n),
        ws: new Float32Array(data.buffer, start + 8 * s.n, s.n),
        rss: new Float32Array(data.buffer, start + 12 * s.n, s.n),
      },
    });
  }
  return out;
}

export function saveHistory(file: string, series: Iterable<ContainerHistory>, since: number, now: number, boringBucketMs?: number): void {
  writeFileAtomicSync(file, encodeHistory(series, since, now, boringBucketMs));
}

/** Reads the file; a damaged one is moved to `<file>.corrupt-<time>` and reported, the app starts empty. */
export function loadHistory(file: string): { series: LoadedSeries[]; problem?: string } {
  const read = readStoredBytesSync(file, decodeHistory);
  return { series: read.value ?? [], ...(read.problem ? { problem: `metrics history: ${read.problem}` } : {}) };
}
