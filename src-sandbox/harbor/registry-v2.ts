import { randomBytes } from 'node:crypto';
import { getBlob, schema1For } from './content';
import type { HarborState, SandboxUser } from './state';
import { sendJson, type Ctx } from './http-util';

/**
 * OCI distribution API (`/v2/`) of a sandbox Harbor, behind Harbor's token service
 * (`/service/token`): a request without a Bearer token gets a 401 with
 * `WWW-Authenticate: Bearer realm="<url>/service/token",service="harbor-registry",scope="repository:<name>:pull"`.
 */

interface TokenRec {
  user?: SandboxUser;
  repos: Set<string>;
  expires: number;
}

export class RegistryV2 {
  private readonly tokens = new Map<string, TokenRec>();
  /** Requests served, for tests that count round trips. */
  requests = 0;

  constructor(
    private readonly baseUrl: () => string,
    private readonly state: HarborState,
  ) {}

  private challenge(ctx: Ctx, scope?: string, error?: string) {
    const parts = [`realm="${this.baseUrl()}/service/token"`, 'service="harbor-registry"'];
    if (scope) parts.push(`scope="${scope}"`);
    if (error) parts.push(`error="${error}"`);
    ctx.res.writeHead(401, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': `Bearer ${parts.join(',')}`,
      'Docker-Distribution-Api-Version': 'registry/2.0',
    });
    ctx.res.end(
      JSON.stringify({
        errors: [
          {
            code: 'UNAUTHORIZED',
            message: 'unauthorized to access repository',
            detail: scope ? [{ Type: 'repository', Action: 'pull' }] : null,
          },
        ],
      }),
    );
  }

  /** GET /service/token?service=harbor-registry&scope=repository:p/r:pull (Basic or anonymous). */
  token(ctx: Ctx) {
    if (ctx.badCredentials) {
      ctx.res.writeHead(401, { 'Content-Type': 'application/json' });
      ctx.res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] }));
      return;
    }
    const repos = new Set<string>();
    for (const scope of ctx.url.searchParams.getAll('scope')) {
      const m = /^repository:([^:]+):(.+)$/.exec(scope);
      if (!m) continue;
      const project = this.state.projects.get(m[1]!.split('/')[0] ?? '');
      if (project && this.state.canRead(ctx.user, project) && m[2]!.split(',').includes('pull')) repos.add(m[1]!);
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { user: ctx.user, repos, expires: Date.now() + 1_800_000 });
    sendJson(ctx, 200, { token, access_token: token, expires_in: 1800, issued_at: new Date().toISOString() });
  }

  /** Who may read `name`: a valid Bearer token with pull on it, or valid Basic credentials. */
  private authorize(ctx: Ctx, name: string | undefined): boolean {
    const auth = ctx.req.headers.authorization ?? '';
    const scope = name ? `repository:${name}:pull` : undefined;
    if (auth.startsWith('Bearer ')) {
      const rec = this.tokens.get(auth.slice(7));
      if (!rec || rec.expires < Date.now()) return (this.challenge(ctx, scope, 'invalid_token'), false);
      if (name && !rec.repos.has(name)) return (this.challenge(ctx, scope, 'insufficient_scope'), false);
      return true;
    }
    if (auth.startsWith('Basic ') && ctx.user && !ctx.badCredentials) {
      if (!name) return true;
      const project = this.state.projects.get(name.split('/')[0] ?? '');
      if (project && this.state.canRead(ctx.user, project)) return true;
    }
    this.challenge(ctx, scope);
    return false;
  }

  private notFound(ctx: Ctx, code: string, message: string) {
    ctx.res.writeHead(404, { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : JSON.stringify({ errors: [{ code, message }] }));
  }

  handle(ctx: Ctx, rawPath: string) {
    this.requests++;
    const rest = rawPath.slice('/v2/'.length);
    if (rest === '') {
      if (!this.authorize(ctx, undefined)) return;
      ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' });
      ctx.res.end('{}');
      return;
    }
    const m = /^(.+)\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(rest);
    if (!m) return this.notFound(ctx, 'NAME_UNKNOWN', 'repository name not known to registry');
    const name = m[1]!;
    const [kind, ref = ''] = m[2]!.split('/');
    if (!this.authorize(ctx, name)) return;
    const repo = this.state.findRepo(name);
    if (!repo) return this.notFound(ctx, 'NAME_UNKNOWN', `repository name not known to registry: ${name}`);

    if (kind === 'tags') {
      const all = [...repo.artifacts.values()].flatMap((a) => a.tags.map((t) => t.name)).sort();
      const nParam = ctx.url.searchParams.get('n');
      const last = ctx.url.searchParams.get('last');
      let tags = last ? all.filter((t) => t > last) : all;
      const headers: Record<string, string> = { 'Docker-Distribution-Api-Version': 'registry/2.0' };
      if (nParam !== null) {
        const n = Math.max(0, Number(nParam) || 0);
        if (tags.length > n) {
          tags = tags.slice(0, n);
          headers.Link = `</v2/${name}/tags/list?last=${encodeURIComponent(tags[tags.length - 1] ?? '')}&n=${n}>; rel="next"`;
        }
      }
      return sendJson(ctx, 200, { name, tags }, headers);
    }

    if (kind === 'manifests') {
      const art = this.state.resolve(name, decodeURIComponent(ref));
      if (!art) return this.notFound(ctx, 'MANIFEST_UNKNOWN', 'manifest unknown');
      if (ctx.faults.ignoreAccept) {
        const s1 = schema1For(name, ref);
        ctx.res.writeHead(200, { 'Content-Type': s1.mediaType, 'Content-Length': String(s1.body.length) });
        ctx.res.end(ctx.req.method === 'HEAD' ? undefined : s1.body);
        return;
      }
      const accept = ctx.req.headers.accept ?? '';
      if (!accept.split(',').some((t) => t.trim().split(';')[0] === art.manifest.mediaType)) {
        return this.notFound(ctx, 'MANIFEST_UNKNOWN', 'OCI manifest found, but accept header does not support OCI manifests');
      }
      const etag = `"${art.manifest.digest}"`;
      const headers = {
        'Content-Type': art.manifest.mediaType,
        'Docker-Content-Digest': art.manifest.digest,
        ETag: etag,
        'Docker-Distribution-Api-Version': 'registry/2.0',
      };
      if (ctx.req.headers['if-none-match'] === etag) {
        ctx.res.writeHead(304, headers);
        ctx.res.end();
        return;
      }
      ctx.res.writeHead(200, { ...headers, 'Content-Length': String(art.manifest.body.length) });
      if (ctx.req.method === 'GET') repo.pullCount++;
      ctx.res.end(ctx.req.method === 'HEAD' ? undefined : art.manifest.body);
      return;
    }

    const blob = getBlob(ref);
    if (!blob) return this.notFound(ctx, 'BLOB_UNKNOWN', 'blob unknown to registry');
    ctx.res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(blob.length),
      'Docker-Content-Digest': ref,
    });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : blob);
  }
}
