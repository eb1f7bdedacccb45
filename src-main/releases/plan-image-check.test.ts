import { describe, expect, it } from 'vitest';
import type { ImagePresence } from '../../src-shared/images/contract';
import { fixturePlan, fixtureSnapshot, T0 } from '../../src-shared/releases/fixtures';
import { stringifyPlanYaml } from '../../src-shared/releases/plan-yaml';
import type { RegistryRegion } from '../../src-shared/releases/image-regions';
import { err, ok, type Result } from '../../src-shared/result';
import { checkPlan } from './plan-check';
import { PlanImageCheck, withoutHost, type ImagePresenceSource } from './plan-image-check';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

/**
 * A fake images service with the semantics of ImageSyncService.checkImagePresent: per region,
 * which image (repository:tag) has which digest, which registries are unreachable, and a gate
 * that holds answers back (a slow registry).
 */
class FakeImages implements ImagePresenceSource {
  calls: { image: string; regions: string[] }[] = [];
  content = new Map<string, Map<string, string>>();
  unreachable = new Set<string>();
  hold: Promise<void> | undefined;
  constructor(public registries: RegistryRegion[]) {}
  put(region: string, image: string, digest: string) {
    (this.content.get(region) ?? (this.content.set(region, new Map()), this.content.get(region)!)).set(image, digest);
  }
  listRegistries() {
    return this.registries;
  }
  async checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>> {
    this.calls.push({ image, regions });
    await this.hold;
    const [name, pinned] = image.split('@');
    if (!name) return err('invalid-payload', 'bad image');
    const wanted = digest ?? pinned;
    const out = regions.map((region) => {
      if (this.unreachable.has(region))
        return {
          region,
          present: false,
          mismatch: false,
          error: {
            code: 'unavailable' as const,
            message: `harbor-${region} is unreachable (connection refused). Check the network (VPN).`,
          },
        };
      const found = this.content.get(region)?.get(name);
      return found
        ? { region, present: true, digest: found, mismatch: wanted !== undefined && found !== wanted }
        : { region, present: false, mismatch: false };
    });
    return ok({ image, ...(wanted ? { digest: wanted } : {}), allPresent: out.every((x) => x.present && !x.mismatch), regions: out });
  }
}

// The fixture's images live at harbor.example.com (one name for every region): the datacenter decides.
const registries: RegistryRegion[] = [
  { id: 'harbor-pe', name: 'Harbor pro-east', url: 'https://harbor-pe.example.com', region: 'pro-east' },
  { id: 'harbor-pw', name: 'Harbor pro-west', url: 'https://harbor-pw.example.com', region: 'pro-west' },
  { id: 'harbor-test', name: 'Harbor test', url: 'https://harbor-test.example.com', region: 'fat' },
];
const IMAGE = 'shop/orders:2.4.1';
const plan = (extra: Parameters<typeof fixturePlan>[0] = {}) => checkPlan(stringifyPlanYaml(fixturePlan(extra)), fixtureSnapshot(), T0);
const everywhere = (fake: FakeImages, digest = D1) => ['pro-east', 'pro-west', 'fat'].forEach((r) => fake.put(r, IMAGE, digest));
const row = (c: Awaited<ReturnType<PlanImageCheck['apply']>>, region: string) => c.images?.rows.find((r) => r.region === region);

