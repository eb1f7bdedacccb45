import type { RegistryInput } from '../../src-shared/images/contract';
import { parseImageRef } from '../../src-shared/images/registry-api';
import type { SandboxHarbor, SeedProject } from './server';

/**
 * Demo helpers for the datacenter sandbox (`npm run sandbox`, first start without kubeconfig):
 *
 *   const { harbors, source } = await startHarborRegions({ regions: ['east', 'west'], projects: defaultHarborProjects(), seedEverywhere: true, clockSpeed: 1 });
 *   const stop = simulatePushes(source, { intervalMs: 45_000 });   // CI keeps pushing: replication states come and go
 *   harbors.forEach((h) => console.log(describeHarbor(h)));
 */

const apps = ['order-service', 'payment-gateway', 'user-center', 'search-api', 'inventory', 'team-billing/worker'];

/** A few Java-service repositories with a release history each (same images in every region). */
export function defaultHarborProjects(): SeedProject[] {
  const repositories: Record<string, string[]> = {};
  apps.forEach((app, i) => {
    repositories[app] = Array.from({ length: 3 + (i % 3) }, (_, k) => `1.${i}.${k}`);
  });
  return [
    { name: 'prod', repositories },
    { name: 'base', public: true, repositories: { 'tomcat-jre17': ['9.0.98', '9.0.99'], 'nginx-gw': ['1.27.4'] } },
  ];
}

/** Push a new patch version of a random app every `intervalMs` (deterministic order). Returns stop(). */
export function simulatePushes(source: SandboxHarbor, opts: { intervalMs: number; repositories?: string[] }): () => void {
  const repos = opts.repositories ?? apps.map((a) => `prod/${a}`);
  const counters = new Map<string, number>();
  let n = 0;
  const timer = setInterval(() => {
    const repo = repos[n++ % repos.length]!;
    const next = (counters.get(repo) ?? 100) + 1;
    counters.set(repo, next);
    source.push(repo, `2.0.${next}`);
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** One line for the console: name, region, URL and the test credentials. */
export function describeHarbor(h: SandboxHarbor): string {
  const creds = h.users.map((u) => `${u.name} / ${u.password}${u.admin ? ' (admin)' : ''}`).join(', ');
  return `${h.name} (region ${h.region}): ${h.url}   users: ${creds}`;
}

/** What to pass to `ImageSyncService.addRegistry` for each sandbox Harbor (robot account `robot$capstan`). */
export function harborRegistryInputs(harbors: SandboxHarbor[]): RegistryInput[] {
  return harbors.map((h) => {
    const robot = h.users.find((u) => u.name.startsWith('robot$') && u.admin) ?? h.users.find((u) => u.admin);
    return {
      id: h.name,
      name: h.name,
      kind: 'harbor',
      url: h.url,
      region: h.region,
      ...(robot ? { username: robot.name, secret: robot.password } : {}),
    };
  });
}

/**
 * Seed projects holding the given images (`harbor-east.sandbox.local/shop/orders:1.4.2`...), e.g.
 * every version of every app of a datacenter scenario. The registry host is ignored; a repository
 * without a project goes to `library`.
 */
export function projectsFromImages(images: string[]): SeedProject[] {
  const projects = new Map<string, Record<string, string[]>>();
  for (const image of images) {
    const ref = parseImageRef(image);
    if (!ref) continue;
    const [project, ...rest] = ref.repository.includes('/') ? ref.repository.split('/') : ['library', ref.repository];
    const repos = projects.get(project!) ?? {};
    const name = rest.join('/');
    const tags = (repos[name] ??= []);
    const tag = ref.tag ?? 'latest';
    if (!tags.includes(tag)) tags.push(tag);
    projects.set(project!, repos);
  }
  return [...projects].map(([name, repositories]) => ({ name, repositories }));
}
