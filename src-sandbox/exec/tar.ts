/**
 * ustar archives, enough for `kubectl cp`: it runs `tar cf - <path>` in the container and reads
 * the archive from stdout, or writes one to `tar -xmf - -C <dir>` on stdin.
 */
export interface TarEntry {
  path: string;
  dir: boolean;
  data: Buffer;
  mtimeMs: number;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = e.path + (e.dir && !e.path.endsWith('/') ? '/' : '');
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.dir ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(1000, 8), 108, 'ascii');
  h.write(octal(1000, 8), 116, 'ascii');
  h.write(octal(e.dir ? 0 : e.data.length, 12), 124, 'ascii');
  h.write(octal(Math.floor(e.mtimeMs / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(e.dir ? '5' : '0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('app', 265, 'ascii');
  h.write('app', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

export function packTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (!e.dir && e.data.length) {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const field = (h: Buffer, at: number, len: number) =>
  h
    .subarray(at, at + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');

export class TarError extends Error {}

export function unpackTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  for (let at = 0; at + BLOCK <= buf.length;) {
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (parseInt(field(h, 148, 8).trim(), 8) !== sum) throw new TarError('This does not look like a tar archive');
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const mtimeMs = parseInt(field(h, 136, 12).trim() || '0', 8) * 1000;
    at += BLOCK;
    if (type === '5') out.push({ path: name.replace(/\/$/, ''), dir: true, data: Buffer.alloc(0), mtimeMs });
    else if (type === '0' || type === '\0') out.push({ path: name, dir: false, data: Buffer.from(buf.subarray(at, at + size)), mtimeMs });
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
