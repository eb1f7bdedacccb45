import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { err, ok, type AppError, type Result } from '../../src-shared/result';
import { backoffDelay, SPREAD_JITTER } from '../../src-shared/base/backoff';

/**
 * HTTP for registry clients (Harbor and OCI), on node:http so that we control TLS:
 *
 * - HTTPS connections are opened by us and checked before a byte of the request (and so before any
 *   credential) is sent: a certificate the system does not trust is refused with a `tls-error`
 *   carrying its SHA-256 fingerprint, unless it equals the fingerprint the user pinned for this
 *   registry (explicit consent, stored per registry).
 * - No cookie is ever stored or sent (Harbor then needs no CSRF token).
 * - Bounded: per-request timeout, response size cap, concurrency limit, bounded retries with
 *   exponential backoff and jitter for GET/HEAD on 5xx, resets and timeouts.
 * - Errors name the registry and the path, never a header value (no secret can leak into them).
 */

export interface RegistryHttpOptions {
  /** Name used in messages ("harbor-east"). */
  registryName: string;
  /** SHA-256 fingerprint (`AB:CD:...`) of a certificate the user chose to trust. */
  pinnedFingerprint?: string;
  timeoutMs?: number;
  /** Attempts after the first for GET/HEAD (default 3). */
  retries?: number;
  retryBaseMs?: number;
  maxBodyBytes?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (for resolving relative Link headers). */
  url: string;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** An AppError with the fingerprint of an untrusted certificate, for the consent dialog. */
export type RegistryError = AppError & { fingerprint?: string };
export type RegistryResult<T> = { ok: true; value: T } | { ok: false; error: RegistryError };

class UntrustedCertificate extends Error {
  constructor(
    readonly reason: string,
    readonly fingerprint: string | undefined,
  ) {
    super(reason);
  }
}
class TimeoutError extends Error {}
class TooLarge extends Error {}

/** Counting semaphore: at most `n` tasks at once. */
export function createLimiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so nobody can slip in between.
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class RegistryHttp {
  readonly name: string;
  private pinned: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxBodyBytes: number;
  private readonly limit: ReturnType<typeof createLimiter>;
  private readonly agent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  /** HTTPS through node:http with connections we open and check ourselves (see connectTls). */
  private readonly tlsAgent: HttpAgent;
  /** Round trips made (including retries and token requests), for tests and benchmarks. */
  requests = 0;
  /** Requests in flight now, and the most seen at once (bounded by `concurrency`). */
  inFlight = 0;
  maxInFlight = 0;

  constructor(opts: RegistryHttpOptions) {
    this.name = opts.registryName;
    this.pinned = opts.pinnedFingerprint;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.retries = opts.retries ?? 3;
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.maxBodyBytes = opts.maxBodyBytes ?? 32 << 20;
    this.limit = createLimiter(opts.concurrency ?? 8);
    this.tlsAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
    // Agent.createConnection may answer through its callback: the request waits for our verdict.
    (this.tlsAgent as unknown as { createConnection: unknown }).createConnection = (
      o: { host?: string; port?: number },
      cb: (e: Error | null, s?: Duplex) => void,
    ) => {
      this.connectTls(o.host ?? 'localhost', Number(o.port)).then(
        (sock) => cb(null, sock),
        (e: Error) => cb(e),
      );
      return undefined;
    };
  }

  setPinnedFingerprint(fp: string | undefined) {
    this.pinned = fp;
    this.tlsAgent.destroy(); // drop connections verified under the old decision
  }

  close() {
    this.agent.destroy();
    this.tlsAgent.destroy();
  }

  /** One request with retries (GET/HEAD only) for 5xx, connection resets and timeouts. */
  async request(req: HttpRequest): Promise<RegistryResult<HttpResponse>> {
    const idempotent = (req.method ?? 'GET') === 'GET' || req.method === 'HEAD';
    const attempts = idempotent ? this.retries + 1 : 1;
    let last: RegistryResult<HttpResponse> | undefined;
    let timeouts = 0;
    let i = 0;
    for (; i < attempts; i++) {
      if (i > 0) await sleep(backoffDelay(i - 1, { initialMs: this.retryBaseMs, maxMs: Infinity, jitter: SPREAD_JITTER }), req.signal);
      if (req.signal?.aborted) return err('timeout', `Request to ${this.name} was cancelled.`);
      last = await this.limit(async () => {
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        try {
          return await this.once(req);
        } finally {
          this.inFlight--;
        }
      });
      if (last.ok) {
        if (last.value.status < 500 || last.value.status === 501) return last;
        continue;
      }
      if (last.error.code !== 'timeout' && last.error.code !== 'unavailable') return last;
      // A registry that swallows requests costs timeoutMs per attempt: retry a timeout once only.
      if (last.error.code === 'timeout' && ++timeouts >= 2) break;
    }
    if (last && last.ok) {
      const path = new URL(req.url).pathname;
      return err(
        'unavailable',
        `${this.name} answered ${last.value.status} to ${path} ${attempts} times: the registry is failing. Check its health, or try again later.`,
        {
          status: last.value.status,
        },
      );
    }
    const e = last!.error;
    const tries = Math.min(i + 1, attempts);
    return { ok: false, error: { ...e, message: tries > 1 ? `${e.message} (gave up after ${tries} attempts)` : e.message } };
  }

  private once(req: HttpRequest): Promise<RegistryResult<HttpResponse>> {
    this.requests++;
    const u = new URL(req.url);
    const path = u.pathname;
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: RegistryResult<HttpResponse>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const headers: Record<string, string> = { 'User-Agent': 'Capstan', ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const https = u.protocol === 'https:';
      const port = Number(u.port) || (https ? 443 : 80);
      const r = httpRequest({
        method: req.method ?? 'GET',
        host: u.hostname,
        port,
        path: u.pathname + u.search,
        headers,
        agent: https ? this.tlsAgent : this.agent,
      });
      const timer = setTimeout(() => r.destroy(new TimeoutError()), this.timeoutMs);
      const onAbort = () => r.destroy(new TimeoutError());
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBodyBytes) res.destroy(new TooLarge());
          else chunks.push(c);
        });
        res.on('error', (e) => done(this.mapError(e, path)));
        res.on('end', () => {
          req.signal?.removeEventListener('abort', onAbort);
          done(ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url }));
        });
      });
      r.on('error', (e) => {
        req.signal?.removeEventListener('abort', onAbort);
        done(this.mapError(e, path));
      });
      r.end(req.body);
    });
  }

  /** Open a TLS connection and decide about trust before the caller writes anything. */
  private connectTls(host: string, port: number): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({
        host,
        port,
        servername: isIP(host) ? undefined : host,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      socket.once('secureConnect', () => {
        const fp = socket.getPeerCertificate()?.fingerprint256;
        if (socket.authorized || (this.pinned && fp === this.pinned)) return resolve(socket);
        const reason = String(socket.authorizationError ?? 'certificate not trusted');
        socket.destroy();
        reject(new UntrustedCertificate(reason, fp));
      });
      socket.once('error', reject);
    });
  }

  private mapError(e: unknown, path: string): { ok: false; error: RegistryError } {
    if (e instanceof UntrustedCertificate) {
      const selfSigned = /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF/.test(e.reason);
      const pinnedNote = this.pinned ? ` It is not the certificate you trusted before (${this.pinned}).` : '';
      return {
        ok: false,
        error: {
          code: 'tls-error',
          message: `The TLS certificate of ${this.name} is not trusted (${e.reason}${selfSigned ? ': self-signed' : ''}).${pinnedNote} Its SHA-256 fingerprint is ${e.fingerprint ?? 'unknown'}. Trust it only if your registry administrator confirms this fingerprint.`,
          fingerprint: e.fingerprint,
        },
      };
    }
    if (e instanceof TimeoutError)
      return err(
        'timeout',
        `${this.name} did not answer ${path} within ${Math.round(this.timeoutMs / 1000)} s. Check the network (VPN) or the registry's health.`,
      );
    if (e instanceof TooLarge)
      return err('response-too-large', `${this.name} sent more than ${this.maxBodyBytes >> 20} MiB for ${path}: refused.`);
    const code = (e as { code?: string }).code ?? '';
    if (/^ERR_TLS|^ERR_SSL|CERT|EPROTO/.test(code))
      return err('tls-error', `TLS with ${this.name} failed (${code}). Check that the URL's scheme and port are right.`);
    return err(
      'unavailable',
      `${this.name} is not reachable (${code || (e instanceof Error ? e.message : 'network error')}). Check the URL and the network (VPN).`,
    );
  }
}

