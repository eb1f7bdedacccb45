/**
 * One registry's health as the Registries panel shows it: reachable or not (and why), Harbor's
 * own component health and version, and whether the credentials were accepted, refused, or
 * withheld (an OCI registry whose token service is on another host never gets them). An untrusted
 * certificate is reported with its fingerprint so that the user can be asked to trust it.
 */
import type { RegistryHealth } from '../../src-shared/images/contract';
import type { RegistryError } from './http';
import type { RegistryConfig } from './registry-config';
import { strip, type Clients } from './registry-clients';

export async function checkHealth(
  cfg: RegistryConfig,
  c: Clients,
  now: number,
  noteCertificate: (e: RegistryError) => void,
): Promise<RegistryHealth> {
  const base: RegistryHealth = { registryId: cfg.id, checkedAt: now, reachable: false, components: [] };
  const fail = (e: RegistryError, authState?: string): RegistryHealth => {
    noteCertificate(e);
    return {
      ...base,
      reachable: e.code !== 'unavailable' && e.code !== 'timeout' && e.code !== 'tls-error',
      error: strip(e),
      ...(e.fingerprint ? { certificateFingerprint: e.fingerprint } : {}),
      ...(authState ? { authState } : e.code === 'registry-unauthorized' ? { credentialsOk: false } : {}),
    };
  };
  if (c.harbor) {
    const [health, info] = await Promise.all([c.harbor.health(), c.harbor.systemInfo()]);
    if (!health.ok) return fail(health.error);
    const creds = cfg.username ? await c.harbor.checkCredentials() : undefined;
    return {
      ...base,
      reachable: true,
      status: health.value.status,
      components: (health.value.components ?? []).map((x) => ({ name: x.name, status: x.status, ...(x.error ? { error: x.error } : {}) })),
      ...(info.ok && info.value.harbor_version ? { version: info.value.harbor_version } : {}),
      ...(creds?.ok ? { credentialsOk: creds.value } : {}),
      ...(creds && !creds.ok ? { error: strip(creds.error) } : {}),
    };
  }
  const ping = await c.oci.ping();
  if (!ping.ok) return fail(ping.error, c.oci.credentialsWithheld);
  // Credentials were used only if the registry asked for them, and only on its own origin.
  const withheld = ping.value.credentialsWithheld;
  if (cfg.username && withheld) return { ...base, reachable: true, status: 'healthy', components: [], authState: withheld };
  return {
    ...base,
    reachable: true,
    status: 'healthy',
    components: [],
    ...(cfg.username && ping.value.authScheme !== 'none' ? { credentialsOk: true } : {}),
  };
}
