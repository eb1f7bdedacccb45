/**
 * ClusterConnection: HTTP access to one cluster, built from ONE kubeconfig context (a broken
 * sibling context never breaks it).
 *
 *   const conn = new ClusterConnection(entry, { loginPath, maxResponseBytes });
 *   await conn.getJson<T>('/api/v1/pods?limit=500', { verb: 'list', resource: 'pods', signal });
 *   await conn.openStream('/api/v1/pods?watch=true&...', { verb: 'watch', resource: 'pods', signal });
 *   conn.dispose();
 *
 * TLS material, static tokens, basic auth and impersonation are applied natively (credentials.ts);
 * only an `auth-provider` user loads client-node, lazily; exec credential plugins are run by
 * ExecCredentialRunner (login-shell PATH, clear errors). Requests use node:http/https directly so we control streaming, size caps and
 * timeouts (client-node 2.0's Watch has a 30 s whole-request timeout, kubernetes-client/javascript#3020).
 * Every error is data (Result) with clusterId set; no secret ever goes into a message.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { AppError, Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { Diagnostics } from '../base/diagnostics-log';
import type { LoginShellPath } from '../platform/login-shell-path';
import { resolveCredentials } from './credentials';
import { ExecCredentialRunner } from './exec-credential';
import type { ErrorContext } from './http-errors';
import { httpError, networkError } from './http-errors';
import type { ClusterEntry } from './kubeconfig-types';
import { redactUserinfo, scrub } from './redact';
import type { RequestOptions } from '../watch/reflector';

export interface ClusterConnectionOptions {
  loginPath?: LoginShellPath;
  /** Cap for a buffered JSON response (one list page, a get). Default 32 MB: a 500-item page of
   * typical pods is 1–5 MB; a server ignoring `limit` on a huge cluster hits this instead of
   * exhausting memory. */
  maxResponseBytes?: number;
  /** Connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** Socket idle timeout for non-streaming requests. Default 30 s. */
  idleTimeoutMs?: number;
  execTimeoutMs?: number;
  /** Where details that must not reach the renderer go (credential plugin stderr). */
  diagnostics?: Diagnostics;
}

export type { RequestOptions };

interface Prepared {
  base: URL;
  /**
   * Every header of the cluster's identity: Authorization (Bearer token, exec plugin token or
   * basic auth), Impersonate-User/-Uid, and the repeated Impersonate-Group/-Extra-* values. Every
   * request path (lists, watches, logs, writes, metrics, exec) sends exactly these.
   */
  headers: Record<string, string | string[]>;
  agent: http.Agent;
  expiresAt?: number;
  /** Secret values of this identity, scrubbed from any message built from a server's answer. */
  secrets: string[];
}

