import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const tsx = resolve(import.meta.dirname, '../node_modules/.bin/tsx');

/**
 * Bundle a bench script (and the app code it imports) into one ES module with esbuild, as
 * electron-vite does for the shipped main process: our code bundled, node_modules packages left
 * external (loaded from node_modules at run time, so a dynamic import stays lazy). Running the
 * bundle with plain node measures what ships, not tsx's on-the-fly compiler (which costs tens of
 * MB of RSS and CPU of its own). Returns the path of the bundle.
 */
export async function bundleScript(script: string): Promise<string> {
  const { build } = await import('esbuild');
  const name = script.replace(/^.*\//, '').replace(/\.m?ts$/, '');
  // Under node_modules so that bare imports in the bundle resolve against our node_modules. Split
  // at dynamic imports as electron-vite's build does: code imported lazily (the sandbox, with
  // protobufjs) is not loaded at start.
  const outdir = resolve(import.meta.dirname, '../node_modules/.cache/capstan-bench', name);
  await build({
    entryPoints: [resolve(import.meta.dirname, script)],
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  });
  return resolve(outdir, `${name}.mjs`);
}

/**
 * A script in its own Node process, talked to line by line over stdin/stdout: a TypeScript file
 * run with tsx, or (`bundled`) a prebuilt JavaScript bundle run with this process's node.
 */
export class Child {
  private readonly proc: ChildProcess;
  private readonly waiting: { match: RegExp; resolve(line: string): void; reject(e: Error): void }[] = [];
  private readonly seen: string[] = [];

  constructor(script: string, args: string[], opts: { bundled?: boolean; nodeArgs?: string[] } = {}) {
    const [cmd, first] = opts.bundled
      ? [process.execPath, [...(opts.nodeArgs ?? []), script]]
      : [tsx, [resolve(import.meta.dirname, script)]];
    this.proc = spawn(cmd, [...first, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const i = this.waiting.findIndex((w) => w.match.test(line));
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(line);
      // V8's own traces (--trace-gc and the like, asked for through SERVICES_NODE_ARGS) start
      // with "[pid:isolate]": shown on stderr rather than kept as unread answers.
      else if (line.startsWith('[')) process.stderr.write(`${line}\n`);
      else this.seen.push(line);
    });
    // A child that dies fails whoever waits for it, instead of leaving them to the timeout.
    this.proc.once('exit', (code, signal) => {
      for (const w of this.waiting.splice(0))
        w.reject(new Error(`${script} exited (${signal ?? code}) before printing a line matching ${w.match}`));
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  /** Runs `body` under the child's CPU profiler (services-process.ts) and saves the profile to `file`; without a file, just runs it. */
  async profiled<T>(file: string | undefined, body: () => Promise<T>): Promise<T> {
    if (!file) return body();
    this.send('profile start');
    await this.waitFor(/^profile started/);
    const result = await body();
    this.send(`profile stop ${file}`);
    await this.waitFor(/^profile \//);
    return result;
  }

  /** The next stdout line matching `match` (or one already printed), within `timeoutMs`. */
  waitFor(match: RegExp, timeoutMs = 600_000): Promise<string> {
    const i = this.seen.findIndex((l) => match.test(l));
    if (i >= 0) return Promise.resolve(this.seen.splice(i, 1)[0]!);
    if (this.proc.exitCode !== null || this.proc.signalCode !== null)
      return Promise.reject(new Error(`the child exited before printing a line matching ${match}`));
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        match,
        resolve: (line) => (clearTimeout(timer), resolveLine(line)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
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
