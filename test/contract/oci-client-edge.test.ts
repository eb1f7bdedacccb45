import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageSyncService } from '../../src-main/images/image-sync-service';
import { OciClient } from '../../src-main/images/oci-client';
import { selfSignedCert, tempDir } from '../fixtures/oci/registry';

/** OCI client behaviours that real registries differ on, against small scripted servers. */

const manifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }),
);
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
      res.writeHead(200, {
        'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json',
        ...(req.method === 'GET' ? { 'Docker-Content-Digest': `sha256:${'0'.repeat(64)}` } : {}),
      });
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
    expect(!r.ok && r.error).toMatchObject({
      code: 'registry-unauthorized',
      message: 'basic requires a username and secret: add credentials for it.',
    });
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

  it('a tags-list Link to another host is not followed: that host receives nothing, least of all credentials', async () => {
    const elsewhere: (string | undefined)[] = [];
    const other = await serve((req, res) => {
      elsewhere.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'app', tags: ['stolen'] }));
    });
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const url = await serve((req, res) => {
      if (req.headers.authorization !== auth) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json', Link: `<${other}/v2/app/tags/list?n=1&last=a>; rel="next"` });
      res.end(JSON.stringify({ name: 'app', tags: ['a'] }));
    });
    const c = new OciClient({ registryName: 'linker', url, username: 'u', secret: () => 'p' });
    const r = await c.listTags('app', 1);
    expect(!r.ok && r.error).toMatchObject({ code: 'response-invalid' });
    expect(!r.ok && r.error.message).toContain('another host');
    expect(elsewhere).toEqual([]);
    c.close();
  });

  it('Bearer realm on plain http at another host: the auth state says the credentials were not sent, not that the account may not pull', async () => {
    const realm = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: req.headers.authorization ? 'full' : 'anonymous' }));
    });
    const url = await serve((req, res) => {
      // /v2/ answers any token; repositories need the token an authenticated account gets.
      const ok = req.url === '/v2/' ? !!req.headers.authorization : req.headers.authorization === 'Bearer full';
      if (!ok) {
        res.writeHead(401, {
          'WWW-Authenticate': `Bearer realm="${realm}/token",service="reg"${req.headers.authorization ? ',error="insufficient_scope"' : ''}`,
        });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: 'app', tags: ['1'] }));
    });
    const c = new OciClient({ registryName: 'split', url, username: 'u', secret: () => 'p' });
    const r = await c.listTags('app');
    const host = new URL(realm).host;
    expect(!r.ok && r.error.message).toBe(
      `split: credentials not sent: token service is plain http on another host (${host}); the anonymous token may not read repository:app:pull. Ask the registry team to serve the token service from the registry's own https origin.`,
    );
    c.close();

    // The Registries tab says the same, never "credentials OK".
    const svc = new ImageSyncService({ secrets: { get: () => 'p', put: () => undefined } });
    await svc.init();
    await svc.addRegistry({ name: 'split', kind: 'oci', url, region: 'east', username: 'u', secret: 'p' });
    const h = await svc.testRegistry('split');
    expect(h.ok && h.value).toMatchObject({
      reachable: true,
      authState: `credentials not sent: token service is plain http on another host (${host})`,
    });
    expect(h.ok && h.value.credentialsOk).toBeUndefined();
    svc.dispose();
  });

  it('Bearer realm on https at another host: no credentials either (same origin only)', async () => {
    const tmp = tempDir('capstan-realm-');
    try {
      const { key, cert, fingerprint: fp } = await selfSignedCert(tmp.dir, 'realm');
      const seen: (string | undefined)[] = [];
      const realm = createHttpsServer({ key, cert }, (req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ token: 'anon' }));
      });
      servers.push(realm);
      await new Promise<void>((r) => realm.listen(0, '127.0.0.1', () => r()));
      const realmUrl = `https://127.0.0.1:${(realm.address() as { port: number }).port}/token`;
      const url = await serve((req, res) => {
        if (!req.headers.authorization) {
          res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realmUrl}",service="reg"` });
          return res.end();
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
      // The pin lets this client talk to the self-signed realm at all; the origin rule still applies.
      const c = new OciClient({ registryName: 'split-tls', url, username: 'u', secret: () => 'p', pinnedFingerprint: fp });
      const p = await c.ping();
      expect(p.ok && p.value).toEqual({
        authScheme: 'bearer',
        credentialsWithheld: `credentials not sent: token service is on another host (${new URL(realmUrl).host})`,
      });
      expect(seen).toEqual([undefined]);
      c.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('a tags list sent with an ETag is asked for conditionally; 304 reuses it', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"v1"' });
      res.end(JSON.stringify({ name: 'app', tags: ['1', '2'] }));
    });
    const c = new OciClient({ registryName: 'etag', url });
    expect((await c.listTags('app')).ok).toBe(true);
    const again = await c.listTags('app');
    expect(again.ok && again.value.tags).toEqual(['1', '2']);
    expect(seen).toEqual([undefined, '"v1"']);
    c.close();
  });
});
