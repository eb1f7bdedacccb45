/**
 * Permissions first: before a release starts or resumes, ask every cluster it touches, with
 * SelfSubjectAccessReview (authorization.k8s.io/v1), whether the user may do each thing the
 * executor will do there. A missing permission is named exactly (verb, resource, namespace,
 * cluster) with what it is needed for and a Role/RoleBinding to ask for, so the release is
 * refused before anything is written instead of stopping half-way on a 403.
 *
 * What is asked comes from reading the executor, not from a generic "edit" role:
 * - Deployments (apps): `get` before every step and by the watch, `patch` for every batch step,
 *   the hold and the hand back (strategic merge patches, never PUT); `list` and `watch` because
 *   the board, the drift check and the snapshot follow them.
 * - ReplicaSets (apps): `list` to find the Deployment's ReplicaSets, `patch` because Capstan
 *   retires old pods by scaling the old ReplicaSet down itself (it never deletes pods).
 * - Pods: `list`, `watch`: health gates judge the new pods from the board's pod watch.
 * - Events: `create`, `patch`: each release action is recorded on the Deployment (release-events.ts).
 * - Execution state and ownership (team releases): a Lease and a ConfigMap record per execution in
 *   namespace `TEAM_NAMESPACE` of the release's home cluster (the cluster of its first
 *   group), see `CLUSTER_STATE_NEEDS`; a local-only release needs none of them.
 *
 * Answers are kept `cacheMs` (the planner asks as the person types); a check waits at most
 * `budgetMs`, what has not answered by then is reported as pending and asked again.
 */
import { TEAM_NAMESPACE } from './execution-lease';
import type { CheckIssue, PermissionCheck } from '../../src-shared/releases/contract';
import type { Result } from '../../src-shared/result';
import { within } from './plan-image-check';

export interface PermissionNeed {
  verb: string;
  /** API group, '' for core. */
  group: string;
  resource: string;
  namespace: string;
  /** What Capstan does with it, for the message. */
  why: string;
}

const DEPLOYMENT_NEEDS: Omit<PermissionNeed, 'namespace'>[] = [
  { verb: 'get', group: 'apps', resource: 'deployments', why: 'reads each Deployment before every step' },
  { verb: 'list', group: 'apps', resource: 'deployments', why: 'the board and the drift check list Deployments' },
  { verb: 'watch', group: 'apps', resource: 'deployments', why: 'the board follows Deployments live' },
  { verb: 'patch', group: 'apps', resource: 'deployments', why: 'moves each Deployment batch by batch' },
  { verb: 'list', group: 'apps', resource: 'replicasets', why: "finds each Deployment's ReplicaSets" },
  { verb: 'patch', group: 'apps', resource: 'replicasets', why: 'retires old pods by scaling the old ReplicaSet down' },
  { verb: 'list', group: '', resource: 'pods', why: 'health gates judge the new pods' },
  { verb: 'watch', group: '', resource: 'pods', why: 'health gates follow the new pods live' },
  { verb: 'create', group: '', resource: 'events', why: 'records each release action as an Event on the Deployment' },
  { verb: 'patch', group: '', resource: 'events', why: 'counts a repeated action on its Event' },
];