/** Characters Node refuses in a header value (a line break in a token would otherwise throw outside the Result path). */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const BAD_HEADER_NAME = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export class ClusterConnection {
  readonly clusterId: string;
  private prepared: Prepared | undefined;
  private preparing: Promise<Result<Prepared>> | undefined;
  private readonly exec: ExecCredentialRunner | undefined;
  private agentKey = '';
  /** A failed exec plugin is not run again until invalidateCredentials() (reconnect). */
  private execFailure: Result<never> | undefined;
  private lastExecRefresh = -Infinity;
  private agent: http.Agent | undefined;
  private disposed = false;

  constructor(
    private readonly entry: ClusterEntry,
    private readonly opts: ClusterConnectionOptions = {},
  ) {
    this.clusterId = entry.id;
    const execCfg = entry.config?.user.exec;
    if (execCfg)
      this.exec = new ExecCredentialRunner(execCfg, {
        clusterId: entry.id,
        loginPath: opts.loginPath,
        timeoutMs: opts.execTimeoutMs,
        diagnostics: opts.diagnostics,
      });
  }

  /** The API server URL as it may be shown (userinfo replaced). */
  get server(): string {
    return redactUserinfo(this.entry.server);
  }

  /** Secrets of this identity once resolved (to scrub messages built from server answers elsewhere, e.g. exec). */
  scrub(text: string): string {
    return this.prepared ? scrub(text, this.prepared.secrets) : text;
  }

  /** Resolve credentials now (runs the exec plugin if any). Useful to surface auth errors early. */
  async prepare(): Promise<Result<Prepared>> {
    if (this.disposed) return err('unavailable', 'The connection was closed.', { clusterId: this.clusterId });
    const p = this.prepared;
    if (p && (p.expiresAt === undefined || p.expiresAt - 10_000 > Date.now())) return ok(p);
    this.preparing ??= this.build().finally(() => (this.preparing = undefined));
    const r = await this.preparing;
    if (r.ok) this.prepared = r.value;
    return r;
  }

  /**
   * Forget cached credentials and any remembered plugin failure (the user pressed reconnect,
   * perhaps after logging in again or installing the plugin).
   */
  invalidateCredentials(): void {
    this.prepared = undefined;
    this.execFailure = undefined;
    this.exec?.invalidate();
  }

  /**
   * After a 401 with an exec plugin: get a fresh token, at most once a minute. A plugin may open a
   * browser to log in; it must not be run on every retry.
   */
  private refreshAfter401(): boolean {
    if (!this.exec) return false;
    const now = Date.now();
    if (now - this.lastExecRefresh < 60_000) return false;
    this.lastExecRefresh = now;
    this.prepared = undefined;
    this.exec.invalidate();
    return true;
  }

  private async build(): Promise<Result<Prepared>> {
    const { entry } = this;
    const clusterId = entry.id;
    if (entry.error || !entry.config)
      return { ok: false, error: entry.error ?? { code: 'kubeconfig-invalid', message: 'Unusable kubeconfig context.', clusterId } };
    const { cluster, user } = entry.config;
    let base: URL;
    try {
      base = new URL(entry.server);
    } catch {
      return err('kubeconfig-invalid', `Invalid server URL "${redactUserinfo(entry.server)}". Fix the cluster in the kubeconfig.`, {
        clusterId,
      });
    }
    const isHttp = base.protocol === 'http:';
    const creds = await resolveCredentials(entry, cluster, user);
    if (!creds.ok) return creds;
    const headers = { ...creds.value.headers };
    const multiHeaders = creds.value.multiHeaders;
    let cert: Buffer | string | undefined = creds.value.cert;
    let key: Buffer | string | undefined = creds.value.key;
    let expiresAt: number | undefined;
    if (this.exec) {
      if (this.execFailure) return this.execFailure;
      const cred = await this.exec.get();
      if (!cred.ok) {
        this.execFailure = cred;
        return cred;
      }
      if (cred.value.token) headers.Authorization = `Bearer ${cred.value.token}`;
      if (cred.value.clientCertificateData) cert = cred.value.clientCertificateData;
      if (cred.value.clientKeyData) key = cred.value.clientKeyData;
      expiresAt = cred.value.expiresAt;
    }
    if (!headers.Authorization && creds.value.auth) headers.Authorization = `Basic ${Buffer.from(creds.value.auth).toString('base64')}`;
    const secrets = [
      creds.value.auth,
      creds.value.auth?.slice(creds.value.auth.indexOf(':') + 1),
      headers.Authorization,
      headers.Authorization?.replace(/^\S+\s+/, ''),
      typeof key === 'string' ? key : undefined,
    ].filter((x): x is string => typeof x === 'string' && x.length > 0);
    const all: Record<string, string | string[]> = { ...multiHeaders, ...headers };
    for (const [name, value] of Object.entries(all)) {
      if (BAD_HEADER_NAME.test(name) || (Array.isArray(value) ? value : [value]).some((v) => BAD_HEADER_VALUE.test(v))) {
        return err(
          'kubeconfig-invalid',
          `The credentials of context "${entry.contextName}" cannot be sent: the ${name} header would contain a line break or another character HTTP does not allow. Fix the token, username or impersonation fields of the user in the kubeconfig (or the credential plugin's output).`,
          { clusterId },
        );
      }
    }
    const agentOptions: https.AgentOptions = {
      keepAlive: true,
      keepAliveMsecs: 30_000,
      ca: creds.value.ca,
      cert,
      key,
      ...(creds.value.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      servername: creds.value.servername,
    };
    // Reuse the agent while TLS material is unchanged (exec tokens refresh without new sockets).
    const agentKey = `${String(cert ?? '').length}:${String(key ?? '').slice(-16)}`;
    let agent = this.agent;
    if (!agent || agentKey !== this.agentKey) {
      agent?.destroy();
      agent = isHttp ? new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000 }) : new https.Agent(agentOptions);
      this.agent = agent;
      this.agentKey = agentKey;
    }
    return ok({ base, headers: all, agent, expiresAt, secrets });
  }

  private ctx(o: RequestOptions): ErrorContext {
    return { clusterId: this.clusterId, server: this.server, verb: o.verb, resource: o.resource };
  }

  /** GET (or another method) and parse JSON; bounded by maxBytes. Retries once on 401 for exec credentials. */
  async getJson<T>(path: string, o: RequestOptions = {}): Promise<Result<T>> {
    let r = await this.once<T>(path, o);
    if (!r.ok && r.error.status === 401 && this.refreshAfter401()) {
      r = await this.once<T>(path, o);
    }
    return r;
  }

  private async once<T>(path: string, o: RequestOptions): Promise<Result<T>> {
    const res = await this.send(path, o, this.opts.idleTimeoutMs ?? 30_000);
    if (!res.ok) return res;
    const body = await readBounded(
      res.value,
      o.maxBytes ?? this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      this.ctx(o),
      o.signal,
    );
    if (!body.ok) return body;
    try {
      return ok(JSON.parse(body.value.toString('utf8')) as T);
    } catch {
      return err(
        'response-invalid',
        `The API server sent a truncated or non-JSON answer to ${o.verb ?? 'get'} ${o.resource ?? path}. Capstan retries; if it persists, check proxies between you and the cluster.`,
        { clusterId: this.clusterId },
      );
    }
  }

  /** Open a streaming response (watch, logs). Non-2xx statuses are read (bounded) and mapped. */
  async openStream(path: string, o: RequestOptions = {}): Promise<Result<http.IncomingMessage>> {
    let r = await this.send(path, o, o.idleTimeoutMs ?? 0);
    if (!r.ok && r.error.status === 401 && this.refreshAfter401()) {
      r = await this.send(path, o, o.idleTimeoutMs ?? 0);
    }
    return r;
  }

  /** Send a request; resolves with the response once headers arrive and the status is 2xx. */
  private async send(path: string, o: RequestOptions, idleTimeoutMs: number): Promise<Result<http.IncomingMessage>> {
    const prep = await this.prepare();
    if (!prep.ok) return prep;
    const p = prep.value;
    const ctx = this.ctx(o);
    const url = new URL(p.base.pathname.replace(/\/$/, '') + path, p.base);
    const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const headers: Record<string, string | string[]> = { ...p.headers, Accept: o.accept ?? 'application/json', 'User-Agent': 'capstan' };
    if (body !== undefined) {
      headers['Content-Type'] = o.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const lib = url.protocol === 'http:' ? http : https;
    if (o.signal?.aborted) return err('unavailable', 'Request cancelled.', { clusterId: this.clusterId });
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: Result<http.IncomingMessage>) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        resolve(r);
      };
      let req: http.ClientRequest;
      try {
        req = lib.request(url, { method: o.method ?? 'GET', headers, agent: p.agent, signal: o.signal });
      } catch (e) {
        // Node validates headers and URLs synchronously; that is a bad kubeconfig, not a crash.
        resolve(
          err(
            'kubeconfig-invalid',
            `A request to ${ctx.server} could not be built (${(e as NodeJS.ErrnoException).code ?? 'invalid request'}). Check the cluster and user entries of context "${this.entry.contextName}" in the kubeconfig.`,
            { clusterId: this.clusterId },
          ),
        );
        return;
      }
      const connectTimer = setTimeout(() => {
        req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
      }, this.opts.connectTimeoutMs ?? 10_000);
      if (idleTimeoutMs > 0) {
        req.setTimeout(idleTimeoutMs, () => req.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' })));
      }
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError') done(err('unavailable', 'Request cancelled.', { clusterId: this.clusterId }));
        else done({ ok: false, error: networkError(e, ctx) });
      });
      req.on('response', (res) => {
        clearTimeout(connectTimer);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return done(ok(res));
        void readBounded(res, 64 * 1024, ctx, o.signal, true).then((b) => {
          const error = httpError(status, b.ok ? b.value.toString('utf8') : '', ctx);
          done({ ok: false, error: { ...error, message: scrub(error.message, p.secrets) } });
        });
      });
      req.end(body);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.agent?.destroy();
    this.agent = undefined;
    this.prepared = undefined;
  }
}

