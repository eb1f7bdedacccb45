import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarborClient } from '../../src-main/images/harbor-client';
import { OciClient } from '../../src-main/images/oci-client';
import { startHarbor, type SandboxHarbor } from '../../src-sandbox/harbor';
import { skopeo } from '../fixtures/oci/registry';

/** Capstan's Harbor and OCI clients against the sandbox Harbor, including its injected faults. */

let harbor: SandboxHarbor;
const secret = 'Harbor12345';
const client = (o: Partial<ConstructorParameters<typeof HarborClient>[0]> = {}) =>
  new HarborClient({
    registryName: 'harbor-east',
    url: harbor.url,
    username: 'admin',
    secret: () => secret,
    retryBaseMs: 5,
    timeoutMs: 2_000,
    ...o,
  });

beforeAll(async () => {
  harbor = await startHarbor({
    name: 'harbor-east',
    region: 'east',
    clockSpeed: 1000,
    users: [
      { name: 'admin', password: secret, admin: true },
      { name: 'robot$ci', password: 'robot-secret', projects: ['library'] },
      { name: 'dev', password: 'dev-password', projects: ['library'] },
    ],
    projects: [
      { name: 'library', repositories: { app: ['1.0', '1.1'], 'team/svc': ['2.0'] } },
      { name: 'secret', repositories: { vault: ['1'] } },
      { name: 'public', public: true, repositories: { base: ['latest'] } },
    ],
  });
  for (let i = 0; i < 25; i++) harbor.push(`library/many${String(i).padStart(2, '0')}`, 'v1');
  // A repository with thousands of tags.
  for (let i = 0; i < 2500; i++) harbor.push('library/huge', `t${String(i).padStart(4, '0')}`, i % 10 === 0 ? `huge-${i}` : 'huge-shared');
});
afterAll(async () => {
  harbor.setFaults({});
  await harbor?.close();
});

describe('Harbor client: paging, queries, names', () => {
  it('follows Link rel="next" and reads X-Total-Count', async () => {
    const c = client({ pageSize: 10 });
    const before = c.requests;
    const r = await c.listRepositories('library');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.total).toBe(28);
    expect(r.value.items).toHaveLength(28);
    expect(r.value.pages).toBe(3);
    expect(c.requests - before).toBe(3);
    expect(new Set(r.value.items.map((x) => x.name)).size).toBe(28);
  });

  it('q= queries: exact, fuzzy, union and range', async () => {
    const c = client();
    const fuzzy = await c.listRepositories('library', { q: [{ key: 'name', op: 'fuzzy', value: 'many1' }] });
    expect(fuzzy.ok && fuzzy.value.items.map((x) => x.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `library/many1${i}`));
    const exact = await c.listRepositories('library', { q: [{ key: 'name', op: 'eq', value: 'library/app' }] });
    expect(exact.ok && exact.value.items.map((x) => x.name)).toEqual(['library/app']);
    const union = await c.listRepositories('library', { q: [{ key: 'name', op: 'union', values: ['library/app', 'library/team/svc'] }] });
    expect(union.ok && union.value.items.map((x) => x.name).sort()).toEqual(['library/app', 'library/team/svc']);
    const range = await c.listRepositories('library', { q: [{ key: 'name', op: 'range', min: 'library/many20', max: 'library/many24' }] });
    expect(range.ok && range.value.items).toHaveLength(5);
    const tagged = await c.listArtifacts('library', 'app', { q: 'tags=1.1' });
    expect(tagged.ok && tagged.value.items.flatMap((a) => a.tags?.map((t) => t.name))).toEqual(['1.1']);
  });

  it('encodes repository names with a slash twice', async () => {
    const c = client();
    const repo = await c.getRepository('library', 'team/svc');
    expect(repo.ok && repo.value.name).toBe('library/team/svc');
    const arts = await c.listArtifacts('library', 'team/svc');
    expect(arts.ok && arts.value.items[0]?.tags?.[0]?.name).toBe('2.0');
    const art = await c.getArtifact('library', 'team/svc', '2.0');
    expect(art.ok && art.value?.digest).toMatch(/^sha256:/);
    const absent = await c.getArtifact('library', 'team/svc', 'nope');
    expect(absent).toEqual({ ok: true, value: undefined });
  });

  it('reads a repository with thousands of tags (25 pages of 100)', async () => {
    const c = client();
    const r = await c.listArtifacts('library', 'huge');
    if (!r.ok) throw new Error(r.error.message);
    const tags = r.value.items.flatMap((a) => a.tags ?? []);
    expect(tags).toHaveLength(2500);
    expect(r.value.items).toHaveLength(251);
    expect(r.value.pages).toBe(3);
    // OCI tags list with n=100 pages through Link: 25 pages, and skopeo sees the same tags.
    const oci = new OciClient({ registryName: 'harbor-east', url: harbor.url, username: 'admin', secret: () => secret });
    const list = await oci.listTags('library/huge', 100);
    expect(list.ok && list.value.tags.length).toBe(2500);
    expect(list.ok && list.value.pages).toBe(25);
    const viaSkopeo = JSON.parse(
      await skopeo('list-tags', '--tls-verify=false', '--creds', `admin:${secret}`, `docker://${new URL(harbor.url).host}/library/huge`),
    ) as { Tags: string[] };
    expect(viaSkopeo.Tags).toHaveLength(2500);
    expect(list.ok && list.value.tags).toEqual(viaSkopeo.Tags);
    // Bounded: at most maxTagPages pages.
    const bounded = new OciClient({
      registryName: 'harbor-east',
      url: harbor.url,
      username: 'admin',
      secret: () => secret,
      maxTagPages: 3,
    });
    const cut = await bounded.listTags('library/huge', 100);
    expect(cut.ok && cut.value).toMatchObject({ truncated: true, pages: 3 });
    expect(cut.ok && cut.value.tags).toHaveLength(300);
    oci.close();
    bounded.close();
  });
});