describe('plan image check', () => {
  it('finds the image in every region the groups pull from, one call per image and region', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    const c = await new PlanImageCheck(fake).apply(plan());
    expect(c.ok).toBe(true);
    expect(fake.calls).toEqual(['fat', 'pro-east', 'pro-west'].map((r) => ({ image: IMAGE, regions: [r] })));
    expect(c.images?.rows.map((r) => [r.region ?? r.datacenters.join(), r.state])).toEqual([
      ['fat', 'present'],
      ['uat', 'no-registry'],
      ['pro-east', 'present'],
      ['pro-west', 'present'],
    ]);
    expect(row(c, 'pro-west')).toMatchObject({ digest: D1, groups: ['pro-west-1/shop/orders'], registryId: 'harbor-pw' });
    // UAT's datacenter has no registry: said as a warning with what to do, not a blocker.
    const uat = c.issues.filter((i) => i.path === 'image');
    expect(uat).toHaveLength(1);
    expect(uat[0]).toMatchObject({ severity: 'warning' });
    expect(uat[0]!.message).toMatch(/Cannot tell which registry uat\/shop\/orders-uat pulls .*region uat/);
  });

  it('an image missing in one region is an error naming the region and the groups', async () => {
    const fake = new FakeImages(registries);
    fake.put('pro-east', IMAGE, D1);
    fake.put('fat', IMAGE, D1);
    const c = await new PlanImageCheck(fake).apply(plan());
    expect(c.ok).toBe(false);
    expect(row(c, 'pro-west')?.state).toBe('missing');
    const e = c.issues.find((i) => i.severity === 'error');
    expect(e?.message).toMatch(
      /shop\/orders:2\.4\.1 is missing in region pro-west \(harbor-pw\), which pro-west-1\/shop\/orders pulls from.*ImagePullBackOff/,
    );
  });

  it('different digests across regions, or another digest than the plan pins, are errors', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    fake.put('pro-west', IMAGE, D2);
    const c = await new PlanImageCheck(fake).apply(plan());
    expect(c.ok).toBe(false);
    expect(c.images?.rows.filter((r) => r.state === 'digest-differs').map((r) => r.region)).toEqual(['fat', 'pro-east', 'pro-west']);
    expect(c.issues.find((i) => i.severity === 'error')?.message).toMatch(
      /different digests per region \(fat has sha256:111111111111…, pro-east has sha256:111111111111…, pro-west has sha256:222222222222…\)/,
    );

    const pinned = await new PlanImageCheck(fake).apply(
      plan({ image: { repository: 'harbor.example.com/shop/orders', tag: '2.4.1', digest: D1 } }),
    );
    expect(pinned.ok).toBe(false);
    expect(fake.calls.at(-1)!.image).toBe(`${IMAGE}@${D1}`);
    expect(row(pinned, 'pro-east')?.state).toBe('present');
    expect(row(pinned, 'pro-west')).toMatchObject({ state: 'digest-differs', digest: D2 });
    expect(row(pinned, 'pro-west')?.message).toMatch(/not the plan's sha256:111111111111…/);
  });

  it('an unreachable registry is a warning (cannot tell), never a blocker', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    fake.unreachable.add('pro-west');
    const c = await new PlanImageCheck(fake).apply(plan());
    expect(c.ok).toBe(true);
    expect(row(c, 'pro-west')?.state).toBe('unknown');
    const w = c.issues.find((i) => i.message.includes('unreachable'));
    expect(w?.severity).toBe('warning');
    expect(w?.message).toMatch(/cannot tell whether shop\/orders:2\.4\.1 is in region pro-west.*connection refused.*Check again/);
  });

  it('without registries the check is left as it was', async () => {
    const before = plan();
    const after = await new PlanImageCheck(new FakeImages([])).apply(before);
    expect(after).toEqual(before);
    expect(after.images).toBeUndefined();
  });

  it('a slow registry: the check answers within its budget as pending, and the next check uses the answer that landed', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    let release!: () => void;
    fake.hold = new Promise((r) => (release = r));
    const check = new PlanImageCheck(fake, { budgetMs: 50, cacheMs: 60_000 });
    const first = await check.apply(plan());
    expect(first.ok).toBe(true);
    expect(first.images?.pending).toBe(true);
    expect(row(first, 'pro-east')?.state).toBe('unknown');
    release();
    await new Promise((r) => setTimeout(r, 0));
    const second = await check.apply(plan());
    expect(second.images?.pending).toBe(false);
    expect(row(second, 'pro-east')?.state).toBe('present');
    expect(fake.calls).toHaveLength(3);
  });

  it('while the registries are still thinking past the budget, later checks answer at once', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    let release!: () => void;
    fake.hold = new Promise((r) => (release = r));
    let t = T0;
    const check = new PlanImageCheck(fake, { budgetMs: 60_000, now: () => t });
    const first = check.apply(plan());
    await new Promise((r) => setTimeout(r, 0)); // the first check has asked
    t += 61_000;
    // Would wait a minute if the budget restarted with each check.
    const typing = await check.apply(plan());
    expect(typing.images?.pending).toBe(true);
    expect(typing.images?.rows.filter((r) => r.region).every((r) => r.state === 'unknown')).toBe(true);
    release();
    expect(row(await first, 'pro-west')?.state).toBe('present');
    expect(fake.calls).toHaveLength(3);
  });

  it('one slow region does not hold the others back', async () => {
    const fake = new FakeImages(registries);
    everywhere(fake);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const inner = fake.checkImagePresent.bind(fake);
    fake.checkImagePresent = async (image, digest, regions) =>
      regions.includes('pro-west') ? held.then(() => inner(image, digest, regions)) : inner(image, digest, regions);
    const c = await new PlanImageCheck(fake, { budgetMs: 50 }).apply(plan());
    release();
    expect(c.images?.pending).toBe(true);
    expect(row(c, 'pro-east')?.state).toBe('present');
    expect(row(c, 'pro-west')?.state).toBe('unknown');
    expect(row(c, 'pro-west')?.message).toMatch(/has not answered within 50 ms/);
  });

  it('registry hosts are dropped from the asked image', () => {
    expect(withoutHost('harbor-east.sandbox.local/shop/orders:1.5.0')).toBe('shop/orders:1.5.0');
    expect(withoutHost(`localhost:5000/shop/orders:1@${D1}`)).toBe(`shop/orders:1@${D1}`);
    expect(withoutHost('shop/orders:1')).toBe('shop/orders:1');
  });
});
