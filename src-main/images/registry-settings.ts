import type { RegistryInfo, RegistryInput, RegistryUpdate } from '../../src-shared/images/contract';
import { err, ok, type AppError, type Result } from '../../src-shared/result';
import { writeSecret, type RegistryError, type SecretStore } from './http';
import type { RegistryConfig, RegistryConfigStore } from './registry-config';

/**
 * The configured registries: add, edit in place, remove, credentials and certificate consent.
 * Secrets go to the vault under `images.registry.<id>.secret` and never come back out of it here.
 * `onChanged(id)` tells the owner to drop the registry's clients and data (URL, credentials or
 * trust changed).
 */

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64) || 'registry';

const secretKeyOf = (id: string) => `images.registry.${id}.secret`;

/** Warnings shown on the registry's row. */
export function registryWarnings(r: Pick<RegistryConfig, 'url' | 'username'>): string[] {
  const out: string[] = [];
  if (r.url.startsWith('http:') && r.username)
    out.push('Credentials travel in clear: this registry is plain http. Use its https URL if it has one.');
  return out;
}

export function registryInfo(r: RegistryConfig): RegistryInfo {
  const warnings = registryWarnings(r);
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    url: r.url,
    region: r.region,
    ...(r.username ? { username: r.username } : {}),
    hasSecret: !!r.secretKey,
    ...(r.repositories ? { repositories: r.repositories } : {}),
    ...(r.projects ? { projects: r.projects } : {}),
    ...(r.include?.length ? { include: r.include } : {}),
    ...(r.exclude?.length ? { exclude: r.exclude } : {}),
    ...(r.source ? { source: true } : {}),
    ...(r.pinnedFingerprint ? { pinnedFingerprint: r.pinnedFingerprint } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

export class RegistrySettings {
  registries: RegistryConfig[] = [];
  /** Per registry: fingerprint of the untrusted certificate main last saw (what consent may pin). */
  private readonly seenCertificates = new Map<string, string>();

  constructor(
    private readonly config: RegistryConfigStore,
    private readonly secrets: SecretStore,
    private readonly onChanged: (id: string) => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async load(): Promise<void> {
    this.registries = await this.config.load();
  }

  get(id: string): Result<RegistryConfig> {
    const r = this.registries.find((x) => x.id === id);
    return r ? ok(r) : err('not-found', `No registry "${id}".`);
  }

  /** Remember the certificate a registry presented (from a tls-error), so that consent can pin it. */
  noteCertificate(id: string, e: RegistryError | AppError | undefined) {
    const fp = (e as RegistryError | undefined)?.fingerprint;
    if (e?.code === 'tls-error' && fp) this.seenCertificates.set(id, fp);
  }

  private async save() {
    await this.config.save(this.registries);
  }

  async add(input: RegistryInput): Promise<Result<RegistryInfo>> {
    const id = input.id ?? slug(input.name);
    if (this.registries.some((r) => r.id === id))
      return err('conflict', `A registry with id "${id}" exists already: edit it, or choose another name.`);
    const secretKey = input.secret ? secretKeyOf(id) : undefined;
    if (secretKey) {
      const refused = await writeSecret(this.secrets, secretKey, input.secret!);
      if (refused) return { ok: false, error: refused };
    }
    const { secret: _secret, id: _id, ...rest } = input;
    const cfg: RegistryConfig = { ...rest, id, url: input.url.replace(/\/+$/, ''), ...(secretKey ? { secretKey } : {}) };
    if (!cfg.username) delete cfg.username;
    if (cfg.source) this.clearOtherSources(id);
    this.registries.push(cfg);
    await this.save();
    this.log(`images: registry ${id} (${input.kind}, ${cfg.url}, region ${input.region}) added`);
    return ok(registryInfo(cfg));
  }

  /** One source flag at a time: the region where CI pushes. */
  private clearOtherSources(id: string) {
    for (const r of this.registries) if (r.id !== id) delete r.source;
  }

  async update(u: RegistryUpdate): Promise<Result<RegistryInfo>> {
    const found = this.get(u.registryId);
    if (!found.ok) return found;
    const r = found.value;
    const next: RegistryConfig = { ...r };
    if (u.name !== undefined) next.name = u.name;
    if (u.url !== undefined) next.url = u.url.replace(/\/+$/, '');
    if (u.region !== undefined) next.region = u.region;
    for (const k of ['repositories', 'projects', 'include', 'exclude'] as const) {
      const v = u[k];
      if (v === undefined) continue;
      if (v.length) next[k] = v;
      else delete next[k];
    }
    if (u.source !== undefined) {
      if (u.source) next.source = true;
      else delete next.source;
    }
    // A new origin is another server: its certificate needs consent again.
    const originChanged = new URL(next.url).origin !== new URL(r.url).origin;
    if (originChanged) {
      delete next.pinnedFingerprint;
      this.seenCertificates.delete(r.id);
    }
    if (u.username !== undefined) {
      if (u.username) next.username = u.username;
      else delete next.username;
    }
    if (u.secret !== undefined && next.username) {
      const key = secretKeyOf(r.id);
      const refused = await writeSecret(this.secrets, key, u.secret);
      if (refused) return { ok: false, error: refused };
      next.secretKey = key;
    }
    if (!next.username && next.secretKey) {
      await this.secrets.delete?.(next.secretKey);
      delete next.secretKey;
    }
    Object.assign(r, next);
    for (const k of Object.keys(r) as (keyof RegistryConfig)[]) if (!(k in next)) delete r[k];
    if (r.source) this.clearOtherSources(r.id);
    await this.save();
    this.onChanged(r.id);
    this.log(`images: registry ${r.id} edited${originChanged ? ` (now ${r.url})` : ''}`);
    return ok(registryInfo(r));
  }

  async remove(id: string): Promise<Result<null>> {
    const found = this.get(id);
    if (!found.ok) return found;
    this.registries = this.registries.filter((x) => x.id !== id);
    if (found.value.secretKey) await this.secrets.delete?.(found.value.secretKey);
    this.seenCertificates.delete(id);
    await this.save();
    this.onChanged(id);
    return ok(null);
  }

  /** New credentials after a 401. An empty username means anonymous access (the secret is dropped). */
  setCredentials(id: string, username: string | undefined, secret: string | undefined): Promise<Result<RegistryInfo>> {
    return this.update({ registryId: id, ...(username !== undefined ? { username } : {}), ...(secret !== undefined ? { secret } : {}) });
  }

  /**
   * Explicit consent: trust a self-signed certificate for this registry only. Only the certificate
   * main itself was shown by this registry (its last tls-error) can be trusted: a fingerprint
   * typed or forged by the page is refused, so consent is bound to what the user saw.
   */
  async trust(id: string, fingerprint: string | undefined): Promise<Result<RegistryInfo>> {
    const found = this.get(id);
    if (!found.ok) return found;
    const r = found.value;
    if (fingerprint) {
      const seen = this.seenCertificates.get(id);
      if (!seen)
        return err(
          'invalid-payload',
          `${r.name} has not presented an untrusted certificate: test the registry first, then trust the fingerprint it shows.`,
        );
      if (seen !== fingerprint)
        return err(
          'invalid-payload',
          `That is not the certificate ${r.name} presented (${seen}): test the registry again and compare the fingerprint with your administrators.`,
        );
      r.pinnedFingerprint = fingerprint;
    } else delete r.pinnedFingerprint;
    await this.save();
    this.onChanged(id);
    this.log(`images: registry ${id} ${fingerprint ? `trusts certificate ${fingerprint}` : 'no longer trusts a pinned certificate'}`);
    return ok(registryInfo(r));
  }
}
