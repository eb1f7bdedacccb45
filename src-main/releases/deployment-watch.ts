/**
 * The executor's watch over every Deployment a release holds, for the whole release (updating,
 * soak, approval waits, paused): a change of spec, labels or annotations that the executor did
 * not write is reported with what changed and who changed it (the managedFields manager that
 * wrote last). Status and the controller's revision annotation are not changes.
 *
 * How "ours" is known: every Deployment write of the executor hands its result to `wrote()`, which
 * becomes the baseline; anything else that moves the fingerprint is someone else's.
 */
import { changeCauseAnnotation } from '../../src-shared/workloads/summarize';
import type { DeploymentWithStrategy } from './batch-driver';

/** Our writes carry this field manager (the API server records it in managedFields). */
export const FIELD_MANAGER = 'capstan';
const IGNORED_ANNOTATIONS = new Set(['deployment.kubernetes.io/revision']);

interface Baseline {
  resourceVersion?: string;
  fingerprint: string;
  view: Record<string, unknown>;
}

export interface ExternalChange {
  detail: string;
  by?: string;
}

export class DeploymentWatch {
  private readonly baselines = new Map<string, Baseline>();

  /** The executor wrote this object (its patch response): it is the new baseline. */
  wrote(key: string, d: DeploymentWithStrategy): void {
    this.baselines.set(key, baseline(d));
  }

  forget(key: string): void {
    this.baselines.delete(key);
  }

  /** Compare a fresh read with the baseline; the first read of a key only sets it. */
  check(key: string, d: DeploymentWithStrategy): ExternalChange | undefined {
    const before = this.baselines.get(key);
    const now = baseline(d);
    this.baselines.set(key, now);
    if (!before || before.resourceVersion === now.resourceVersion || before.fingerprint === now.fingerprint) return undefined;
    return { detail: describeChanges(before.view, now.view), by: lastManager(d) };
  }
}

function view(d: DeploymentWithStrategy): Record<string, unknown> {
  const annotations = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !IGNORED_ANNOTATIONS.has(k)));
  return { spec: d.spec ?? {}, labels: d.metadata.labels ?? {}, annotations };
}

function baseline(d: DeploymentWithStrategy): Baseline {
  const v = view(d);
  return { resourceVersion: d.metadata.resourceVersion, fingerprint: stable(v), view: v };
}

/** JSON with sorted keys, so that key order never looks like a change. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** "spec.template…image: a → b; spec.paused: false → true; this release's claim removed (annotations capstan.io/release)" (first few). */
export function describeChanges(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (stable(a) === stable(b) || (a == null && b == null)) return;
    const objects = a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
    const containers = path.endsWith('containers') && Array.isArray(a) && Array.isArray(b);
    if (containers) {
      for (const c of b as { name: string }[])
        walk(
          (a as { name: string }[]).find((x) => x.name === c.name),
          c,
          `${path}[${c.name}]`,
        );
      return;
    }
    if (!objects) {
      out.push(`${path}: ${short(a)} → ${short(b)}`);
      return;
    }
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of [...keys].sort()) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
  };
  walk(before, after, '');
  // Capstan's own claim annotations (the release, the original settings, the replicas) and its
  // change cause are one fact to a person, "this release's claim was removed" (`kubectl rollout
  // undo` drops them), not lines of Capstan's JSON.
  const ours = (line: string) =>
    line.startsWith('annotations.capstan.io/') || line.startsWith(`annotations.${changeCauseAnnotation}: capstan `);
  const claim = out.filter(ours);
  if (claim.length > 0) {
    const keys = claim.map((line) => line.slice('annotations.'.length, line.indexOf(': ')));
    const removed = claim.every((line) => line.endsWith(' → (none)'));
    const rest = out.filter((line) => !ours(line));
    out.length = 0;
    out.push(...rest, `this release's claim ${removed ? 'removed' : 'changed'} (annotations ${keys.join(', ')})`);
  }
  // What a person needs first: the image, then the rest of the spec, then annotations.
  const rank = (line: string) => (/\.image: /.test(line) ? 0 : line.startsWith('spec.') ? 1 : 2);
  out.sort((x, y) => rank(x) - rank(y));
  const shown = out.slice(0, 4).join('; ');
  return out.length > 4 ? `${shown}; and ${out.length - 4} more` : shown || 'the Deployment changed';
}

function short(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The manager that wrote the Deployment last, other than Capstan and status writers. */
export function lastManager(d: DeploymentWithStrategy): string | undefined {
  const fields =
    (d.metadata as { managedFields?: { manager?: string; time?: string; subresource?: string; operation?: string }[] }).managedFields ?? [];
  const candidates = fields.filter((f) => f.manager && f.manager !== FIELD_MANAGER && f.subresource !== 'status');
  candidates.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  const last = candidates.at(-1);
  return last ? `${last.manager}${last.operation ? ` (${last.operation})` : ''}` : undefined;
}
