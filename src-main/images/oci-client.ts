import { createHash } from 'node:crypto';
import { digestPattern, manifestAccept, parseLinkHeader, supportedManifestTypes } from '../../src-shared/images/registry-api';
import { err, ok } from '../../src-shared/result';
import {
  basicAuth,
  header,
  RegistryHttp,
  type HttpResponse,
  type RegistryError,
  type RegistryHttpOptions,
  type RegistryResult,
  type SecretSource,
} from './http';

/**
 * OCI distribution client for any registry (Harbor, distribution, cloud registries).
 *
 *   new OciClient({ registryName: 'harbor-east', url: 'https://harbor-east.example', username: 'robot$capstan',
 *                   secret: () => vault.get('images/harbor-east'), pinnedFingerprint? })
 *
 * Auth as registries expect: try anonymously (or with a cached token); on a 401 with
 * `WWW-Authenticate: Bearer realm=...,service=...,scope=...` get a token from the realm (with Basic
 * credentials when we have them) and retry; on `Basic` challenges send Basic. Tokens are cached
 * per scope until they expire. Credentials (Basic, or Basic to the token realm) go to the
 * registry's own origin only: a `Link` to another host is refused, and a realm on another host
 * gets an anonymous token request; `credentialsWithheld` then says so in words. Manifest digests come from `HEAD` with the full Accept list,
 * falling back to `GET` (and sha256 of the body) when the registry sends no
 * `Docker-Content-Digest`. Conditional requests (`If-None-Match`) make a repeated refresh cheap.
 */

export interface OciClientOptions extends RegistryHttpOptions {
  url: string;
  username?: string;
  secret?: SecretSource;
  /** Tags list bounds: pages followed, tags kept. */
  maxTagPages?: number;
  maxTags?: number;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  /** Where the digest came from. */
  source: 'header' | 'computed' | 'cache';
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(h: string | undefined): Challenge | undefined {
  if (!h) return undefined;
  const m = /^(\w+)\s*(.*)$/s.exec(h.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"|(\w+)=([^,\s]+)/g)) params[(p[1] ?? p[3])!.toLowerCase()] = p[2] ?? p[4] ?? '';
  return { scheme: m[1]!.toLowerCase(), params };
}

export class OciClient {
  readonly http: RegistryHttp;
  private readonly base: string;
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  /** Which auth the registry wants, learnt from the first challenge. */
  private scheme: 'none' | 'basic' | 'bearer' | undefined;
  private readonly manifestCache = new Map<string, { etag?: string; info: ManifestInfo }>();
  /** One-page lists (tags, catalog) with the ETag they came with, for conditional requests. */
  private readonly listCache = new Map<string, { etag: string; items: string[] }>();
  /** Why credentials were not sent to the token service (another origin), when that happened. */
  private withheld: string | undefined;

  constructor(private readonly opts: OciClientOptions) {
    this.http = new RegistryHttp(opts);
    this.base = opts.url.replace(/\/+$/, '');
  }

  get requests() {
    return this.http.requests;
  }

  close() {
    this.http.close();
  }

  private sameOrigin(u: URL | string): boolean {
    return new URL(u, this.base).origin === new URL(this.base).origin;
  }

  /** Auth state in words when credentials were configured but withheld (else undefined). */
  get credentialsWithheld(): string | undefined {
    return this.withheld;
  }

  private async credentials(): Promise<string | undefined> {
    if (!this.opts.username) return undefined;
    const secret = await this.opts.secret?.();
    return secret === undefined ? undefined : basicAuth(this.opts.username, secret);
  }

  private async fetchToken(challenge: Challenge, scope: string | undefined): Promise<RegistryResult<string>> {
    const realm = challenge.params.realm;
    if (!realm) return err('response-invalid', `${this.http.name} asked for a Bearer token without a realm.`);
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm, this.base);
    } catch {
      return err('response-invalid', `${this.http.name} sent an invalid token realm.`);
    }
    if (realmUrl.protocol !== 'https:' && realmUrl.protocol !== 'http:')
      return err('response-invalid', `${this.http.name} sent a token realm that is not http(s): refused.`);
    if (challenge.params.service) realmUrl.searchParams.set('service', challenge.params.service);
    const wanted = scope ?? challenge.params.scope;
    if (wanted) realmUrl.searchParams.set('scope', wanted);
    // Credentials go to the registry's own origin only (as for Link headers): a realm elsewhere gets
    // an anonymous token request, and the auth state says why the credentials were not used.
    const creds = this.sameOrigin(realmUrl) ? await this.credentials() : undefined;
    this.withheld = this.opts.username && !creds && !this.sameOrigin(realmUrl) ? withheldReason(realmUrl) : undefined;
    const res = await this.http.request({ url: realmUrl.toString(), headers: creds ? { Authorization: creds } : {} });
    if (!res.ok) return res;
    if (res.value.status === 401)
      return err('registry-unauthorized', `Wrong username or secret for ${this.http.name}: update the credentials.`, { status: 401 });
    if (res.value.status !== 200)
      return err('unavailable', `The token service of ${this.http.name} answered ${res.value.status}.`, { status: res.value.status });
    try {
      const body = JSON.parse(res.value.body.toString('utf8')) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
      const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
      if (!token) return err('response-invalid', `The token service of ${this.http.name} sent no token.`);
      const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
      this.tokens.set(wanted ?? '', { token, expires: Date.now() + Math.max(10, ttl - 10) * 1000 });
      return ok(token);
    } catch {
      return err('response-invalid', `The token service of ${this.http.name} sent a response that is not JSON.`);
    }
  }

