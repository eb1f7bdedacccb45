/**
 * Questions asked of the registries directly (not of the last snapshot): which base image an
 * image is built on, in every region (lineage), and whether an image is present in the regions a
 * release needs (presence, for the planner). Registries are asked with bounded concurrency.
 */
import type { ImageLineage, ImagePresence, LineageReport } from '../../src-shared/images/contract';
import { splitRepository } from '../../src-shared/images/registry-api';
import { parseImageRef } from '../../src-shared/base/image-ref';
import { ok, type Result } from '../../src-shared/result';
import { createLimiter } from './http';
import { LineageReader, lineageReport } from './lineage';
import { checkPresence } from './presence';
import type { RegistryConfig } from './registry-config';
import { strip, type RegistryClients } from './registry-clients';

export interface ImageLookupDeps {
  registries: () => RegistryConfig[];
  clients: RegistryClients;
  /** What the connected clusters run and saved plans target (the default images of lineage). */
  contextImages: () => string[];
  /** The region images are pushed to first, for presence without a digest. */
  sourceRegion: () => string | undefined;
  concurrency: number;
}

export class ImageLookups {
  private readonly lineageReader = new LineageReader();

  constructor(private readonly deps: ImageLookupDeps) {}

  /** The digest of `repository:reference` in one registry (undefined when it does not have it). */
  private async lookup(r: RegistryConfig, repository: string, reference: string): Promise<Result<string | undefined>> {
    const c = this.deps.clients.for(r);
    if (c.harbor) {
      const { project, repository: repo } = splitRepository(repository);
      const a = await c.harbor.getArtifact(project, repo, reference);
      return a.ok ? ok(a.value?.digest) : { ok: false, error: strip(a.error) };
    }
    const d = await c.oci.getDigest(repository, reference);
    return d.ok ? ok(d.value?.digest) : { ok: false, error: strip(d.error) };
  }

  /**
   * Which images run on which base image, in every region's registry: `images` (default: what the
   * connected clusters run and saved plans target). Registries are asked with bounded concurrency.
   */
  async lineage(images?: string[]): Promise<Result<LineageReport>> {
    const refs = [...new Set(images ?? this.deps.contextImages())]
      .map((i) => parseImageRef(i))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({ repository: r.repository, tag: r.tag ?? r.digest ?? 'latest' }));
    const unique = [...new Map(refs.map((r) => [`${r.repository}:${r.tag}`, r])).values()];
    const limit = createLimiter(this.deps.concurrency);
    const found: ImageLineage[] = [];
    const errors: LineageReport['errors'] = [];
    await Promise.all(
      this.deps.registries().flatMap((reg) =>
        unique.map((ref) =>
          limit(async () => {
            const l = await this.lineageReader.read(this.deps.clients.for(reg).oci, ref.repository, ref.tag);
            if (!l.ok) errors.push({ registryId: reg.id, image: `${ref.repository}:${ref.tag}`, error: strip(l.error) });
            else if (l.value) found.push({ ...l.value, repository: ref.repository, tag: ref.tag, region: reg.region, registryId: reg.id });
          }),
        ),
      ),
    );
    return ok(lineageReport(found, errors));
  }

  /**
   * For the release planner: is `image` (with `digest`, when given; else the source region's
   * digest) present in every region listed? Asks the registries directly (not the last snapshot).
   */
  checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>> {
    return checkPresence(
      { registries: this.deps.registries(), sourceRegion: this.deps.sourceRegion(), lookup: (r, repo, ref) => this.lookup(r, repo, ref) },
      image,
      digest,
      regions,
    );
  }
}
