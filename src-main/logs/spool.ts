/**
 * The whole session of a view on disk (mode 0600, in a private temp folder), so that export
 * has every line even when the ring dropped old ones or a slow renderer skipped some. Appends are
 * buffered and written synchronously at most every `flushMs` (one write per batch, not per line).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class Spool {
  readonly file: string;
  private readonly dir: string;
  private readonly fd: number;
  private buffered: string[] = [];
  private bufferedBytes = 0;
  private written = 0;
  private closed = false;

  constructor(private readonly maxBufferedBytes = 1024 * 1024) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-logs-'));
    this.file = path.join(this.dir, 'session.log');
    this.fd = fs.openSync(this.file, 'a+', 0o600);
  }

  append(line: string): void {
    if (this.closed) return;
    this.buffered.push(line, '\n');
    this.bufferedBytes += line.length + 1;
    if (this.bufferedBytes >= this.maxBufferedBytes) this.flush();
  }

  flush(): void {
    if (this.closed || this.buffered.length === 0) return;
    const text = this.buffered.join('');
    this.buffered = [];
    this.bufferedBytes = 0;
    // The string is encoded as it is written (no Buffer copy of the batch first).
    this.written += fs.writeSync(this.fd, text);
  }

  get bytes(): number {
    return this.written + this.bufferedBytes;
  }

  /** Up to `maxBytes` from `offset`, cut back to the last whole UTF-8 character. */
  read(offset: number, maxBytes: number): { text: string; nextOffset: number; eof: boolean } {
    this.flush();
    const buf = Buffer.alloc(Math.max(0, Math.min(maxBytes, this.written - offset)));
    const n = buf.length ? fs.readSync(this.fd, buf, 0, buf.length, offset) : 0;
    let end = n;
    // Do not split a multi-byte character between two chunks.
    if (offset + n < this.written) while (end > 0 && (buf[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && offset + n < this.written && buf[end - 1]! >= 0xc0) end--;
    return { text: buf.subarray(0, end).toString('utf8'), nextOffset: offset + end, eof: offset + end >= this.written };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