  /** A request under `scope`, answering auth challenges once. */
  private async authed(
    path: string,
    scope: string | undefined,
    init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {},
  ): Promise<RegistryResult<HttpResponse>> {
    const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
    // Never a request (and so never a credential) to another origin than the registry's.
    if (!this.sameOrigin(url))
      return err(
        'response-invalid',
        `${this.http.name} pointed to another host (${new URL(url).host}): refused, credentials are sent to the registry's own origin only.`,
      );
    const headers: Record<string, string> = { ...init.headers };
    const cached = this.tokens.get(scope ?? '');
    if (this.scheme === 'bearer' && cached && cached.expires > Date.now()) headers.Authorization = `Bearer ${cached.token}`;
    else if (this.scheme === 'basic') {
      const c = await this.credentials();
      if (c) headers.Authorization = c;
    }
    let res = await this.http.request({ url, method: init.method, headers });
    if (!res.ok || res.value.status !== 401) return res;
    const challenge = parseChallenge(header(res.value.headers, 'www-authenticate'));
    if (challenge?.scheme === 'bearer') {
      this.scheme = 'bearer';
      const token = await this.fetchToken(challenge, scope);
      if (!token.ok) return token;
      res = await this.http.request({ url, method: init.method, headers: { ...init.headers, Authorization: `Bearer ${token.value}` } });
    } else if (challenge?.scheme === 'basic') {
      this.scheme = 'basic';
      const c = await this.credentials();
      if (!c)
        return err('registry-unauthorized', `${this.http.name} requires a username and secret: add credentials for it.`, { status: 401 });
      res = await this.http.request({ url, method: init.method, headers: { ...init.headers, Authorization: c } });
    }
    if (res.ok && res.value.status === 401) {
      const hasCreds = !!this.opts.username;
      const insufficient = /insufficient_scope/.test(header(res.value.headers, 'www-authenticate') ?? '');
      if (hasCreds && this.withheld)
        return err(
          'registry-unauthorized',
          `${this.http.name}: ${this.withheld}; the anonymous token may not read ${scope ?? 'this'}. Ask the registry team to serve the token service from the registry's own https origin.`,
          { status: 401 },
        );
      if (insufficient || !hasCreds)
        return err(
          hasCreds ? 'registry-forbidden' : 'registry-unauthorized',
          hasCreds
            ? `The account of ${this.http.name} may not pull ${scope ?? 'this repository'}: ask for pull permission.`
            : `${this.http.name} requires credentials for ${scope ?? 'this request'}: add a username and secret.`,
          { status: 401 },
        );
      return err('registry-unauthorized', `Wrong username or secret for ${this.http.name}: update the credentials.`, { status: 401 });
    }
    return res;
  }

  /** `GET /v2/`: reachable, and whether our credentials (or anonymous access) work. */
  async ping(): Promise<RegistryResult<{ authScheme: 'none' | 'basic' | 'bearer'; credentialsWithheld?: string }>> {
    const res = await this.authed('/v2/', undefined);
    if (!res.ok) return res;
    if (res.value.status !== 200)
      return err('response-invalid', `${this.http.name} answered ${res.value.status} to /v2/: is it an OCI registry?`, {
        status: res.value.status,
      });
    return ok({ authScheme: this.scheme ?? 'none', ...(this.withheld ? { credentialsWithheld: this.withheld } : {}) });
  }

  /** All tags of a repository, following `Link` (bounded by maxTagPages and maxTags). */
  async listTags(repository: string, pageSize = 1000): Promise<RegistryResult<{ tags: string[]; truncated: boolean; pages: number }>> {
    const r = await this.paged(
      `/v2/${repository}/tags/list?n=${pageSize}`,
      `repository:${repository}:pull`,
      'tags',
      `the tags list of ${repository}`,
    );
    if (!r.ok) return r;
    return ok({ tags: r.value.items, truncated: r.value.truncated, pages: r.value.pages });
  }

