/**
 * Shared set-up for contract tests against the sandbox kube API servers: an in-process
 * datacenter on a fast clock, a temp kubeconfig for the real kubectl, and raw HTTPS requests.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Datacenter, DatacenterOptions } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface TestSandbox {
  dc: Datacenter;
  kubeconfig: string;
  kubectl(args: string[], opts?: { timeoutMs?: number }): Promise<{ stdout: string; stderr: string; code: number }>;
  /** kubectl that must succeed: its stdout, or an error naming the command, its exit code and stderr. */
  kubectlOk(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
  /** The real kubectl as a child process in `context`'s namespace shop: a follow, a watch, a shell, a port-forward. */
  spawnKubectl(context: string, args: string[], options?: SpawnOptionsWithoutStdio): ChildProcessWithoutNullStreams;
  get<T = unknown>(cluster: string, path: string, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** Any method with an optional body (JSON unless a Buffer); the answer with its headers. */
  request<T = any>(cluster: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpReply<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startTestSandbox(opts: DatacenterOptions = {}): Promise<TestSandbox> {
  const dc = await startDatacenter({ clockSpeed: 20, bookmarkIntervalMs: 500, ...opts });
  const dir = mkdtempSync(join(tmpdir(), 'capstan-contract-'));
  const kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
  const kubectl: TestSandbox['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      execFile(
        KUBECTL,
        ['--kubeconfig', kubeconfig, ...args],
        { timeout: o.timeoutMs ?? 30_000, env: { ...process.env, KUBECONFIG: kubeconfig } },
        (err, stdout, stderr) => {
          resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
        },
      );
    });
  return {
    dc,
    kubeconfig,
    kubectl,
    async kubectlOk(args, o) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    spawnKubectl: (context, args, options = {}) =>
      spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--context', context, '-n', 'shop', ...args], options),
    get: (cluster, path, headers = {}) => httpsGet(dc, cluster, path, headers),
    request: (cluster, method, path, body, headers = {}) => httpsRequest(dc, cluster, method, path, body, headers),
    async close() {
      await dc.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function httpsGet<T>(
  dc: Datacenter,
  cluster: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const { status, body } = await httpsRequest<T>(dc, cluster, 'GET', path, undefined, headers);
  return { status, body };
}

export interface HttpReply<T> {
  status: number;
  body: T;
  headers: IncomingHttpHeaders;
}

export function httpsRequest<T>(
  dc: Datacenter,
  cluster: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpReply<T>> {
  const c = dc.cluster(cluster);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const h: Record<string, string> = { Authorization: `Bearer ${c.token}`, ...headers };
  if (payload && !h['Content-Type']) h['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(`${c.url}${path}`, { method, ca: c.caPem, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON: keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
