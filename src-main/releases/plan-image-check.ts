/**
 * The planner's image check: is the plan's target image, with its digest, in the
 * registry of every region the plan's groups pull from? The images feature's `checkImagePresent`
 * asks the registries directly; it is called per region, so that a slow or dead registry leaves
 * the other regions' answers alone.
 *
 * Which region a group pulls from: see src-shared/releases/image-regions.ts (the image's registry
 * host, else the registry whose region is the group's datacenter).
 *
 * The planner checks as the person types and must work offline, so answers are shared and kept
 * for `cacheMs`, and a check waits at most `budgetMs` for the registries: what has not answered by
 * then is reported as pending (the planner asks again) and the answer is kept when it lands.
 * Missing images and differing digests are errors (the release would stop at ImagePullBackOff or
 * run different builds per region); a registry that cannot be asked is a warning, never a blocker.
 */
import type { ImagePresence } from '../../src-shared/images/contract';
import type { CheckIssue, ImageCheckRow, PlanCheck } from '../../src-shared/releases/contract';
import { imageHost, pullSourceOf, type RegistryRegion } from '../../src-shared/releases/image-regions';
import { imageName, splitRegistry } from '../../src-shared/base/image-ref';
import type { Result } from '../../src-shared/result';

export interface ImagePresenceSource {
  listRegistries(): Promise<RegistryRegion[]> | RegistryRegion[];
  checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>>;
}

export interface PlanImageCheckOptions {
  /** Longest a check waits for the registries (default 3 s). */
  budgetMs?: number;
  /** How long an answer is reused (default 15 s). */
  cacheMs?: number;
  now?: () => number;
}

interface Answer {
  at: number;
  result: Result<ImagePresence>;
}

interface Entry {
  startedAt: number;
  promise: Promise<Answer>;
  answer?: Answer;
}

/** The promise's value, or undefined if it takes longer than `ms` (0 or less: only if already settled). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Want {
  image: string;
  region?: string;
  registryId?: string;
  host?: string;
  groups: string[];
  datacenters: string[];
}

/** `harbor-east.example.com/shop/orders:1.5.0` → `shop/orders:1.5.0` (each region's registry has its own host). */
export function withoutHost(image: string): string {
  const repo = imageName(image);
  return splitRegistry(repo).path + image.slice(repo.length);
}