  /**
   * Every repository in the registry (`/v2/_catalog?n=`, following `Link` on the registry's origin).
   * Registries may refuse it (401/403, or 404 where the catalog is switched off): the error says so.
   */
  async listCatalog(pageSize = 1000): Promise<RegistryResult<{ repositories: string[]; truncated: boolean; pages: number }>> {
    const r = await this.paged(`/v2/_catalog?n=${pageSize}`, 'registry:catalog:*', 'repositories', 'the catalog');
    if (!r.ok) return r;
    if (r.value.missing)
      return err('not-found', `${this.http.name} does not serve a catalog (/v2/_catalog answered 404).`, { status: 404 });
    return ok({ repositories: r.value.items, truncated: r.value.truncated, pages: r.value.pages });
  }

  /** A paged JSON list (`{<field>: string[]}`) following `Link` rel="next" on the same origin. */
  private async paged(
    first: string,
    scope: string,
    field: 'tags' | 'repositories',
    what: string,
  ): Promise<RegistryResult<{ items: string[]; truncated: boolean; pages: number; missing: boolean }>> {
    const maxPages = this.opts.maxTagPages ?? 100;
    const maxItems = this.opts.maxTags ?? 20_000;
    let next: string | undefined = first;
    const items: string[] = [];
    let pages = 0;
    const seen = new Set<string>();
    while (next) {
      if (pages >= maxPages || items.length >= maxItems)
        return ok({ items: items.slice(0, maxItems), truncated: true, pages, missing: false });
      if (seen.has(next)) return err('response-invalid', `${this.http.name} sent a Link for ${what} that loops.`);
      seen.add(next);
      // A one-page list the registry sent with an ETag is asked for conditionally next time.
      const cached = pages === 0 ? this.listCache.get(first) : undefined;
      const res = await this.authed(next, scope, cached ? { headers: { 'If-None-Match': cached.etag } } : {});
      if (!res.ok) return res;
      pages++;
      if (res.value.status === 304 && cached) return ok({ items: [...cached.items], truncated: false, pages, missing: false });
      if (res.value.status === 404)
        return pages === 1
          ? ok({ items: [], truncated: false, pages, missing: true })
          : err('response-invalid', `${this.http.name} lost ${what} while paging it.`);
      if (res.value.status !== 200)
        return err('response-invalid', `${this.http.name} answered ${res.value.status} to ${what}.`, { status: res.value.status });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(res.value.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return err('response-invalid', `${this.http.name} sent ${what} that is not JSON.`);
      }
      const list = body[field];
      if (list !== null && list !== undefined && !Array.isArray(list))
        return err('response-invalid', `${this.http.name} sent a malformed ${what}.`);
      for (const t of (list as unknown[] | null) ?? []) if (typeof t === 'string') items.push(t);
      const link = parseLinkHeader(header(res.value.headers, 'link')).next;
      next = link ? new URL(link, res.value.url).toString() : undefined;
      if (next && !this.sameOrigin(next))
        return err('response-invalid', `${this.http.name} sent a paging link to another host (${new URL(next).host}): refused.`);
      const etag = header(res.value.headers, 'etag');
      if (pages === 1 && !next && etag) this.listCache.set(first, { etag, items: [...items] });
      else if (pages === 1) this.listCache.delete(first);
    }
    return ok({ items, truncated: false, pages, missing: false });
  }

  /** The manifest of `repository:ref` as JSON (GET); undefined when the registry does not have it. */
  async getManifest(repository: string, ref: string, accept = manifestAccept): Promise<RegistryResult<JsonDocument | undefined>> {
    const res = await this.authed(`/v2/${repository}/manifests/${encodeURIComponent(ref)}`, `repository:${repository}:pull`, {
      headers: { Accept: accept },
    });
    if (!res.ok) return res;
    if (res.value.status === 404) return ok(undefined);
    if (res.value.status !== 200)
      return err('response-invalid', `${this.http.name} answered ${res.value.status} for the manifest of ${repository}:${ref}.`, {
        status: res.value.status,
      });
    return this.parseDocument(res.value.body, header(res.value.headers, 'content-type'), `the manifest of ${repository}:${ref}`);
  }

  /**
   * A small JSON blob (an image config). A redirect to another host (object storage) is followed
   * once without any credential, as docker does: presigned URLs need none.
   */
  async getJsonBlob(repository: string, digest: string): Promise<RegistryResult<JsonDocument>> {
    const res = await this.authed(`/v2/${repository}/blobs/${digest}`, `repository:${repository}:pull`);
    if (!res.ok) return res;
    let r = res.value;
    const location = header(r.headers, 'location');
    if (r.status >= 300 && r.status < 400 && location) {
      const follow = await this.http.request({ url: new URL(location, r.url).toString() });
      if (!follow.ok) return follow;
      r = follow.value;
    }
    if (r.status !== 200)
      return err('response-invalid', `${this.http.name} answered ${r.status} for blob ${digest} of ${repository}.`, { status: r.status });
    const doc = this.parseDocument(r.body, 'application/json', `blob ${digest} of ${repository}`);
    if (doc.ok && doc.value && doc.value.digest !== digest)
      return err('response-invalid', `${this.http.name} sent blob ${digest} of ${repository} with other content (${doc.value.digest}).`);
    return doc as RegistryResult<JsonDocument>;
  }

