import { matchesPatterns, type FollowRule, type RepositorySource } from '../../src-shared/images/follow';
import { imageHost, parseImageRef } from '../../src-shared/base/image-ref';
import type { AppError } from '../../src-shared/result';
import type { OciClient } from './oci-client';

/**
 * What a plain OCI registry's snapshot looks at. The catalog (`/v2/_catalog`, paged) narrowed by
 * include/exclude patterns, plus the repositories the user named. Where the registry refuses its
 * catalog (401/403, or 404 where it is switched off), the registry follows only the repositories
 * named by the user, run by the connected clusters and targeted by saved plans; the rule says so,
 * so that every other repository is "not followed" in its column rather than "missing".
 */

export interface DiscoveryInput {
  /** With credentials, a 401 means they are wrong (an error), not that the catalog is refused. */
  hasCredentials: boolean;
  include?: string[];
  exclude?: string[];
  /** Repositories the user named for this registry. */
  named: string[];
  /** Repositories of images the connected clusters run (already narrowed to known registry hosts). */
  cluster: string[];
  /** Repositories of images saved plans target. */
  plan: string[];
}

export interface Discovered {
  repositories: Map<string, RepositorySource[]>;
  follow: FollowRule;
  mode: 'catalog' | 'listed';
  /** Why the registry follows a list (catalog refused), in words. */
  note?: string;
  /** The registry could not be read at all (its region becomes unknown). */
  error?: AppError;
}

export async function discoverOciRepositories(client: OciClient, d: DiscoveryInput, pageSize = 1000): Promise<Discovered> {
  const patterns = { ...(d.include?.length ? { include: d.include } : {}), ...(d.exclude?.length ? { exclude: d.exclude } : {}) };
  const repositories = new Map<string, RepositorySource[]>();
  const add = (repo: string, source: RepositorySource) => {
    if (!matchesPatterns(patterns, repo)) return;
    const list = repositories.get(repo) ?? [];
    if (!list.includes(source)) list.push(source);
    repositories.set(repo, list);
  };
  const catalog = await client.listCatalog(pageSize);
  if (catalog.ok) {
    for (const r of catalog.value.repositories) add(r, 'catalog');
    for (const r of d.named) add(r, 'named');
    return { repositories, follow: patterns, mode: 'catalog' };
  }
  const code = catalog.error.code;
  const refused = code === 'registry-forbidden' || code === 'not-found' || (code === 'registry-unauthorized' && !d.hasCredentials);
  if (!refused) return { repositories, follow: patterns, mode: 'catalog', error: catalog.error };
  for (const r of d.named) add(r, 'named');
  for (const r of d.cluster) add(r, 'cluster');
  for (const r of d.plan) add(r, 'plan');
  return {
    repositories,
    follow: { ...patterns, only: [...repositories.keys()] },
    mode: 'listed',
    note: `The catalog was refused (${catalog.error.message}) so this registry follows ${repositories.size} repositories: those you named, those the connected clusters run and those saved plans target.`,
  };
}

/**
 * Repositories of `images` that may live in these registries: images without a host, or whose
 * host is one of the configured registries' (clusters in each region pull from their own region's
 * registry under the same repository path).
 */
export function repositoriesOf(images: Iterable<string>, hosts: Set<string>): string[] {
  const out = new Set<string>();
  for (const image of images) {
    const host = imageHost(image);
    if (host && !hosts.has(host)) continue;
    const ref = parseImageRef(image);
    if (ref) out.add(ref.repository);
  }
  return [...out];
}