/** Execution state (ConfigMaps) and ownership (Leases) in `TEAM_NAMESPACE` of the home cluster: what the ownership code does (get, list; create, then PUT with the resourceVersion read). */
export const CLUSTER_STATE_NEEDS: Omit<PermissionNeed, 'namespace'>[] = [
  { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', why: 'reads who drives the release' },
  { verb: 'list', group: 'coordination.k8s.io', resource: 'leases', why: 'shows who drives the releases teammates started' },
  { verb: 'create', group: 'coordination.k8s.io', resource: 'leases', why: 'takes ownership of the release' },
  { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', why: 'renews ownership while driving' },
  { verb: 'get', group: '', resource: 'configmaps', why: 'reads the execution record' },
  { verb: 'list', group: '', resource: 'configmaps', why: 'shows releases started by teammates' },
  { verb: 'create', group: '', resource: 'configmaps', why: 'stores the execution record' },
  { verb: 'update', group: '', resource: 'configmaps', why: 'saves each step of the execution record' },
];

/**
 * Everything a release over these Deployments needs, per cluster. `home`: the cluster holding the
 * release's Lease and record (default: the first group's cluster); null for a local-only release.
 */
export function releaseNeeds(
  targets: readonly { clusterId: string; namespace: string }[],
  home: string | null = targets[0]?.clusterId ?? null,
): Map<string, PermissionNeed[]> {
  const out = new Map<string, PermissionNeed[]>();
  const seen = new Set<string>();
  const add = (clusterId: string, n: PermissionNeed) => {
    const k = `${clusterId}\u0000${n.namespace}\u0000${n.group}\u0000${n.resource}\u0000${n.verb}`;
    if (seen.has(k)) return;
    seen.add(k);
    (out.get(clusterId) ?? (out.set(clusterId, []), out.get(clusterId)!)).push(n);
  };
  for (const t of targets) for (const n of DEPLOYMENT_NEEDS) add(t.clusterId, { ...n, namespace: t.namespace });
  if (home !== null) for (const n of CLUSTER_STATE_NEEDS) add(home, { ...n, namespace: TEAM_NAMESPACE });
  return out;
}

/** What a cluster answers to one SelfSubjectAccessReview; an error means "cannot tell". */
export type AccessReviewer = (clusterId: string, need: PermissionNeed) => Promise<Result<{ allowed: boolean }>>;
/** The user's name in a cluster (SelfSubjectReview), for the RoleBinding snippet. */
export type WhoAmI = (clusterId: string) => Promise<string | undefined>;

export interface PermissionCheckOptions {
  budgetMs?: number;
  cacheMs?: number;
  now?: () => number;
  /** Clusters that can be asked now (live); the others are "cannot tell". */
  reachable?: (clusterId: string) => boolean;
}

interface Answer {
  at: number;
  result: Result<{ allowed: boolean }>;
}
interface Entry {
  promise: Promise<Answer>;
  answer?: Answer;
  startedAt: number;
}

const qualified = (n: { group: string; resource: string }) => (n.group ? `${n.resource}.${n.group}` : n.resource);

export class PermissionChecker {
  private readonly cache = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly review: AccessReviewer,
    private readonly whoami: WhoAmI,
    private readonly opts: PermissionCheckOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Ask every cluster; `fresh` ignores cached answers (a start or resume decides on current ones). */
  async check(targets: readonly { clusterId: string; namespace: string }[], fresh = false, home?: string | null): Promise<PermissionCheck> {
    const needs = releaseNeeds(targets, home);
    const budgetMs = this.opts.budgetMs ?? 3000;
    const missing: PermissionCheck['missing'] = [];
    const unknown: PermissionCheck['unknown'] = [];
    let pending = false;
    let oldest: number | undefined;
    await Promise.all(
      [...needs].map(async ([clusterId, list]) => {
        if (this.opts.reachable && !this.opts.reachable(clusterId)) {
          unknown.push({
            clusterId,
            message: `Cluster ${clusterId} is not connected: its permissions cannot be checked now; they are checked again when the release starts.`,
          });
          return;
        }
        const answers = await Promise.all(
          list.map(async (n) => {
            const e = this.lookup(clusterId, n, fresh);
            return { n, a: e.answer ?? (fresh ? await e.promise : await within(e.promise, budgetMs - (this.now() - e.startedAt))) };
          }),
        );
        const failed = answers.find((x) => x.a && !x.a.result.ok);
        if (failed?.a && !failed.a.result.ok)
          unknown.push({ clusterId, message: `Cannot check permissions in cluster ${clusterId}: ${failed.a.result.error.message}` });
        for (const { n, a } of answers) {
          if (!a) pending = true;
          else if (a.result.ok) {
            oldest = Math.min(oldest ?? a.at, a.at);
            if (!a.result.value.allowed) missing.push({ clusterId, ...n });
          }
        }
      }),
    );
    const order = (m: { clusterId: string; namespace: string; resource: string }) => `${m.clusterId}/${m.namespace}/${m.resource}`;
    missing.sort((a, b) => order(a).localeCompare(order(b)));
    const snippets = missing.length ? await this.snippets(missing) : [];
    return { ...(oldest !== undefined ? { checkedAt: oldest } : {}), pending, missing, unknown, snippets };
  }

  private lookup(clusterId: string, n: PermissionNeed, fresh: boolean): Entry {
    const now = this.now();
    const ttl = this.opts.cacheMs ?? 15_000;
    for (const [k, e] of this.cache) if (e.answer && now - e.answer.at > ttl) this.cache.delete(k);
    const key = `${clusterId}\u0000${n.namespace}\u0000${n.group}\u0000${n.resource}\u0000${n.verb}`;
    const hit = this.cache.get(key);
    if (hit && !(fresh && hit.answer)) return hit;
    const entry: Entry = {
      startedAt: now,
      promise: this.review(clusterId, n).then(
        (result) => (entry.answer = { at: this.now(), result }),
        (e: unknown) => (entry.answer = { at: this.now(), result: { ok: false, error: { code: 'internal', message: String(e) } } }),
      ),
    };
    this.cache.set(key, entry);
    return entry;
  }

  /** One Role + RoleBinding per cluster and namespace with exactly the missing rules. */
  private async snippets(missing: PermissionCheck['missing']): Promise<PermissionCheck['snippets']> {
    const by = new Map<string, PermissionCheck['missing']>();
    for (const m of missing) {
      const k = `${m.clusterId}\u0000${m.namespace}`;
      (by.get(k) ?? (by.set(k, []), by.get(k)!)).push(m);
    }
    const users = new Map<string, string | undefined>();
    for (const c of new Set(missing.map((m) => m.clusterId))) users.set(c, await this.whoami(c).catch(() => undefined));
    return [...by.values()].map((ms) => {
      const { clusterId, namespace } = ms[0]!;
      const rules = new Map<string, { group: string; resource: string; verbs: string[] }>();
      for (const m of ms) {
        const k = `${m.group}/${m.resource}`;
        (rules.get(k) ?? (rules.set(k, { group: m.group, resource: m.resource, verbs: [] }), rules.get(k)!)).verbs.push(m.verb);
      }
      const user = users.get(clusterId);
      const subject = user?.startsWith('system:serviceaccount:')
        ? `  - kind: ServiceAccount\n    name: ${user.split(':')[3]}\n    namespace: ${user.split(':')[2]}`
        : `  - kind: User\n    apiGroup: rbac.authorization.k8s.io\n    name: ${JSON.stringify(user ?? '<your user name: kubectl auth whoami>')}`;
      const yaml = [
        `# kubectl --context ${clusterId} apply -f -   (by someone allowed to grant it)`,
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        `metadata: { name: capstan-release, namespace: ${namespace} }`,
        'rules:',
        ...[...rules.values()].map(
          (r) => `  - apiGroups: [${JSON.stringify(r.group)}]\n    resources: [${r.resource}]\n    verbs: [${r.verbs.join(', ')}]`,
        ),
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        `metadata: { name: capstan-release, namespace: ${namespace} }`,
        'roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: capstan-release }',
        'subjects:',
        subject,
      ].join('\n');
      return { clusterId, namespace, yaml };
    });
  }
}

/** One sentence per missing permission: exactly what, where, why, and what to do. */
export function permissionMessage(m: PermissionCheck['missing'][number]): string {
  return `Missing permission in cluster ${m.clusterId}: ${m.verb} ${qualified(m)} in namespace ${m.namespace} (Capstan ${m.why}). Ask a cluster admin of ${m.clusterId} for a Role in ${m.namespace} that allows it, bound to you (the planner's check offers that Role), or release with someone who has it.`;
}

/** The planner's findings: each missing permission is an error (Start stays disabled), "cannot tell" a warning. */
export function permissionIssues(p: PermissionCheck): CheckIssue[] {
  return [
    ...p.missing.map((m) => ({ severity: 'error' as const, path: 'permissions', message: permissionMessage(m) })),
    ...p.unknown.map((u) => ({ severity: 'warning' as const, path: 'permissions', message: u.message })),
  ];
}

/** A start or resume refused: every missing permission, by cluster and namespace. */
export function refusal(p: PermissionCheck, what: string): string | undefined {
  if (p.missing.length) return `${what} refused before anything was written: ${p.missing.map(permissionMessage).join(' ')}`;
  if (p.unknown.length) return `${what} refused: ${p.unknown.map((u) => u.message).join(' ')}`;
  return undefined;
}
