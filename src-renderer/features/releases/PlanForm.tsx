import { parsePlanYaml, stringifyPlanYaml } from '../../../src-shared/releases/plan-yaml';
import type { ReleasePlan } from '../../../src-shared/releases/plan';

/**
 * The form side of the planner: the fields people change most, written back into the YAML
 * (the YAML stays the source of truth; a plan that does not parse disables the form).
 */
export function PlanForm({ yaml, onChange }: { yaml: string; onChange: (yaml: string) => void }) {
  const parsed = parsePlanYaml(yaml);
  if (!parsed.ok) return <p className="muted rel-form">Fix the YAML to edit it in the form.</p>;
  const plan = parsed.plan;
  const set = (patch: (p: ReleasePlan) => void) => {
    const next = structuredClone(plan);
    patch(next);
    onChange(stringifyPlanYaml(next));
  };
  return (
    <div className="rel-form" data-testid="plan-form">
      <label className="field">
        <span className="field__label">Name</span>
        <input value={plan.name} onChange={(e) => set((p) => void (p.name = e.target.value))} data-testid="plan-form-name" />
      </label>
      <label className="field">
        <span className="field__label">Image</span>
        <input value={plan.image.repository} onChange={(e) => set((p) => void (p.image.repository = e.target.value))} />
      </label>
      <label className="field">
        <span className="field__label">Tag</span>
        <input value={plan.image.tag} onChange={(e) => set((p) => void (p.image.tag = e.target.value))} data-testid="plan-form-tag" />
      </label>
      <label className="field">
        <span className="field__label">Batches</span>
        <input value={plan.defaults?.batchPattern ?? ''} placeholder="25%" onChange={(e) => set((p) => void (p.defaults = { ...p.defaults, batchPattern: e.target.value || undefined }))} data-testid="plan-form-batches" />
      </label>
      <label className="field">
        <span className="field__label">Parallel groups</span>
        <input type="number" min={1} value={plan.maxParallelGroups} onChange={(e) => set((p) => void (p.maxParallelGroups = Math.max(1, Number(e.target.value))))} />
      </label>
      <label className="field">
        <span className="field__label">On failed gate</span>
        <select value={plan.rollback} onChange={(e) => set((p) => void (p.rollback = e.target.value as ReleasePlan['rollback']))} data-testid="plan-form-rollback">
          <option value="manual">pause (manual)</option>
          <option value="auto">roll back (auto)</option>
        </select>
      </label>
    </div>
  );
}