/**
 * Read a response into memory up to `max` bytes. Over the cap: destroy the socket and return
 * response-too-large (or, with `truncate`, what was read so far), never buffering unbounded data.
 */
export function readBounded(
  res: Readable & { headers?: http.IncomingHttpHeaders },
  max: number,
  ctx: ErrorContext,
  signal?: AbortSignal,
  truncate = false,
): Promise<Result<Buffer>> {
  const tooLarge = (): Result<Buffer> =>
    err(
      'response-too-large',
      `The answer to ${ctx.verb ?? 'get'} ${ctx.resource ?? 'a request'} is larger than ${Math.round(max / 1024 / 1024)} MB, so Capstan stopped reading it. Narrow the request (namespace, label selector) or raise the response cap.`,
      {
        clusterId: ctx.clusterId,
      },
    );
  const declared = Number(res.headers?.['content-length'] ?? NaN);
  if (!truncate && Number.isFinite(declared) && declared > max) {
    res.destroy();
    return Promise.resolve(tooLarge());
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // Settled, the response lets go of our listeners: a keep-alive socket keeps the first response
    // made on it reachable, and through these closures its chunks (13.5 MB over ~30 sockets at
    // 10,000 pods). An error after that is the socket's, and is not ours to report.
    const finish = (r: Result<Buffer>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      res.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose).on('error', ignore);
      chunks.length = 0;
      resolve(r);
    };
    const onAbort = () => {
      res.destroy();
      finish(err('unavailable', 'Request cancelled.', { clusterId: ctx.clusterId }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        if (truncate) {
          chunks.push(c.subarray(0, Math.max(0, c.length - (size - max))));
          finish(ok(Buffer.concat(chunks)));
        } else finish(tooLarge());
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => finish(ok(Buffer.concat(chunks)));
    const onError = (e: Error) => finish({ ok: false, error: networkError(e, ctx) as AppError });
    const onClose = () => {
      if (!res.readableEnded)
        finish(
          err(
            'response-invalid',
            `The API server closed the connection before finishing its answer to ${ctx.verb ?? 'get'} ${ctx.resource ?? 'a request'}. Capstan retries automatically.`,
            { clusterId: ctx.clusterId },
          ),
        );
    };
    res.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const ignore = () => {};
