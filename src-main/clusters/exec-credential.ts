/**
 * Runs kubeconfig exec credential plugins ourselves (not client-node's ExecAuth) so that they get
 * the user's login-shell PATH, a timeout, and errors we can explain: a missing plugin is
 * `exec-plugin-missing` naming the command. Credentials are cached until their expiration.
 */
import { spawn } from 'node:child_process';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { Diagnostics } from '../base/diagnostics-log';
import type { LoginShellPath } from '../platform/login-shell-path';
import type { ExecConfig } from './kubeconfig-types';
import { redact } from './redact';

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms; undefined = does not expire. */
  expiresAt?: number;
}

export interface ExecRunnerOptions {
  loginPath?: LoginShellPath;
  timeoutMs?: number; // default 30 s
  clusterId: string;
  /** Where the plugin's stderr goes (never into a message: it may hold secrets of any shape). */
  diagnostics?: Diagnostics;
  /** Clock for expiry checks (tests). */
  now?: () => number;
}

const MAX_OUTPUT = 1024 * 1024;

export class ExecCredentialRunner {
  private cached: ExecCredentialStatus | undefined;
  private inflight: Promise<Result<ExecCredentialStatus>> | undefined;
  constructor(
    private readonly exec: ExecConfig,
    private readonly opts: ExecRunnerOptions,
  ) {}

  /** Drop the cached credential (after a 401). */
  invalidate(): void {
    this.cached = undefined;
  }

  async get(): Promise<Result<ExecCredentialStatus>> {
    const now = (this.opts.now ?? Date.now)();
    // Refresh 10 s before expiry, like client-go.
    if (this.cached && (this.cached.expiresAt === undefined || this.cached.expiresAt - 10_000 > now)) return ok(this.cached);
    this.inflight ??= this.run().finally(() => (this.inflight = undefined));
    const r = await this.inflight;
    if (r.ok) this.cached = r.value;
    return r;
  }

  private async run(): Promise<Result<ExecCredentialStatus>> {
    const { clusterId } = this.opts;
    const cmd = this.exec.command;
    const baseEnv = this.opts.loginPath ? await this.opts.loginPath.env() : process.env;
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const e of this.exec.env ?? []) if (e?.name) env[e.name] = String(e.value ?? '');
    const apiVersion = this.exec.apiVersion ?? 'client.authentication.k8s.io/v1';
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
    const hint = this.exec.installHint ? ` ${redact(this.exec.installHint, 300)}` : '';

    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let done = false;
      const finish = (r: Result<ExecCredentialStatus>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(cmd, this.exec.args ?? [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        finish(
          err(
            'exec-plugin-failed',
            `Credential plugin "${cmd}" could not be started (${(e as Error).message}). Check the exec command in the kubeconfig.`,
            { clusterId },
          ),
        );
        return;
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(
          err(
            'exec-plugin-failed',
            `Credential plugin "${cmd}" did not answer within ${Math.round((this.opts.timeoutMs ?? 30_000) / 1000)} s. Run it in a terminal to check it works (it may need an interactive login).`,
            { clusterId },
          ),
        );
      }, this.opts.timeoutMs ?? 30_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        if (stdout.length < MAX_OUTPUT) stdout += d;
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < 64 * 1024) stderr += d;
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          finish(
            err(
              'exec-plugin-missing',
              `Credential plugin "${cmd}" was not found (searched the login-shell PATH). Install it, or fix PATH in your shell profile, then reconnect.${hint}`,
              { clusterId },
            ),
          );
        } else if (e.code === 'EACCES') {
          finish(
            err(
              'exec-plugin-missing',
              `Credential plugin "${cmd}" is not executable (permission denied). Fix its permissions, then reconnect.`,
              { clusterId },
            ),
          );
        } else {
          finish(
            err(
              'exec-plugin-failed',
              `Credential plugin "${cmd}" failed to start (${e.code ?? e.message}). Check the exec command in the kubeconfig.`,
              { clusterId },
            ),
          );
        }
      });
      child.on('close', (code) => {
        if (done) return;
        if (code !== 0) {
          const d = this.opts.diagnostics;
          if (d && stderr.trim())
            d.write(`credential plugin "${cmd}" for context ${clusterId} exited with code ${code}; its stderr:`, stderr);
          const where = d && stderr.trim() ? ` Its error output is in ${d.file}.` : '';
          finish(
            err(
              'exec-plugin-failed',
              `Credential plugin "${cmd}" exited with code ${code}.${where} Run it in a terminal (you may need to log in again), then reconnect.`,
              { clusterId },
            ),
          );
          return;
        }
        let parsed: { status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string } };
        try {
          parsed = JSON.parse(stdout);
        } catch {
          finish(
            err(
              'exec-plugin-failed',
              `Credential plugin "${cmd}" printed something that is not an ExecCredential JSON. Check the plugin version matches apiVersion ${apiVersion}.`,
              { clusterId },
            ),
          );
          return;
        }
        const st = parsed?.status;
        if (!st || (!st.token && !(st.clientCertificateData && st.clientKeyData))) {
          finish(
            err(
              'exec-plugin-failed',
              `Credential plugin "${cmd}" returned no token or client certificate. Check the plugin's configuration.`,
              { clusterId },
            ),
          );
          return;
        }
        const exp = st.expirationTimestamp ? Date.parse(st.expirationTimestamp) : undefined;
        finish(
          ok({
            token: st.token,
            clientCertificateData: st.clientCertificateData,
            clientKeyData: st.clientKeyData,
            expiresAt: Number.isNaN(exp) ? undefined : exp,
          }),
        );
      });
    });
  }
}
