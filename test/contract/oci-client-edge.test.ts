import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OciClient } from '../../src-main/images/oci-client';

/** OCI client behaviours that real registries differ on, against small scripted servers. */

const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }));
const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
let servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

describe('OCI client edge cases', () => {
  it('HEAD without Docker-Content-Digest: falls back to GET and hashes the body', async () => {
    const methods: string[] = [];
    const url = await serve((req, res) => {
      methods.push(req.method!);
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const c = new OciClient({ registryName: 'bare', url });
    const r = await c.getDigest('app', '1.0');
    expect(r.ok && r.value).toEqual({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', source: 'computed' });
    expect(methods).toEqual(['HEAD', 'GET']);
    c.close();
  });

  it('sends the full Accept list and rejects a body that does not match its digest header', async () => {
    let accept = '';
    const url = await serve((req, res) => {
      accept = req.headers.accept ?? '';
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json', ...(req.method === 'GET' ? { 'Docker-Content-Digest': `sha256:${'0'.repeat(64)}` } : {}) });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const c = new OciClient({ registryName: 'liar', url });
    const r = await c.getDigest('app', '1.0');
    expect(accept.split(', ')).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
    expect(!r.ok && r.error.code).toBe('response-invalid');
    c.close();
  });

  it('Basic challenge: retries with Basic credentials; without credentials says to add them', async () => {
    const url = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
    const c = new OciClient({ registryName: 'basic', url, username: 'u', secret: () => 'p' });
    expect(await c.ping()).toEqual({ ok: true, value: { authScheme: 'basic' } });
    const anon = new OciClient({ registryName: 'basic', url });
    const r = await anon.ping();
    expect(!r.ok && r.error).toMatchObject({ code: 'registry-unauthorized', message: 'basic requires a username and secret: add credentials for it.' });
    c.close();
    anon.close();
  });

  it('Bearer: one token per scope, cached; no credentials to a plain-HTTP realm on another origin', async () => {
    const tokenRequests: { scope: string | null; auth?: string }[] = [];
    const realm = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      tokenRequests.push({ scope: u.searchParams.get('scope'), auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `tok-${u.searchParams.get('scope')}`, expires_in: 300 }));
    });
    const url = await serve((req, res) => {
      const name = /^\/v2\/(.+)\/manifests\//.exec(req.url!)?.[1];
      const scope = `repository:${name}:pull`;
      if (req.headers.authorization !== `Bearer tok-${scope}`) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}/token",service="reg",scope="${scope}"` });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': digest });
      res.end();
    });
    const c = new OciClient({ registryName: 'bearer', url, username: 'u', secret: () => 'p' });
    for (const repo of ['a', 'a', 'b', 'a']) expect((await c.getDigest(repo, '1')).ok).toBe(true);
    expect(tokenRequests.map((t) => t.scope)).toEqual(['repository:a:pull', 'repository:b:pull']);
    expect(tokenRequests.every((t) => t.auth === undefined)).toBe(true);
    c.close();
  });
});
