import { globToRegExp } from './matrix';

/**
 * Which repositories a registry follows. A repository a region's registry does not follow is
 * "not followed" in that region's column, never "missing".
 *
 * - include/exclude: globs on the repository name (`*` any run of characters, `?` one); exclude
 *   wins. No include means every repository.
 * - projects (Harbor): only repositories under these projects.
 * - only: the registry refused its catalog, so it follows just these repositories (those named by
 *   the user, run by the connected clusters, targeted by saved plans).
 */
export interface FollowRule {
  include?: string[];
  exclude?: string[];
  projects?: string[];
  only?: string[];
}

/** Where a matrix row's repository came from. */
export const repositorySources = ['catalog', 'harbor', 'named', 'cluster', 'plan'] as const;
export type RepositorySource = (typeof repositorySources)[number];

const compiled = new Map<string, RegExp>();
const glob = (g: string) => {
  let re = compiled.get(g);
  if (!re) compiled.set(g, (re = globToRegExp(g)));
  return re;
};

/** Patterns only (include/exclude): what discovery narrows the catalog with. */
export function matchesPatterns(rule: Pick<FollowRule, 'include' | 'exclude'>, repository: string): boolean {
  if (rule.exclude?.some((g) => glob(g).test(repository))) return false;
  return !rule.include?.length || rule.include.some((g) => glob(g).test(repository));
}

export function follows(rule: FollowRule, repository: string): boolean {
  if (!matchesPatterns(rule, repository)) return false;
  if (rule.projects?.length && !rule.projects.includes(repository.split('/')[0] ?? '')) return false;
  return !rule.only || rule.only.includes(repository);
}
