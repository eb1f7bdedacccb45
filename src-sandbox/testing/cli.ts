import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** `npm run sandbox -- <args>` as a child process (tsx), its stdout and stderr collected. */
export function spawnSandboxCli(args: string[]): { child: ChildProcess; output(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-sandbox/cli.ts', ...args], { cwd: join(import.meta.dirname, '../..') });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Resolves once the CLI printed its `ready` line; rejects with what it printed after 20 s. */
export function sandboxReady(cli: ReturnType<typeof spawnSandboxCli>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ready line: ${cli.output()}`)), 20_000);
    const check = () => {
      if (!cli.output().includes('ready')) return;
      clearTimeout(t);
      resolve();
    };
    cli.child.stdout?.on('data', check);
    check();
  });
}
