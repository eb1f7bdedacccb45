/**
 * Splits a byte stream into lines without trusting it: a line longer than `maxLineBytes` is cut
 * there (the rest, up to the next newline, is dropped and counted) so a runaway line cannot grow
 * memory; bytes are decoded as UTF-8 with U+FFFD for invalid sequences (never thrown); a CR before
 * the newline is dropped. Log followers show a cut line with its count; the watch reflector treats
 * any cut (`overflowing`, or a line with `truncatedBytes`) as a broken stream.
 */
const decoder = new TextDecoder('utf-8', { fatal: false });

export interface FramedLine {
  text: string;
  truncatedBytes: number;
}

export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping = 0;

  constructor(private readonly maxLineBytes = 4 * 1024 * 1024) {}

  push(chunk: Buffer): FramedLine[] {
    const out: FramedLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (nl !== -1 && this.size === 0 && this.dropping === 0 && end - start <= this.maxLineBytes) {
        // A whole line inside this chunk: decode it in place, no copy (the common case).
        let text = decoder.decode(chunk.subarray(start, end));
        if (text.endsWith('\r')) text = text.slice(0, -1);
        out.push({ text, truncatedBytes: 0 });
        start = nl + 1;
        continue;
      }
      this.take(chunk.subarray(start, end));
      if (nl === -1) break;
      out.push(this.finish());
      start = nl + 1;
    }
    return out;
  }

  /** The unfinished last line, if any (a stream that ended cleanly without a final newline). */
  flush(): FramedLine | undefined {
    return this.size || this.dropping ? this.finish() : undefined;
  }

  /** Forget an unfinished line (the stream broke; a resumed read sends the line again). */
  discard(): void {
    this.parts = [];
    this.size = 0;
    this.dropping = 0;
  }

  get pendingBytes(): number {
    return this.size;
  }

  /** The unfinished line is already longer than maxLineBytes (bytes are being dropped). */
  get overflowing(): boolean {
    return this.dropping > 0;
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    const room = this.maxLineBytes - this.size;
    if (room <= 0) {
      this.dropping += piece.length;
      return;
    }
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    this.dropping += piece.length - kept.length;
    // Copy: the chunk's memory belongs to the socket and may be reused.
    this.parts.push(Buffer.from(kept));
    this.size += kept.length;
  }

  private finish(): FramedLine {
    let text = decoder.decode(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts));
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = { text, truncatedBytes: this.dropping };
    this.discard();
    return line;
  }
}
