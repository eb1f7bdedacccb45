import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine's real kubectl, against a kubeconfig file; returns stdout. */
export async function kubectl(kubeconfig: string, context: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}