const short = (digest: string | undefined) => (digest ? digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…') : '?');
const addUnique = (list: string[], v: string) => void (list.includes(v) || list.push(v));

export class PlanImageCheck {
  private readonly cache = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly source: ImagePresenceSource,
    private readonly opts: PlanImageCheckOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The check with image presence rows and findings; unchanged when no registry is configured or nothing resolved. */
  async apply(check: PlanCheck): Promise<PlanCheck> {
    const groups = check.stages.flatMap((s) => s.groups);
    if (groups.length === 0) return check;
    const registries = await this.source.listRegistries();
    if (registries.length === 0) return check;

    const wants = new Map<string, Want>();
    for (const g of groups) {
      const image = withoutHost(g.toImage);
      const src = pullSourceOf(g.toImage, g.datacenter, registries);
      const key = `${image}\u0000${src ? `r:${src.region}` : `d:${g.datacenter}`}`;
      let w = wants.get(key);
      if (!w) {
        const host = imageHost(g.toImage);
        w = {
          image,
          ...(src ? { region: src.region, registryId: src.registryId } : {}),
          ...(host ? { host } : {}),
          groups: [],
          datacenters: [],
        };
        wants.set(key, w);
      }
      addUnique(w.groups, g.key);
      addUnique(w.datacenters, g.datacenter);
    }
    // The budget counts from when a question was first asked: while the registries are still
    // thinking, later checks (the person typing on) answer at once with what is known.
    const budgetMs = this.opts.budgetMs ?? 3000;
    const answers = new Map<Want, Answer | undefined>();
    await Promise.all(
      [...wants.values()]
        .filter((w) => w.region)
        .map(async (w) => {
          const e = this.lookup(w.image, w.region!);
          answers.set(w, e.answer ?? (await within(e.promise, budgetMs - (this.now() - e.startedAt))));
        }),
    );

    const rows: ImageCheckRow[] = [];
    const issues: CheckIssue[] = [];
    for (const w of wants.values()) rows.push(this.row(w, answers.get(w), budgetMs));
    for (const row of rows)
      if (row.state !== 'present')
        issues.push({
          severity: row.state === 'missing' || row.state === 'digest-differs' ? 'error' : 'warning',
          path: 'image',
          message: row.message,
        });
    // After the per-row findings: it turns rows that were present into digest-differs.
    issues.push(...disagreements(rows));

    const used = [...answers.values()].filter((a): a is Answer => a !== undefined);
    const pending = [...answers.values()].some((a) => a === undefined);
    return {
      ...check,
      ok: check.ok && !issues.some((i) => i.severity === 'error'),
      issues: [...check.issues, ...issues],
      images: { ...(used.length ? { checkedAt: Math.min(...used.map((a) => a.at)) } : {}), pending, rows },
    };
  }

  private row(w: Want, answer: Answer | undefined, budgetMs: number): ImageCheckRow {
    const base = {
      image: w.image,
      groups: w.groups,
      datacenters: w.datacenters,
      ...(w.region ? { region: w.region } : {}),
      ...(w.registryId ? { registryId: w.registryId } : {}),
    };
    const who = w.groups.length === 1 ? w.groups[0] : `${w.groups.length} groups (${w.groups.join(', ')})`;
    if (!w.region) {
      const dcs = w.datacenters.join(', ');
      return {
        ...base,
        state: 'no-registry',
        message: `Cannot tell which registry ${who} pulls ${w.image} from: no registry's URL or name matches ${w.host ?? 'the image (it names no registry host)'} and none serves region ${dcs}. Set that registry's region to ${dcs} (Images → Registries) to have it checked.`,
      };
    }
    const where = `region ${w.region} (${w.registryId})`;
    if (!answer)
      return {
        ...base,
        state: 'unknown',
        message: `${where} has not answered within ${budgetMs >= 1000 ? `${Math.round(budgetMs / 1000)} s` : `${budgetMs} ms`}: cannot tell yet whether ${w.image} is there. The planner asks again; offline, check before starting the release.`,
      };
    if (!answer.result.ok)
      return { ...base, state: 'unknown', message: `Cannot tell whether ${w.image} is in ${where}: ${answer.result.error.message}` };
    const r = answer.result.value.regions.find((x) => x.region === w.region);
    if (!r || (!r.present && r.error))
      return {
        ...base,
        state: 'unknown',
        message: `Registry unreachable, cannot tell whether ${w.image} is in ${where}: ${r?.error?.message ?? 'no answer'} Check again when the registry is reachable; a missing image would stop the release at ImagePullBackOff.`,
      };
    if (!r.present)
      return {
        ...base,
        state: 'missing',
        message: `${w.image} is missing in ${where}, which ${who} pulls from: the release would stop there at ImagePullBackOff. Push it, or replicate it from the source region (Images view), then check again.`,
      };
    if (r.mismatch)
      return {
        ...base,
        state: 'digest-differs',
        ...(r.digest ? { digest: r.digest } : {}),
        message: `${w.image} in ${where} has digest ${short(r.digest)}, not the plan's ${short(answer.result.value.digest)}: ${who} would run another build. Replicate the right build to ${w.region} or fix image.digest in the plan.`,
      };
    return {
      ...base,
      state: 'present',
      ...(r.digest ? { digest: r.digest } : {}),
      message: `${w.image} is in ${where}${r.digest ? ` with digest ${short(r.digest)}` : ''}.`,
    };
  }

  /** One shared answer per image and region, reused for `cacheMs` after it lands. */
  private lookup(image: string, region: string): Entry {
    const now = this.now();
    const ttl = this.opts.cacheMs ?? 15_000;
    for (const [k, e] of this.cache) if (e.answer && now - e.answer.at > ttl) this.cache.delete(k);
    const key = `${image}\u0000${region}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const entry: Entry = {
      startedAt: now,
      promise: this.source.checkImagePresent(image, undefined, [region]).then(
        (result) => (entry.answer = { at: this.now(), result }),
        (e: unknown) =>
          (entry.answer = {
            at: this.now(),
            result: {
              ok: false,
              error: { code: 'internal', message: `The image check failed: ${e instanceof Error ? e.message : String(e)}.` },
            },
          }),
      ),
    };
    this.cache.set(key, entry);
    return entry;
  }
}

/**
 * The same tag with different digests in different regions (no digest pinned in the plan): the
 * groups would run different builds. One error per image; its rows are marked.
 */
function disagreements(rows: ImageCheckRow[]): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const byImage = new Map<string, ImageCheckRow[]>();
  for (const r of rows)
    if (r.state === 'present' && r.digest) (byImage.get(r.image) ?? (byImage.set(r.image, []), byImage.get(r.image)!)).push(r);
  for (const [image, present] of byImage) {
    if (new Set(present.map((r) => r.digest)).size < 2) continue;
    const list = present.map((r) => `${r.region} has ${short(r.digest)}`).join(', ');
    for (const r of present) {
      r.state = 'digest-differs';
      r.message = `${image}: the regions disagree (${list}).`;
    }
    issues.push({
      severity: 'error',
      path: 'image',
      message: `${image} has different digests per region (${list}): the same tag would run different builds. Re-replicate the build you mean from the source region, or pin image.digest in the plan, then check again.`,
    });
  }
  return issues;
}
