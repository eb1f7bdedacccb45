import type { TagObservation } from '../../src-shared/images/matrix';
import type { AppError } from '../../src-shared/result';
import type { Discovered } from './discovery';
import { createLimiter } from './http';
import type { OciClient } from './oci-client';
import { emptySnapshot, type RegistrySnapshot, type SnapshotOptions } from './registry-snapshot';

/**
 * A plain OCI registry's snapshot at a cost proportional to change. Every refresh lists the tags of
 * every followed repository (one request each, repositories read with bounded concurrency); a
 * manifest HEAD is sent only for a tag not seen before, plus a slow rotating revalidation of known
 * tags (oldest check first, a few per refresh), since a tag can be re-pushed with another digest
 * and a tags list does not say so. The first refresh reads every digest.
 */

export interface OciSnapshotOptions extends SnapshotOptions {
  /** Known tags re-read per refresh, as a fraction of the repositories (default 0.15). */
  revalidateFraction?: number;
  /** A known tag is re-read no sooner than this after its last read (default 10 min). */
  revalidateAfterMs?: number;
  /** Tags of these `repository:tag` keys (used by clusters and plans) are revalidated first. */
  priority?: Set<string>;
}

export async function fetchOciSnapshot(client: OciClient, found: Discovered, o: OciSnapshotOptions): Promise<RegistrySnapshot> {
  const start = client.requests;
  const snap = emptySnapshot(
    o.registryId,
    o.region,
    o.now,
    { mode: found.mode, ...(found.note ? { note: found.note } : {}) },
    found.follow,
  );
  snap.sources = found.repositories;
  const budget = Math.ceil(found.repositories.size * (o.revalidateFraction ?? 0.15));
  // Catalog page(s), one tags list per repository, at most `budget` revalidations.
  snap.steadyRequests = 1 + found.repositories.size + budget;
  const finish = (error?: AppError) => {
    if (error) snap.error = error;
    snap.requests = client.requests - start;
    return snap;
  };
  if (found.error) return finish(found.error);

  const previous = new Map<string, TagObservation>();
  for (const t of o.previous?.tags ?? []) previous.set(`${t.repository}:${t.tag}`, t);
  const limit = createLimiter(o.concurrency);
  const known: { key: string; repository: string; tag: string; checkedAt: number }[] = [];
  const observe = async (repository: string, tag: string): Promise<AppError | undefined> => {
    const d = await client.getDigest(repository, tag);
    if (!d.ok) return d.error;
    snap.checkedAt.set(`${repository}:${tag}`, o.now);
    if (d.value) snap.tags.push({ region: o.region, repository, tag, digest: d.value.digest });
    return undefined;
  };

  const listed = await Promise.all(
    [...found.repositories.keys()].map((repository) =>
      limit(async (): Promise<AppError | undefined> => {
        const list = await client.listTags(repository);
        if (!list.ok) return list.error;
        const fresh: string[] = [];
        for (const tag of list.value.tags) {
          const key = `${repository}:${tag}`;
          const prev = previous.get(key);
          if (!prev) {
            fresh.push(tag);
            continue;
          }
          snap.tags.push(prev);
          const checkedAt = o.previous?.checkedAt.get(key) ?? o.previous?.fetchedAt ?? 0;
          snap.checkedAt.set(key, checkedAt);
          known.push({ key, repository, tag, checkedAt });
        }
        // New tags are read right away (their HEADs share the same limiter as the lists).
        const errors = await Promise.all(fresh.map((tag) => observe(repository, tag)));
        return errors.find((e) => e !== undefined);
      }),
    ),
  );
  const listError = listed.find((e) => e !== undefined);
  if (listError) return finish(listError);

  // Rotating revalidation: the known tags read longest ago (priority images first), a few per refresh.
  const after = o.revalidateAfterMs ?? 600_000;
  const due = known
    .filter((k) => o.now - k.checkedAt >= after)
    .sort((a, b) => Number(o.priority?.has(b.key) ?? 0) - Number(o.priority?.has(a.key) ?? 0) || a.checkedAt - b.checkedAt)
    .slice(0, budget);
  if (due.length) {
    const dueKeys = new Set(due.map((k) => k.key));
    snap.tags = snap.tags.filter((t) => !dueKeys.has(`${t.repository}:${t.tag}`));
    const errors = await Promise.all(due.map((k) => limit(() => observe(k.repository, k.tag))));
    const e = errors.find((x) => x !== undefined);
    if (e) return finish(e);
  }
  return finish();
}
