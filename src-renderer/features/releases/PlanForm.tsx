import { useRef, type ReactNode } from 'react';
import { parsePlanYaml, stringifyPlanYaml, type PlanProblem } from '../../../src-shared/releases/plan-yaml';
import type { ReleasePlan } from '../../../src-shared/releases/plan';

/** The problems that touch a form field (its path, or something inside it). */
export const problemsAt = (problems: readonly PlanProblem[], path: string): PlanProblem[] =>
  problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`));

function Field({
  label,
  path,
  problems,
  children,
}: {
  label: string;
  path: string;
  problems: readonly PlanProblem[];
  children: ReactNode;
}) {
  const mine = problemsAt(problems, path);
  return (
    <label className={`field${mine.length ? ' field--error' : ''}`} data-path={path} data-error={mine.length ? 'true' : undefined}>
      <span className="field__label">{label}</span>
      {children}
      {mine.length ? (
        <span className="text-bad rel-form__error">
          {mine.map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.message}`).join('; ')}
        </span>
      ) : null}
    </label>
  );
}

/**
 * The form side of the planner: the fields people change most, written back into the YAML (the
 * YAML stays the source of truth). While the YAML has an error the form stays, showing the last
 * valid plan read-only and marking the fields the error is about, so nobody loses their place.
 */
export function PlanForm({ yaml, onChange }: { yaml: string; onChange: (yaml: string) => void }) {
  const lastGood = useRef<ReleasePlan | null>(null);
  const parsed = parsePlanYaml(yaml);
  if (parsed.ok) lastGood.current = parsed.plan;
  const plan = parsed.ok ? parsed.plan : lastGood.current;
  const problems = parsed.ok ? [] : parsed.problems;
  if (!plan)
    return (
      <p className="muted rel-form">
        {yaml.trim()
          ? 'Fix the YAML (errors are marked at their line) to edit the plan in the form.'
          : 'Draft a plan from the board, pick a saved one, or paste YAML.'}
      </p>
    );
  const frozen = !parsed.ok;
  const set = (patch: (p: ReleasePlan) => void) => {
    if (frozen) return;
    const next = structuredClone(plan);
    patch(next);
    onChange(stringifyPlanYaml(next));
  };
  const syntax = problems.filter((p) => !p.path);
  return (
    <div className={`rel-form${frozen ? ' rel-form--frozen' : ''}`} data-testid="plan-form" data-frozen={frozen ? 'true' : undefined}>
      {frozen ? (
        <p className="text-bad rel-form__note" data-testid="plan-form-frozen">
          The YAML has {problems.length} error(s){syntax[0]?.line !== undefined ? ` (first at line ${syntax[0].line})` : ''}: the form shows
          the last valid plan and is read-only until the YAML is fixed.
        </p>
      ) : null}
      <fieldset disabled={frozen} className="rel-form__fields">
        <Field label="Name" path="name" problems={problems}>
          <input value={plan.name} onChange={(e) => set((p) => void (p.name = e.target.value))} data-testid="plan-form-name" />
        </Field>
        <Field label="Image" path="image.repository" problems={problems}>
          <input value={plan.image.repository} onChange={(e) => set((p) => void (p.image.repository = e.target.value))} />
        </Field>
        <Field label="Tag" path="image.tag" problems={problems}>
          <input value={plan.image.tag} onChange={(e) => set((p) => void (p.image.tag = e.target.value))} data-testid="plan-form-tag" />
        </Field>
        <Field label="Batches" path="defaults.batchPattern" problems={problems}>
          <input
            value={plan.defaults?.batchPattern ?? ''}
            placeholder="25%"
            onChange={(e) => set((p) => void (p.defaults = { ...p.defaults, batchPattern: e.target.value || undefined }))}
            data-testid="plan-form-batches"
          />
        </Field>
        <Field label="Parallel groups" path="maxParallelGroups" problems={problems}>
          <input
            type="number"
            min={1}
            value={plan.maxParallelGroups}
            onChange={(e) => set((p) => void (p.maxParallelGroups = Math.max(1, Number(e.target.value))))}
          />
        </Field>
        <Field label="Bake after each stage" path="gates.bake" problems={problems}>
          <input
            value={plan.gates?.bake ?? ''}
            placeholder="10m (default)"
            onChange={(e) => set((p) => void (p.gates = { ...p.gates, bake: e.target.value || undefined }))}
            data-testid="plan-form-bake"
          />
        </Field>
        <Field label="On failed gate" path="rollback" problems={problems}>
          <select
            value={plan.rollback}
            onChange={(e) => set((p) => void (p.rollback = e.target.value as ReleasePlan['rollback']))}
            data-testid="plan-form-rollback"
          >
            <option value="manual">pause (manual)</option>
            <option value="auto">roll back (auto)</option>
          </select>
        </Field>
      </fieldset>
    </div>
  );
}
