/**
 * Incremental newline-delimited JSON framing with a bounded line length. Feeds raw chunks, yields
 * complete lines; a line longer than `maxLineBytes` is an error (a hostile or broken stream must
 * not grow memory without bound).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxLineBytes: number) {}

  /** Returns complete lines in `chunk` (plus the buffered prefix), or 'too-long'. */
  push(chunk: Buffer): string[] | 'too-long' {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (this.size + piece.length > this.maxLineBytes) return 'too-long';
      const line = this.size ? Buffer.concat([...this.parts, piece]).toString('utf8') : piece.toString('utf8');
      this.parts = [];
      this.size = 0;
      if (line.trim()) lines.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.size += rest.length;
      if (this.size > this.maxLineBytes) return 'too-long';
      this.parts.push(Buffer.from(rest));
    }
    return lines;
  }

  /** Bytes of an unfinished line (a stream ending here was truncated). */
  get pending(): number {
    return this.size;
  }
}
