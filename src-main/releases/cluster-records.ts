/**
 * Team releases' records: one ConfigMap per execution in the home cluster's `capstan-system`
 * namespace (labelled `capstan.io/release-execution=record`), next to its Lease (same name).
 * `data["state.json"]` is the execution state, `data["plan.yaml"]` the plan it runs (a teammate who
 * takes over needs its gates). Every write is a PUT carrying the resourceVersion this process last
 * read or wrote (create for the first), so a write based on an old read gets 409 and nothing changes.
 *
 * Size: a ConfigMap holds at most 1 MiB. The plan is at most 200 KB (the contract's bound); the state
 * is kept under `stateBudgetBytes` (default 600 KB) by leaving out the oldest history entries
 * (`historyOmitted` counts them; the holder's local file keeps the whole history, the export too).
 */
import { executionStateSchema, type ExecutionState } from '../../src-shared/releases/execution-model';
import { err, ok, type Result } from '../../src-shared/result';
import {
  EXECUTION_ANNOTATION,
  RECORD_LABEL,
  TEAM_NAMESPACE,
  ensureNamespace,
  objectNameFor,
  type KubeJson,
  type LeaseObject,
  type RecordMeta,
} from './execution-lease';

interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: RecordMeta;
  data?: Record<string, string>;
}

export interface ClusterRecord {
  state: ExecutionState;
  plan?: string;
}

const cmPath = (name?: string) => `/api/v1/namespaces/${TEAM_NAMESPACE}/configmaps${name ? `/${encodeURIComponent(name)}` : ''}`;

/** The state as stored in the cluster: the oldest history entries left out until it fits. */
export function compactForCluster(state: ExecutionState, budgetBytes: number): ExecutionState {
  let text = JSON.stringify(state);
  if (text.length <= budgetBytes) return state;
  // Entries that date what waits on a person stay (the board needs them), as recentHistory keeps them.
  const needed = new Set([state.stageWaitSince, ...state.groups.map((g) => g.changedAt)]);
  let keep = state.history.length;
  let out = state;
  while (text.length > budgetBytes && keep > 0) {
    keep = Math.floor(keep / 2);
    const from = state.history.length - keep;
    const history = state.history.filter((h, i) => i >= from || needed.has(h.version));
    out = { ...state, history, historyOmitted: (state.historyOmitted ?? 0) + state.history.length - history.length };
    text = JSON.stringify(out);
  }
  return out;
}

function parseRecord(cm: ConfigMap): Result<ClusterRecord> {
  const raw = cm.data?.['state.json'];
  if (!raw) return err('corrupt-file', `The record ${cm.metadata.name} in ${TEAM_NAMESPACE} has no state.json.`);
  try {
    const parsed = executionStateSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return ok({ state: parsed.data, plan: cm.data?.['plan.yaml'] });
    return err(
      'corrupt-file',
      `The record ${cm.metadata.name} in ${TEAM_NAMESPACE} does not match the execution schema (${parsed.error.issues[0]?.message}); it is left as it is.`,
    );
  } catch (e) {
    return err(
      'corrupt-file',
      `The record ${cm.metadata.name} in ${TEAM_NAMESPACE} is not JSON (${(e as Error).message}); it is left as it is.`,
    );
  }
}

export class ClusterRecords {
  /** The ConfigMap as last read or written, per execution: its resourceVersion is the next write's precondition. */
  private readonly last = new Map<string, ConfigMap>();

  constructor(private readonly opts: { stateBudgetBytes?: number } = {}) {}

  /** Whether this process has read or written the record of `id` (its next write is then an update). */
  known(id: string): boolean {
    return this.last.has(id);
  }

  /** The record of `id` in its home cluster (undefined: none yet). Remembers its resourceVersion. */
  async read(api: KubeJson, id: string, signal?: AbortSignal): Promise<Result<ClusterRecord | undefined>> {
    const r = await api.getJson<ConfigMap>(cmPath(objectNameFor(id)), { verb: 'get', resource: 'configmaps', signal });
    if (!r.ok) {
      if (r.error.code !== 'not-found') return r;
      this.last.delete(id);
      return ok(undefined);
    }
    this.last.set(id, r.value);
    return parseRecord(r.value);
  }

  /** Write `state` conditionally on the last version this process saw (create when it saw none). */
  async write(api: KubeJson, state: ExecutionState, opts: { plan?: string; holder: string; signal?: AbortSignal }): Promise<Result<void>> {
    const compact = compactForCluster(state, this.opts.stateBudgetBytes ?? 600_000);
    const prev = this.last.get(state.id);
    const data: Record<string, string> = { ...prev?.data, 'state.json': JSON.stringify(compact) };
    if (opts.plan !== undefined) data['plan.yaml'] = opts.plan;
    const metadata: ConfigMap['metadata'] = {
      ...prev?.metadata,
      name: objectNameFor(state.id),
      namespace: TEAM_NAMESPACE,
      labels: { ...prev?.metadata.labels, 'app.kubernetes.io/managed-by': 'capstan', [RECORD_LABEL]: 'record' },
      annotations: {
        ...prev?.metadata.annotations,
        [EXECUTION_ANNOTATION]: state.id,
        'capstan.io/holder': opts.holder,
        'capstan.io/status': state.status,
      },
    };
    const body: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
    let r: Result<ConfigMap>;
    if (prev) {
      r = await api.getJson<ConfigMap>(cmPath(metadata.name), {
        method: 'PUT',
        body,
        verb: 'update',
        resource: 'configmaps',
        signal: opts.signal,
      });
    } else {
      const create = () =>
        api.getJson<ConfigMap>(cmPath(), { method: 'POST', body, verb: 'create', resource: 'configmaps', signal: opts.signal });
      r = await create();
      if (!r.ok && r.error.code === 'not-found') {
        const ns = await ensureNamespace(api, opts.signal);
        if (!ns.ok) return ns;
        r = await create();
      }
    }
    if (!r.ok) {
      if (r.error.code === 'conflict') {
        this.last.delete(state.id);
        return err(
          'locked',
          `The record of release ${state.id} changed in the cluster since this process read it (another Capstan wrote it); this process stopped acting on it.`,
          { clusterId: r.error.clusterId },
        );
      }
      return r;
    }
    this.last.set(state.id, r.value);
    return ok(undefined);
  }

  /** Every team record and Lease in one cluster (two list requests). Unreadable records are reported, not dropped silently. */
  async list(
    api: KubeJson,
    signal?: AbortSignal,
  ): Promise<Result<{ records: ClusterRecord[]; leases: LeaseObject[]; problems: string[] }>> {
    const sel = (v: string) => encodeURIComponent(`${RECORD_LABEL}=${v}`);
    const cms = await api.getJson<{ items: ConfigMap[] }>(`${cmPath()}?labelSelector=${sel('record')}`, {
      verb: 'list',
      resource: 'configmaps',
      signal,
    });
    if (!cms.ok) return cms.error.code === 'not-found' ? ok({ records: [], leases: [], problems: [] }) : cms;
    const leases = await api.getJson<{ items: LeaseObject[] }>(
      `/apis/coordination.k8s.io/v1/namespaces/${TEAM_NAMESPACE}/leases?labelSelector=${sel('lease')}`,
      { verb: 'list', resource: 'leases', signal },
    );
    if (!leases.ok) return leases;
    const records: ClusterRecord[] = [];
    const problems: string[] = [];
    for (const cm of cms.value.items) {
      const r = parseRecord(cm);
      if (r.ok) records.push(r.value);
      else problems.push(r.error.message);
    }
    return ok({ records, leases: leases.value.items, problems });
  }
}
