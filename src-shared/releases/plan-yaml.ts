/**
 * Release plans as YAML a person can read and diff: keys are written in one fixed order (so two
 * saves of the same plan are byte-identical and a diff shows only real changes), comments in a
 * file are tolerated on read, and every problem is reported with its YAML line and column.
 */
import { Document, LineCounter, isMap, isScalar, parseDocument, visit, type Node } from 'yaml';
import type { z } from 'zod';
import type { AppError } from '../result';
import { planSchema, type GroupRef, type ReleasePlan } from './plan';

export interface PlanProblem {
  /** Dotted path such as `stages.1.groups.0.batchPattern`; empty for the whole document. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export type PlanParseResult = { ok: true; plan: ReleasePlan } | { ok: false; problems: PlanProblem[] };

/**
 * Keys whose values are always strings. YAML would read `tag: 1.10` as the number 1.1 and
 * `name: 2026` as a number; we take the characters as written instead.
 */
const STRING_KEYS = new Set([
  'name',
  'app',
  'description',
  'repository',
  'tag',
  'digest',
  'cluster',
  'namespace',
  'deployment',
  'group',
  'datacenter',
  'batchPattern',
]);

export function parsePlanYaml(text: string): PlanParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { path: '', line: pos.line, column: pos.col, message: `YAML syntax: ${firstLine(e.message)}` };
      }),
    };
  }
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && STRING_KEYS.has(String(pair.key.value)) && isScalar(pair.value)) {
        const v = pair.value;
        if (typeof v.value !== 'string' && v.value !== null && v.source !== undefined) v.value = v.source;
      }
    },
  });
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      problems: [{ path: '', line: 1, column: 1, message: 'A release plan must be a YAML mapping (name:, app:, image:, stages: ...).' }],
    };
  }
  const parsed = planSchema.safeParse(data);
  if (parsed.success) return { ok: true, plan: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap((issue) => toProblems(issue, doc, lineCounter)) };
}

function toProblems(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter): PlanProblem[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const at = keyNode(doc, issue.path, key) ?? nearestNode(doc, issue.path);
      return { path: [...path, key].join('.'), ...position(at, lc), message: `unknown field "${key}"` };
    });
  }
  const node = doc.getIn(issue.path, true) as Node | undefined;
  const missing = node === undefined;
  const message = missing && issue.code === 'invalid_type' ? `required field is missing (${issue.message})` : issue.message;
  return [{ path: path.join('.'), ...position(node ?? nearestNode(doc, issue.path), lc), message }];
}

function keyNode(doc: Document, path: PropertyKey[], key: string): Node | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The deepest existing node on the path (a missing field is reported where its parent is). */
function nearestNode(doc: Document, path: PropertyKey[]): Node | undefined {
  for (let n = path.length - 1; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node) return node as Node;
  }
  return (doc.contents as Node | null) ?? undefined;
}

function position(node: Node | undefined, lc: LineCounter): { line?: number; column?: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return {};
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;

export function formatPlanProblems(problems: PlanProblem[]): string {
  return problems
    .map((p) => `${p.line !== undefined ? `line ${p.line}, column ${p.column}: ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`)
    .join('\n');
}

export function planProblemsToError(problems: PlanProblem[]): AppError {
  return {
    code: 'plan-invalid',
    message: `The release plan has ${problems.length} problem(s); fix them and load it again:\n${formatPlanProblems(problems)}`,
  };
}

// ---- writing -----------------------------------------------------------------------------

/** Copy `obj` with keys in `order`, dropping undefined (so absent stays absent, not `null`). */
function ordered<T extends object>(obj: T, order: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

const GROUP_ORDER: (keyof GroupRef)[] = ['group', 'datacenter', 'cluster', 'namespace', 'deployment', 'fort', 'batchPattern', 'minOnline'];

export function planToOrderedObject(plan: ReleasePlan): Record<string, unknown> {
  const g = plan.gates;
  return {
    ...ordered(plan, ['name', 'app', 'description']),
    image: ordered(plan.image, ['repository', 'tag', 'digest']),
    ...ordered(plan, ['snapshotDate', 'createdAt', 'maxParallelGroups', 'rollback', 'onClusterLost']),
    ...(plan.defaults ? { defaults: ordered(plan.defaults, ['batchPattern', 'minOnline']) } : {}),
    ...(g
      ? {
          gates: {
            ...(g.approval ? { approval: ordered(g.approval, ['beforeStage', 'afterFort']) } : {}),
            ...(g.soak ? { soak: ordered(g.soak, ['afterFort', 'afterBatch', 'afterStage']) } : {}),
            ...(g.health ? { health: ordered(g.health, ['noNewRestarts', 'noOOMKilled', 'noCrashLoop', 'readyWithin']) } : {}),
            ...(g.bake !== undefined ? { bake: g.bake } : {}),
          },
        }
      : {}),
    stages: plan.stages.map((s) => ({ ...ordered(s, ['name', 'approval']), groups: s.groups.map((ref) => ordered(ref, GROUP_ORDER)) })),
  };
}

/** Stable, commented YAML for a plan. parsePlanYaml(stringifyPlanYaml(p)) deep-equals p. */
export function stringifyPlanYaml(plan: ReleasePlan): string {
  const doc = new Document(planToOrderedObject(plan));
  doc.commentBefore = ` Capstan release plan "${plan.name}" for ${plan.app}. Validated against the snapshot of ${plan.snapshotDate}.`;
  return doc.toString({ lineWidth: 0 });
}
