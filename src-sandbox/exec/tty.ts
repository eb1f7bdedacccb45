/**
 * Line discipline for an interactive exec: with a tty the "terminal" echoes what is typed,
 * handles backspace, Ctrl-C (interrupt), Ctrl-D on an empty line (EOF) and turns Enter (\r)
 * into a line; without a tty, stdin is split on \n and nothing is echoed.
 */
export type TtyEvent = { kind: 'line'; text: string } | { kind: 'interrupt' } | { kind: 'eof' };

export class TtyLine {
  private buf = '';

  constructor(
    private readonly tty: boolean,
    private readonly echo: (s: string) => void,
  ) {}

  feed(data: Buffer): TtyEvent[] {
    const out: TtyEvent[] = [];
    for (const ch of data.toString('utf8')) {
      if (!this.tty) {
        if (ch === '\n') {
          out.push({ kind: 'line', text: this.buf });
          this.buf = '';
        } else this.buf += ch;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        this.echo('\r\n');
        out.push({ kind: 'line', text: this.buf });
        this.buf = '';
      } else if (ch === '\x03') {
        this.echo('^C\r\n');
        this.buf = '';
        out.push({ kind: 'interrupt' });
      } else if (ch === '\x04') {
        if (this.buf === '') out.push({ kind: 'eof' });
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.buf) {
          this.buf = this.buf.slice(0, -1);
          this.echo('\b \b');
        }
      } else if (ch >= ' ') {
        this.buf += ch;
        this.echo(ch);
      }
    }
    return out;
  }
}
