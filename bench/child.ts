import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const tsx = resolve(import.meta.dirname, '../node_modules/.bin/tsx');

/** A TypeScript script in its own Node process, talked to line by line over stdin/stdout. */
export class Child {
  private readonly proc: ChildProcess;
  private readonly waiting: { match: RegExp; resolve(line: string): void }[] = [];
  private readonly seen: string[] = [];

  constructor(script: string, args: string[]) {
    this.proc = spawn(tsx, [resolve(import.meta.dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const i = this.waiting.findIndex((w) => w.match.test(line));
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(line);
      else this.seen.push(line);
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** The next stdout line matching `match` (or one already printed), within `timeoutMs`. */
  waitFor(match: RegExp, timeoutMs = 600_000): Promise<string> {
    const i = this.seen.findIndex((l) => match.test(l));
    if (i >= 0) return Promise.resolve(this.seen.splice(i, 1)[0]!);
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({ match, resolve: (line) => (clearTimeout(timer), resolveLine(line)) });
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.send('quit');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
