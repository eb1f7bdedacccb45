import type { RegistryInput } from '../../src-shared/images/contract';
import type { Scenario } from '../scenario';
import { describeHarbor, harborRegistryInputs, simulatePushes } from './demo';
import { startHarbor, type SandboxHarbor } from './server';

/**
 * One sandbox Harbor per datacenter of a scenario (`registries:` in the scenario file), seeded with
 * the images its apps use, in a state where the sync matrix shows every kind of cell:
 *
 * - synced: every version a group runs or ran (seeded in every region);
 * - missing: `pull-error` versions exist in the source region only ("never pushed to harbor-west");
 * - mismatch: one undeployed version re-built at the source after it was replicated;
 * - failed, replicating (stuck): the next undeployed versions pushed at start with scripted outcomes;
 * - replicating → synced: one more pushed normally (and CI keeps pushing every `pushIntervalMs`).
 *
 * The Harbor of datacenter `dc-east` serving `harbor-east.sandbox.local` is named `harbor-east`;
 * its region (the matrix column) is the datacenter, so a release group's datacenter names it.
 */

export interface ScenarioHarborOptions {
  /** Replication delays ÷ clockSpeed (default 1). */
  clockSpeed?: number;
  seed?: number;
  /** Random outcomes of later tasks (defaults 0.05 and 0.02). */
  failRate?: number;
  stuckRate?: number;
  /** CI pushes a new version at the source this often (real ms); 0 = never. Default 120 s. */
  pushIntervalMs?: number;
}

export interface ScenarioHarbors {
  harbors: SandboxHarbor[];
  source: SandboxHarbor;
  /** What to register in ImageSyncService (robot account credentials). */
  registries: RegistryInput[];
  /** One line per Harbor: name, region, URL, test users. */
  describe(): string[];
  close(): Promise<void>;
}

interface ScenarioImage {
  repository: string;
  tag: string;
  deployed: boolean;
  pullError: boolean;
}

export function scenarioImages(scenario: Scenario): ScenarioImage[] {
  const out: ScenarioImage[] = [];
  for (const app of scenario.apps) {
    const used = new Set(app.groups.flatMap((g) => [g.version, ...g.history]));
    for (const [tag, spec] of Object.entries(app.versions)) {
      out.push({ repository: `${app.project}/${app.name}`, tag, deployed: used.has(tag), pullError: spec.behaviour === 'pull-error' });
    }
  }
  return out;
}

const seedOf = (images: ScenarioImage[]) => {
  const projects = new Map<string, Record<string, string[]>>();
  for (const i of images) {
    const [project, ...rest] = i.repository.split('/');
    const repos = projects.get(project!) ?? {};
    (repos[rest.join('/')] ??= []).push(i.tag);
    projects.set(project!, repos);
  }
  return [...projects].map(([name, repositories]) => ({ name, repositories }));
};

export async function startScenarioHarbors(scenario: Scenario, opts: ScenarioHarborOptions = {}): Promise<ScenarioHarbors> {
  const entries = Object.entries(scenario.registries).map(([datacenter, host]) => ({
    datacenter,
    name: host.split('.')[0] || `harbor-${datacenter}`,
  }));
  if (entries.length === 0) throw new Error('the scenario lists no registries');
  const images = scenarioImages(scenario);
  // Versions nobody runs and that are not meant to fail pulling: the "next" versions.
  const next = images.filter((i) => !i.deployed && !i.pullError);
  const [rebuilt, failing, stuck, fresh] = next;
  const heldBack = new Set([failing, stuck, fresh].filter(Boolean));
  const everywhere = images.filter((i) => !i.pullError && !heldBack.has(i));
  const sourceOnly = images.filter((i) => i.pullError);

  const harbors: SandboxHarbor[] = [];
  try {
    for (const [index, e] of entries.entries()) {
      harbors.push(
        await startHarbor({
          name: e.name,
          region: e.datacenter,
          clockSpeed: opts.clockSpeed ?? 1,
          seed: (opts.seed ?? 42) + index,
          failRate: opts.failRate ?? 0.05,
          stuckRate: opts.stuckRate ?? 0.02,
          projects: seedOf(index === 0 ? [...everywhere, ...sourceOnly] : everywhere),
        }),
      );
    }
  } catch (error) {
    await Promise.all(harbors.map((h) => h.close()));
    throw error;
  }
  const source = harbors[0]!;
  const peers = harbors.slice(1);
  for (const p of peers) source.addPeer(p);

  const each = <T>(x: T) => peers.map(() => x);
  // A version re-built at the source after it had been replicated: the other regions keep the old
  // digest. Its push time must be later than every seed's (the newest push decides the reference).
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (rebuilt) source.state.push(rebuilt.repository, rebuilt.tag, `${rebuilt.repository}:${rebuilt.tag}:rebuild`);
  if (failing) {
    source.scriptReplication(...each('fail' as const));
    source.push(failing.repository, failing.tag);
  }
  if (stuck) {
    source.scriptReplication(...each('stuck' as const));
    source.push(stuck.repository, stuck.tag);
  }
  if (fresh) {
    source.scriptReplication(...each('success' as const));
    source.push(fresh.repository, fresh.tag);
  }
  const interval = opts.pushIntervalMs ?? 120_000;
  const stopPushes =
    interval > 0 ? simulatePushes(source, { intervalMs: interval, repositories: [...new Set(images.map((i) => i.repository))] }) : () => {};

  return {
    harbors,
    source,
    registries: harborRegistryInputs(harbors),
    describe: () => harbors.map(describeHarbor),
    close: async () => {
      stopPushes();
      await Promise.all(harbors.map((h) => h.close()));
    },
  };
}
