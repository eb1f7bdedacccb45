/**
 * The user's login-shell PATH. GUI apps started from a desktop launcher or the macOS Dock get a
 * minimal PATH, so exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin...) would not
 * be found. We ask `$SHELL -ilc 'printf %s "$PATH"'` once, lazily, with a timeout, and fall back to
 * the process PATH.
 *
 * Usage: `const p = new LoginShellPath(); const env = await p.env();` (env() = process.env with
 * PATH replaced). Constructor options are for tests.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface LoginShellPathOptions {
  shell?: string; // default $SHELL, else /bin/sh
  timeoutMs?: number; // default 3000
  baseEnv?: NodeJS.ProcessEnv; // default process.env
  platform?: NodeJS.Platform;
}

export class LoginShellPath {
  private pending: Promise<string> | undefined;
  constructor(private readonly opts: LoginShellPathOptions = {}) {}

  /** The resolved PATH (resolved once, then cached). Never rejects. */
  path(): Promise<string> {
    this.pending ??= this.resolve();
    return this.pending;
  }

  /** Environment to spawn user tools with: the base env with the login-shell PATH merged in front. */
  async env(): Promise<NodeJS.ProcessEnv> {
    const base = this.opts.baseEnv ?? process.env;
    return { ...base, PATH: await this.path() };
  }

  private resolve(): Promise<string> {
    const base = this.opts.baseEnv ?? process.env;
    const fallback = base.PATH ?? '';
    if ((this.opts.platform ?? process.platform) === 'win32') return Promise.resolve(fallback);
    const shell = this.opts.shell ?? base.SHELL ?? '/bin/sh';
    return new Promise((resolve) => {
      execFile(
        shell,
        ['-ilc', 'printf %s "$PATH"'],
        { timeout: this.opts.timeoutMs ?? 3000, env: base, encoding: 'utf8', maxBuffer: 256 * 1024 },
        (error, stdout) => {
          // Interactive shells may print banners; the PATH is the last line.
          const line = (stdout ?? '').trim().split('\n').pop()?.trim() ?? '';
          if (error || !line) return resolve(fallback);
          resolve(mergePaths(line, fallback));
        },
      );
      // execFile's child gets no stdin: a shell waiting for input would hit the timeout.
    });
  }
}

/** Login-shell entries first, then any process PATH entries it lacks. */
export function mergePaths(first: string, second: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of [...first.split(path.delimiter), ...second.split(path.delimiter)]) {
    if (p && !seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  }
  return out.join(path.delimiter);
}
