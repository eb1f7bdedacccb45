import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarborClient } from '../../src-main/images/harbor-client';
import { ImageSyncService } from '../../src-main/images/image-sync-service';
import { MemoryRegistryConfigStore } from '../../src-main/images/registry-config';
import { OciClient } from '../../src-main/images/oci-client';
import { startHarbor, type SandboxHarbor } from '../../src-sandbox/harbor';
import { selfSignedCert, tempDir } from '../fixtures/oci/registry';

/** A Harbor with a self-signed certificate: tls-error with the fingerprint, trusted only once pinned. */

let tmp: ReturnType<typeof tempDir>;
let harbor: SandboxHarbor;
let fingerprint: string;
let otherFingerprint: string;

beforeAll(async () => {
  tmp = tempDir('capstan-tls-');
  const a = await selfSignedCert(tmp.dir, 'harbor-tls');
  const b = await selfSignedCert(tmp.dir, 'impostor');
  fingerprint = a.fingerprint;
  otherFingerprint = b.fingerprint;
  harbor = await startHarbor({
    name: 'harbor-tls',
    region: 'north',
    tls: { key: a.key, cert: a.cert },
    projects: [{ name: 'library', repositories: { app: ['1.0'] } }],
  });
});
afterAll(async () => {
  await harbor?.close();
  tmp?.cleanup();
});

describe('self-signed TLS', () => {
  it('refuses with a tls-error naming the SHA-256 fingerprint, before sending credentials', async () => {
    const c = new HarborClient({ registryName: 'harbor-tls', url: harbor.url, username: 'admin', secret: () => 'Harbor12345', retries: 0 });
    const before = harbor.stats.requests;
    const r = await c.health();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('tls-error');
    expect(r.error.fingerprint).toBe(fingerprint);
    expect(r.error.message).toContain('self-signed');
    expect(r.error.message).toContain(fingerprint);
    expect(harbor.stats.requests).toBe(before); // no HTTP request reached the server
    c.close();
  });

  it('trusts it after consent (pinned fingerprint), for Harbor API and OCI', async () => {
    const c = new HarborClient({
      registryName: 'harbor-tls',
      url: harbor.url,
      username: 'admin',
      secret: () => 'Harbor12345',
      pinnedFingerprint: fingerprint,
    });
    const h = await c.health();
    expect(h.ok && h.value.status).toBe('healthy');
    const oci = new OciClient({
      registryName: 'harbor-tls',
      url: harbor.url,
      username: 'admin',
      secret: () => 'Harbor12345',
      pinnedFingerprint: fingerprint,
    });
    const d = await oci.getDigest('library/app', '1.0');
    expect(d.ok && d.value?.digest).toMatch(/^sha256:/);
    c.close();
    oci.close();
  });

  it('a pin for another certificate does not trust this one', async () => {
    const c = new HarborClient({ registryName: 'harbor-tls', url: harbor.url, pinnedFingerprint: otherFingerprint, retries: 0 });
    const r = await c.health();
    expect(!r.ok && r.error.code).toBe('tls-error');
    expect(!r.ok && r.error.message).toContain('not the certificate you trusted before');
    c.close();
  });

  it('ImageSyncService: the health check offers the fingerprint; consent is stored per registry', async () => {
    const config = new MemoryRegistryConfigStore();
    const secrets = new Map<string, string>();
    const svc = new ImageSyncService({
      secrets: { get: (k) => secrets.get(k), put: (k, v) => void secrets.set(k, v) },
      config,
      retries: 0,
    });
    await svc.init();
    await svc.addRegistry({
      name: 'harbor-tls',
      kind: 'harbor',
      url: harbor.url,
      region: 'north',
      username: 'admin',
      secret: 'Harbor12345',
    });
    await svc.addRegistry({ name: 'other', kind: 'harbor', url: harbor.url, region: 'south', username: 'admin', secret: 'Harbor12345' });
    // Consent is bound to the certificate main saw: nothing seen yet, nothing can be trusted.
    const early = await svc.trustCertificate('harbor-tls', fingerprint);
    expect(!early.ok && early.error.code).toBe('invalid-payload');
    const before = await svc.testRegistry('harbor-tls');
    expect(before.ok && before.value).toMatchObject({
      reachable: false,
      certificateFingerprint: fingerprint,
      error: { code: 'tls-error' },
    });
    expect(JSON.stringify(before)).not.toContain('Harbor12345');
    // A well-formed fingerprint of another certificate (a forged consent from the page) is refused.
    const forged = await svc.trustCertificate('harbor-tls', otherFingerprint);
    expect(!forged.ok && forged.error.message).toContain('not the certificate');
    expect(config.load().find((r) => r.id === 'harbor-tls')?.pinnedFingerprint).toBeUndefined();
    // What one registry showed is no consent for another.
    expect((await svc.trustCertificate('other', fingerprint)).ok).toBe(false);
    const trusted = await svc.trustCertificate('harbor-tls', fingerprint);
    expect(trusted.ok && trusted.value.pinnedFingerprint).toBe(fingerprint);
    expect(config.load().find((r) => r.id === 'harbor-tls')?.pinnedFingerprint).toBe(fingerprint);
    const after = await svc.testRegistry('harbor-tls');
    expect(after.ok && after.value).toMatchObject({ reachable: true, status: 'healthy', credentialsOk: true });
    // Consent is per registry: the other entry (same server) is still refused.
    const other = await svc.testRegistry('other');
    expect(other.ok && other.value.error?.code).toBe('tls-error');
    svc.dispose();
  });
});
