/**
 * Saved release plans: `<plans>/<name>.yaml` as the person wrote it (comments kept), plus
 * `<name>.snapshot.json`, the part of the cluster snapshot the plan was saved against. The drift
 * check compares that with live state, so it lists what changed since the plan was made, even
 * after the shared snapshot has been refreshed.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanFile } from '../../src-shared/releases/contract';
import { parsePlanYaml, planProblemsToError } from '../../src-shared/releases/plan-yaml';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { snapshotSchema, type Snapshot } from '../../src-shared/releases/snapshot';
import { err, ok, type Result } from '../../src-shared/result';
import { writeFileAtomic } from '../base/atomic-write';

const FILE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The file name of a plan: its name with anything unusual replaced. */
export const planFileName = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 128) || 'plan';

/** The snapshot restricted to the clusters and Deployments a plan touches. */
export function planSnapshot(yaml: string, snapshot: Snapshot): Snapshot | undefined {
  const parsed = parsePlanYaml(yaml);
  if (!parsed.ok) return undefined;
  const keys = new Set(
    resolvePlan(parsed.plan, snapshot)
      .stages.flat()
      .map((t) => t.key),
  );
  return {
    clusters: snapshot.clusters
      .map((c) => ({ ...c, deployments: c.deployments.filter((d) => keys.has(`${c.clusterId}/${d.namespace}/${d.name}`)) }))
      .filter((c) => c.deployments.length > 0),
  };
}

export class PlanStore {
  constructor(private readonly dir: string) {}

  async list(): Promise<PlanFile[]> {
    await mkdir(this.dir, { recursive: true });
    const out: PlanFile[] = [];
    for (const f of (await readdir(this.dir)).sort()) {
      if (!f.endsWith('.yaml')) continue;
      const path = join(this.dir, f);
      const [yaml, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      out.push({ name: f.slice(0, -5), yaml, updatedAt: st.mtimeMs });
    }
    return out;
  }

  async save(yaml: string, snapshot: Snapshot): Promise<Result<PlanFile>> {
    const parsed = parsePlanYaml(yaml);
    if (!parsed.ok) return { ok: false, error: planProblemsToError(parsed.problems) };
    const name = planFileName(parsed.plan.name);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${name}.yaml`), yaml);
    await writeFileAtomic(join(this.dir, `${name}.snapshot.json`), JSON.stringify(planSnapshot(yaml, snapshot)));
    return ok({ name, yaml, updatedAt: Date.now() });
  }

  /** The snapshot saved with the plan of that name, if any. */
  async snapshotOf(planName: string): Promise<Snapshot | undefined> {
    try {
      const r = snapshotSchema.safeParse(JSON.parse(await readFile(join(this.dir, `${planFileName(planName)}.snapshot.json`), 'utf8')));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** The exact plan text an execution was created from (its gates are read back from it). */
  async saveExecutionPlan(id: string, yaml: string): Promise<void> {
    await mkdir(join(this.dir, '.executions'), { recursive: true });
    await writeFileAtomic(join(this.dir, '.executions', `${planFileName(id)}.yaml`), yaml);
  }

  async executionPlan(id: string): Promise<string | undefined> {
    return readFile(join(this.dir, '.executions', `${planFileName(id)}.yaml`), 'utf8').catch(() => undefined);
  }

  async delete(name: string): Promise<Result<null>> {
    if (!FILE_RE.test(name)) return err('invalid-payload', `"${name}" is not a plan file name.`);
    try {
      await unlink(join(this.dir, `${name}.yaml`));
    } catch {
      return err('not-found', `No saved plan "${name}".`);
    }
    await unlink(join(this.dir, `${name}.snapshot.json`)).catch(() => undefined);
    return ok(null);
  }
}
