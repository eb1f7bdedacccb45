import type { ImagePresence } from '../../src-shared/images/contract';
import { parseImageRef } from '../../src-shared/base/image-ref';
import { err, ok, type AppError, type Result } from '../../src-shared/result';
import type { RegistryConfig } from './registry-config';

/**
 * The release planner's question: is `image` present in every region listed, with the digest
 * asked for? Without a digest, the source region's digest is the one every region must have, so
 * the planner's messages blame the region that differs from the source, never an arbitrary one.
 */

export interface PresenceDeps {
  registries: RegistryConfig[];
  sourceRegion: string | undefined;
  /** Digest of `repository:reference` in one registry (undefined when absent). */
  lookup: (r: RegistryConfig, repository: string, reference: string) => Promise<Result<string | undefined>>;
}

async function digestIn(deps: PresenceDeps, region: string, repository: string, reference: string): Promise<string | undefined> {
  for (const r of deps.registries.filter((x) => x.region === region)) {
    const d = await deps.lookup(r, repository, reference);
    if (d.ok && d.value) return d.value;
  }
  return undefined;
}

export async function checkPresence(
  deps: PresenceDeps,
  image: string,
  digest: string | undefined,
  regions: string[],
): Promise<Result<ImagePresence>> {
  const ref = parseImageRef(image);
  if (!ref) return err('invalid-payload', `"${image}" is not an image reference (repository[:tag][@digest]).`);
  const reference = ref.tag ?? ref.digest ?? digest ?? 'latest';
  const source = deps.sourceRegion;
  let wanted = digest ?? ref.digest;
  let fromSource = false;
  if (!wanted && source && regions.includes(source)) {
    wanted = await digestIn(deps, source, ref.repository, reference);
    fromSource = wanted !== undefined;
  }
  const out = await Promise.all(
    regions.map(async (region) => {
      const regs = deps.registries.filter((r) => r.region === region);
      if (regs.length === 0)
        return {
          region,
          present: false,
          mismatch: false,
          error: { code: 'not-found' as const, message: `No registry is configured for region ${region}: add one.` },
        };
      let lastError: AppError | undefined;
      for (const r of regs) {
        const d = await deps.lookup(r, ref.repository, reference);
        if (!d.ok) {
          lastError = d.error;
          continue;
        }
        if (d.value) {
          const mismatch = wanted !== undefined && d.value !== wanted;
          const blame =
            mismatch && fromSource
              ? {
                  error: {
                    code: 'conflict' as const,
                    message: `${region} holds another digest than the source region ${source}: copy the image from ${source} again.`,
                  },
                }
              : {};
          return { region, present: true, digest: d.value, mismatch, ...blame };
        }
        lastError = undefined;
      }
      return { region, present: false, mismatch: false, ...(lastError ? { error: lastError } : {}) };
    }),
  );
  return ok({ image, ...(wanted ? { digest: wanted } : {}), allPresent: out.every((x) => x.present && !x.mismatch), regions: out });
}