  private parseDocument(body: Buffer, contentType: string | undefined, what: string): RegistryResult<JsonDocument | undefined> {
    try {
      const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const mediaType =
        (typeof json.mediaType === 'string' ? json.mediaType : (contentType ?? '').split(';')[0]!.trim()) || 'application/json';
      return ok({ digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, mediaType, json });
    } catch {
      return err('response-invalid', `${this.http.name} sent ${what} that is not JSON.`);
    }
  }

  /**
   * Digest of `repository:ref` (tag or digest); undefined when the registry does not have it.
   * A manifest of a type we did not ask for (a registry ignoring Accept) is reported as
   * `manifest-unsupported`, naming the type.
   */
  async getDigest(repository: string, ref: string): Promise<RegistryResult<ManifestInfo | undefined>> {
    const scope = `repository:${repository}:pull`;
    const path = `/v2/${repository}/manifests/${encodeURIComponent(ref)}`;
    const key = `${repository}@${ref}`;
    const cached = this.manifestCache.get(key);
    const headers: Record<string, string> = { Accept: manifestAccept };
    if (cached?.etag) headers['If-None-Match'] = cached.etag;
    const head = await this.authed(path, scope, { method: 'HEAD', headers });
    if (!head.ok) return head;
    const h = head.value;
    if (h.status === 304 && cached) return ok({ ...cached.info, source: 'cache' });
    if (h.status === 404) {
      this.manifestCache.delete(key);
      return ok(undefined);
    }
    const checkType = (status: number, type: string | undefined): RegistryResult<string> => {
      const mediaType = (type ?? '').split(';')[0]!.trim();
      if (status !== 200)
        return err('response-invalid', `${this.http.name} answered ${status} for the manifest of ${repository}:${ref}.`, { status });
      if (!supportedManifestTypes.includes(mediaType))
        return err(
          'manifest-unsupported',
          `${this.http.name} returned a manifest of type "${mediaType || 'none'}" for ${repository}:${ref} although Capstan asked for OCI or Docker v2 manifests: the registry ignores the Accept header, so its digest cannot be compared. Upgrade or reconfigure the registry.`,
        );
      return ok(mediaType);
    };
    const headDigest = header(h.headers, 'docker-content-digest');
    if (h.status === 200 && headDigest && digestPattern.test(headDigest)) {
      const type = checkType(h.status, header(h.headers, 'content-type'));
      if (!type.ok) return type;
      const info: ManifestInfo = { digest: headDigest, mediaType: type.value, source: 'header' };
      this.manifestCache.set(key, { etag: header(h.headers, 'etag'), info });
      return ok(info);
    }
    // No digest header (or HEAD not supported): GET the manifest and hash it.
    const get = await this.authed(path, scope, { method: 'GET', headers: { Accept: manifestAccept } });
    if (!get.ok) return get;
    if (get.value.status === 404) return ok(undefined);
    const type = checkType(get.value.status, header(get.value.headers, 'content-type'));
    if (!type.ok) return type;
    const computed = `sha256:${createHash('sha256').update(get.value.body).digest('hex')}`;
    const sent = header(get.value.headers, 'docker-content-digest');
    if (sent && digestPattern.test(sent) && sent !== computed)
      return err(
        'response-invalid',
        `${this.http.name} sent a manifest for ${repository}:${ref} whose sha256 (${computed}) differs from its Docker-Content-Digest (${sent}).`,
      );
    const info: ManifestInfo = { digest: computed, mediaType: type.value, source: sent ? 'header' : 'computed' };
    this.manifestCache.set(key, { etag: header(get.value.headers, 'etag'), info });
    return ok(info);
  }
}

function withheldReason(realm: URL): string {
  return realm.protocol === 'http:'
    ? `credentials not sent: token service is plain http on another host (${realm.host})`
    : `credentials not sent: token service is on another host (${realm.host})`;
}

/** A manifest or config document read whole (for image lineage). */
export interface JsonDocument {
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

/** Compare one image across registries: same digest everywhere, or which differ / miss it. */
export async function compareAcross(
  clients: { region: string; client: OciClient }[],
  repository: string,
  ref: string,
): Promise<{ region: string; digest?: string; error?: RegistryError }[]> {
  return Promise.all(
    clients.map(async ({ region, client }) => {
      const r = await client.getDigest(repository, ref);
      return r.ok ? { region, digest: r.value?.digest } : { region, error: r.error };
    }),
  );
}