describe('sandbox /v2 fidelity with skopeo', () => {
  it('skopeo inspect (token auth, manifest, config blob) sees the digest the Harbor API and Capstan report', async () => {
    const host = new URL(harbor.url).host;
    const out = JSON.parse(
      await skopeo('inspect', '--tls-verify=false', '--creds', `dev:dev-password`, `docker://${host}/library/team/svc:2.0`),
    ) as { Digest: string; Architecture: string };
    const api = await client().getArtifact('library', 'team/svc', '2.0');
    expect(out.Digest).toBe(api.ok && api.value?.digest);
    expect(out.Architecture).toBe('amd64');
    const oci = new OciClient({ registryName: 'harbor-east', url: harbor.url, username: 'dev', secret: () => 'dev-password' });
    const d = await oci.getDigest('library/team/svc', '2.0');
    expect(d.ok && d.value?.digest).toBe(out.Digest);
    oci.close();
    await expect(skopeo('inspect', '--tls-verify=false', '--creds', 'dev:wrong', `docker://${host}/library/app:1.0`)).rejects.toThrow();
  });
});

describe('Harbor client: auth', () => {
  it('401 with a wrong secret says to update the credentials, without the secret', async () => {
    const c = client({ secret: () => 'wrong-password-xyz' });
    const r = await c.listProjects();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('registry-unauthorized');
    expect(r.error.message).toBe('Wrong username or secret for harbor-east: update the credentials.');
    expect(JSON.stringify(r)).not.toContain('wrong-password-xyz');
    expect((await c.checkCredentials()).ok && (await c.checkCredentials())).toEqual({ ok: true, value: false });
    expect(await client().checkCredentials()).toEqual({ ok: true, value: true });
  });

  it('403 names the project the account lacks permission on; robot accounts authenticate', async () => {
    const robot = client({ username: 'robot$ci', secret: () => 'robot-secret' });
    const allowed = await robot.listRepositories('library', { maxItems: 1 });
    expect(allowed.ok).toBe(true);
    const denied = await robot.listRepositories('secret');
    expect(!denied.ok && denied.error).toMatchObject({ code: 'registry-forbidden', status: 403 });
    expect(!denied.ok && denied.error.message).toContain('project "secret"');
    expect(!denied.ok && denied.error.message).toContain('robot$ci');
    const repl = await robot.listExecutions();
    expect(!repl.ok && repl.error.code).toBe('registry-forbidden');
    // Anonymous users see public projects only; a private one is a 401.
    const anon = client({ username: undefined });
    const pub = await anon.listProjects();
    expect(pub.ok && pub.value.items.map((p) => p.name)).toEqual(['public']);
    const priv = await anon.listRepositories('secret');
    expect(!priv.ok && priv.error.code).toBe('registry-unauthorized');
  });

  it('OCI token challenge: anonymous for public, Basic → token for private, 401 for a wrong secret', async () => {
    const anon = new OciClient({ registryName: 'harbor-east', url: harbor.url });
    const pub = await anon.getDigest('public/base', 'latest');
    expect(pub.ok && pub.value?.digest).toMatch(/^sha256:/);
    const priv = await anon.getDigest('library/app', '1.0');
    expect(!priv.ok && priv.error.code).toBe('registry-unauthorized');
    const dev = new OciClient({ registryName: 'harbor-east', url: harbor.url, username: 'dev', secret: () => 'dev-password' });
    const ok = await dev.getDigest('library/app', '1.0');
    const art = await client().getArtifact('library', 'app', '1.0');
    expect(ok.ok && ok.value?.digest).toBe(art.ok && art.value?.digest);
    const denied = await dev.getDigest('secret/vault', '1');
    expect(!denied.ok && denied.error.code).toBe('registry-forbidden');
    const wrong = new OciClient({ registryName: 'harbor-east', url: harbor.url, username: 'dev', secret: () => 'nope' });
    const w = await wrong.getDigest('library/app', '1.0');
    expect(!w.ok && w.error.message).toBe('Wrong username or secret for harbor-east: update the credentials.');
    // Tokens are cached per scope: a second lookup costs one request (a conditional HEAD).
    const before = dev.requests;
    const again = await dev.getDigest('library/app', '1.0');
    expect(again.ok && again.value?.source).toBe('cache');
    expect(dev.requests - before).toBe(1);
    for (const c of [anon, dev, wrong]) c.close();
  });
});