/** Lower-case header value as one string. */
export const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};

export const basicAuth = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

type MaybeResult<T> = T | { ok: true; value: T } | { ok: false; error: AppError };

/**
 * Where secrets live: the VaultService (whose methods answer `Result`s) or anything returning
 * plain values. Keys are `images.registry.<id>.secret`.
 */
export interface SecretStore {
  get(key: string): Promise<MaybeResult<string | undefined>> | MaybeResult<string | undefined>;
  put(key: string, secret: string): Promise<unknown> | unknown;
  delete?(key: string): Promise<unknown> | unknown;
}

const isResult = (v: unknown): v is { ok: boolean; value?: unknown; error?: AppError } => typeof v === 'object' && v !== null && 'ok' in v;

/** The secret under `key`, or undefined (a vault error reads as "no secret"). */
export async function readSecret(store: SecretStore, key: string): Promise<string | undefined> {
  const v = await store.get(key);
  if (isResult(v)) return v.ok && typeof v.value === 'string' ? v.value : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Store a secret; a vault that refuses (e.g. needs consent on basic_text) gives its error. */
export async function writeSecret(store: SecretStore, key: string, secret: string): Promise<AppError | undefined> {
  const v = await store.put(key, secret);
  return isResult(v) && !v.ok ? v.error : undefined;
}

export type SecretSource = () => Promise<string | undefined> | string | undefined;

export type { Result };
