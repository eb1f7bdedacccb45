import type { ImageLineage, LineageReport } from '../../src-shared/images/contract';
import { manifestMediaTypes } from '../../src-shared/images/registry-api';
import { ok } from '../../src-shared/result';
import type { RegistryResult } from './http';
import type { JsonDocument, OciClient } from './oci-client';

/**
 * Where an image comes from, as far as its registry says: the base image annotations
 * (`org.opencontainers.image.base.name` / `.base.digest`, on the manifest or the index) and the
 * image config's history (the build steps, base image steps first). Manifests and configs are
 * content-addressed, so what was read once for a digest is kept.
 */

export const baseNameKey = 'org.opencontainers.image.base.name';
export const baseDigestKey = 'org.opencontainers.image.base.digest';

type Lineage = Omit<ImageLineage, 'region' | 'registryId' | 'repository' | 'tag'>;

const annotationsOf = (doc: JsonDocument | undefined): Record<string, string> => {
  const a = doc?.json.annotations;
  return a && typeof a === 'object' ? (a as Record<string, string>) : {};
};

/** An index: the linux/amd64 entry, else the first. */
function pickFromIndex(index: JsonDocument): string | undefined {
  const list = Array.isArray(index.json.manifests)
    ? (index.json.manifests as { digest?: string; platform?: { os?: string; architecture?: string } }[])
    : [];
  return (list.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? list[0])?.digest;
}

export class LineageReader {
  private readonly byDigest = new Map<string, Lineage>();

  async read(client: OciClient, repository: string, tag: string): Promise<RegistryResult<Lineage | undefined>> {
    let top = await client.getManifest(repository, tag);
    if (!top.ok) return top;
    if (!top.value) return ok(undefined);
    const cached = this.byDigest.get(top.value.digest);
    if (cached) return ok(cached);
    const digest = top.value.digest;
    const indexAnnotations = annotationsOf(top.value);
    if (top.value.mediaType === manifestMediaTypes.ociIndex || top.value.mediaType === manifestMediaTypes.dockerList) {
      const child = pickFromIndex(top.value);
      if (!child) return ok({ digest, history: [] });
      top = await client.getManifest(repository, child, `${manifestMediaTypes.ociManifest}, ${manifestMediaTypes.dockerV2}`);
      if (!top.ok) return top;
      if (!top.value) return ok({ digest, history: [] });
    }
    const annotations = { ...indexAnnotations, ...annotationsOf(top.value) };
    const configDigest = (top.value.json.config as { digest?: string } | undefined)?.digest;
    let history: string[] = [];
    if (configDigest) {
      const config = await client.getJsonBlob(repository, configDigest);
      if (!config.ok) return config;
      const h = Array.isArray(config.value.json.history)
        ? (config.value.json.history as { created_by?: string; empty_layer?: boolean }[])
        : [];
      history = h
        .map((x) => (x.created_by ?? '').slice(0, 300))
        .filter(Boolean)
        .slice(0, 100);
    }
    const lineage: Lineage = {
      digest,
      ...(annotations[baseNameKey] ? { baseName: annotations[baseNameKey] } : {}),
      ...(annotations[baseDigestKey] ? { baseDigest: annotations[baseDigestKey] } : {}),
      history,
    };
    this.byDigest.set(digest, lineage);
    return ok(lineage);
  }
}

/** Group images by base (name, then digest; most images first), in a stable order. */
export function lineageReport(found: ImageLineage[], errors: LineageReport['errors']): LineageReport {
  const order = (a: ImageLineage, b: ImageLineage) =>
    a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag) || a.region.localeCompare(b.region);
  const groups = new Map<string, LineageReport['bases'][number]>();
  for (const l of found.filter((x) => x.baseName || x.baseDigest)) {
    const key = `${l.baseName ?? ''}@${l.baseDigest ?? ''}`;
    const g = groups.get(key) ?? {
      ...(l.baseName ? { baseName: l.baseName } : {}),
      ...(l.baseDigest ? { baseDigest: l.baseDigest } : {}),
      images: [],
    };
    g.images.push(l);
    groups.set(key, g);
  }
  const bases = [...groups.values()].sort(
    (a, b) =>
      (a.baseName ?? '').localeCompare(b.baseName ?? '') ||
      b.images.length - a.images.length ||
      (a.baseDigest ?? '').localeCompare(b.baseDigest ?? ''),
  );
  for (const g of bases) g.images.sort(order);
  return { bases, unannotated: found.filter((x) => !x.baseName && !x.baseDigest).sort(order), errors };
}