describe('Harbor client: faults', () => {
  it('retries 5xx with backoff and recovers', async () => {
    const c = client();
    harbor.setFaults({ failNext: { count: 2, status: 503 } });
    const before = c.requests;
    const r = await c.listProjects();
    expect(r.ok).toBe(true);
    expect(c.requests - before).toBe(3);
  });

  it('gives up after bounded retries with a clear per-registry error', async () => {
    const c = client({ retries: 2 });
    harbor.setFaults({ failNext: { count: 10, status: 502 } });
    const r = await c.listProjects();
    harbor.setFaults({});
    expect(!r.ok && r.error).toMatchObject({ code: 'unavailable', status: 502 });
    expect(!r.ok && r.error.message).toContain('harbor-east answered 502');
    expect(!r.ok && r.error.message).toContain('3 times');
  });

  it('times out slow answers, retries, then reports a timeout', async () => {
    const c = client({ timeoutMs: 150, retries: 1 });
    harbor.setFaults({ delayMs: 1_000 });
    const t0 = Date.now();
    const r = await c.health();
    harbor.setFaults({});
    expect(!r.ok && r.error.code).toBe('timeout');
    expect(!r.ok && r.error.message).toContain('harbor-east did not answer /api/v2.0/health');
    expect(Date.now() - t0).toBeLessThan(900);
    // Recovery: the next call works.
    expect((await c.health()).ok).toBe(true);
  });

  it('malformed JSON is response-invalid', async () => {
    harbor.setFaults({ malformedJson: /\/projects$/ });
    const r = await client().listProjects();
    harbor.setFaults({});
    expect(!r.ok && r.error.code).toBe('response-invalid');
    expect(!r.ok && r.error.message).toContain('not valid JSON');
  });

  it('pagination that never ends is cut with a clear error', async () => {
    harbor.setFaults({ endlessPaging: /\/repositories$/ });
    const c = client({ maxPages: 20 });
    const before = c.requests;
    const r = await c.listRepositories('library');
    harbor.setFaults({});
    expect(!r.ok && r.error.code).toBe('response-too-large');
    expect(!r.ok && r.error.message).toContain('kept announcing more pages');
    expect(c.requests - before).toBe(20);
  });

  it('a registry ignoring Accept (schema1) is reported, not a crash', async () => {
    harbor.setFaults({ ignoreAccept: true });
    const oci = new OciClient({ registryName: 'harbor-east', url: harbor.url, username: 'admin', secret: () => secret });
    const r = await oci.getDigest('library/app', '1.0');
    harbor.setFaults({});
    expect(!r.ok && r.error.code).toBe('manifest-unsupported');
    expect(!r.ok && r.error.message).toContain('application/vnd.docker.distribution.manifest.v1+prettyjws');
    oci.close();
  });

  it('never sends a cookie', async () => {
    const seen: (string | undefined)[] = [];
    const { createServer } = await import('node:http');
    const srv = createServer((req, res) => {
      seen.push(req.headers.cookie);
      res.writeHead(200, { 'Set-Cookie': 'sid=abc; Path=/', 'Content-Type': 'application/json', 'X-Total-Count': '0' });
      res.end('[]');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const c = new HarborClient({
      registryName: 'x',
      url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`,
      username: 'admin',
      secret: () => 's',
    });
    await c.listProjects();
    await c.listProjects();
    c.close();
    srv.close();
    expect(seen).toEqual([undefined, undefined]);
  });
});
