import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxCert } from '../../src-sandbox/server/tls-cert';
import { ClusterConnection } from './cluster-connection';
import { nativeCredentials } from './credentials';
import { KubeconfigService } from './kubeconfig-service';
import type { ClusterEntry } from './kubeconfig-types';

const cert = createSandboxCert('capstan-test');
const b64 = (s: string) => Buffer.from(s).toString('base64');
let server: https.Server;
let url = '';
let dir = '';
let seen: { headers: Record<string, string | string[] | undefined>; rawHeaders: string[]; clientCert: boolean }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cred-'));
  // Asks for a client certificate (and accepts any) so tests can see whether one was presented.
  server = https.createServer({ cert: cert.certPem, key: cert.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ headers: req.headers, rawHeaders: req.rawHeaders, clientCert: Boolean(peer && Object.keys(peer).length) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"gitVersion":"v1.35.0-tls"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  seen = [];
});

const yamlFor = (cluster: string[], user: string[]) =>
  [
    'clusters:',
    '- name: c',
    '  cluster:',
    `    server: ${url}`,
    ...cluster.map((l) => `    ${l}`),
    'users:',
    '- name: u',
    '  user:',
    ...(user.length ? user.map((l) => `    ${l}`) : ['    {}']),
    'contexts:',
    '- {name: k, context: {cluster: c, user: u}}',
  ].join('\n');

async function get(cluster: string[], user: string[]) {
  const entry = KubeconfigService.fromString(yamlFor(cluster, user)).entry('k')!;
  expect(entry.error).toBeUndefined();
  const c = new ClusterConnection(entry);
  const r = await c.getJson<{ gitVersion: string }>('/version');
  c.dispose();
  return r;
}

describe('native credentials (no client-node)', () => {
  it('trusts certificate-authority-data and sends the bearer token', async () => {
    const r = await get([`certificate-authority-data: ${b64(cert.certPem)}`], ['token: tok-123']);
    expect(r.ok && r.value.gitVersion).toBe('v1.35.0-tls');
    expect(seen[0]!.headers.authorization).toBe('Bearer tok-123');
    expect(seen[0]!.clientCert).toBe(false);
  });

  it('trusts a certificate-authority file; an unknown CA fails; insecure-skip-tls-verify skips verification', async () => {
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, cert.certPem);
    expect((await get([`certificate-authority: ${caFile}`], ['token: t'])).ok).toBe(true);
    const other = createSandboxCert('someone-else');
    const bad = await get([`certificate-authority-data: ${b64(other.certPem)}`], ['token: t']);
    expect(bad.ok).toBe(false);
    expect((await get(['insecure-skip-tls-verify: true'], ['token: t'])).ok).toBe(true);
  });

  it('tls-server-name is used to verify the server certificate', async () => {
    const r = await get([`certificate-authority-data: ${b64(cert.certPem)}`, 'tls-server-name: localhost'], ['token: t']);
    expect(r.ok).toBe(true);
    const wrong = await get([`certificate-authority-data: ${b64(cert.certPem)}`, 'tls-server-name: not-this-host.example'], ['token: t']);
    expect(wrong.ok).toBe(false);
  });

  it('presents a client certificate from data or from files', async () => {
    expect(
      (
        await get(
          [`certificate-authority-data: ${b64(cert.certPem)}`],
          [`client-certificate-data: ${b64(cert.certPem)}`, `client-key-data: ${b64(cert.keyPem)}`],
        )
      ).ok,
    ).toBe(true);
    expect(seen.at(-1)!.clientCert).toBe(true);
    const certFile = path.join(dir, 'client.crt');
    const keyFile = path.join(dir, 'client.key');
    fs.writeFileSync(certFile, cert.certPem);
    fs.writeFileSync(keyFile, cert.keyPem);
    expect(
      (await get([`certificate-authority-data: ${b64(cert.certPem)}`], [`client-certificate: ${certFile}`, `client-key: ${keyFile}`])).ok,
    ).toBe(true);
    expect(seen.at(-1)!.clientCert).toBe(true);
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('reads tokenFile; a token wins over it', async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'from-file\n');
    await get(['insecure-skip-tls-verify: true'], [`tokenFile: ${tokenFile}`]);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer from-file');
    await get(['insecure-skip-tls-verify: true'], [`tokenFile: ${tokenFile}`, 'token: inline']);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer inline');
  });

  it('sends basic auth for username/password', async () => {
    await get(['insecure-skip-tls-verify: true'], ['username: jane', 'password: s3cret']);
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('jane:s3cret').toString('base64')}`);
  });

  it('sends impersonation headers: as, as-uid, as-groups (one header each), as-user-extra', async () => {
    await get(
      ['insecure-skip-tls-verify: true'],
      [
        'token: t',
        'as: alice',
        'as-uid: "1234"',
        'as-groups: [devs, "system:authenticated"]',
        'as-user-extra: {scopes: [view, edit], "reason/x": [oncall]}',
      ],
    );
    const h = seen.at(-1)!;
    expect(h.headers['impersonate-user']).toBe('alice');
    expect(h.headers['impersonate-uid']).toBe('1234');
    const values = (name: string) =>
      h.rawHeaders.flatMap((v, i) => (i % 2 === 1 && h.rawHeaders[i - 1]!.toLowerCase() === name ? [v] : []));
    expect(values('impersonate-group')).toEqual(['devs', 'system:authenticated']);
    expect(values('impersonate-extra-scopes')).toEqual(['view', 'edit']);
    expect(values('impersonate-extra-reason%2fx')).toEqual(['oncall']);
  });

  it('an auth-provider user goes through client-node (loaded on demand): OIDC id-token as bearer', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'https://issuer.example', exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
    await get(
      ['insecure-skip-tls-verify: true'],
      [
        'auth-provider:',
        '  name: oidc',
        '  config:',
        `    id-token: ${idToken}`,
        '    client-id: capstan',
        '    idp-issuer-url: https://issuer.example',
        'as: bob',
      ],
    );
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${idToken}`);
    expect(seen.at(-1)!.headers['impersonate-user']).toBe('bob');
  });

  it('an unreadable client certificate file is a clear kubeconfig error naming the context', () => {
    const entry = { id: 'k', contextName: 'k', clusterName: 'c', userName: 'u', server: url, source: 'x', datacenter: 'x' } as ClusterEntry;
    const r = nativeCredentials(
      entry,
      { server: url },
      { 'client-certificate': path.join(dir, 'missing.crt'), 'client-key': path.join(dir, 'missing.key') },
    );
    expect(!r.ok && r.error).toMatchObject({ code: 'kubeconfig-invalid', clusterId: 'k' });
    expect(!r.ok && r.error.message).toContain('cannot be read (ENOENT)');
    expect(!r.ok && r.error.message).toContain('"k"');
  });
});
