/**
 * Batch patterns (DESIGN.md "Groups and releases"): `25%` (one step, repeated until 100%) or a list
 * `10%+20%+30%+40%` (steps summing to 100%). Each step is at most 50% so that no single batch can
 * move more than half a group to the new version at once. Percentages are held in hundredths of a
 * percent (basis points) so that `12.5%` is exact and sums never suffer from floating-point drift.
 *
 * Rounding (splitBatches): the pattern splits the instances that remain after the fort, using
 * CUMULATIVE FLOOR: after batch k, at most floor(rest × cum%_k) instances are updated, so the
 * release is never ahead of the pattern's share. Every batch updates at least one instance (a batch
 * that would round to zero takes one, so a small group still progresses), and the last step is
 * 100%, so the last batch always completes the group. Steps that have nothing left to do vanish.
 */
import { err, ok, type Result } from '../result';

export type BatchPattern = { kind: 'repeat'; stepBp: number } | { kind: 'list'; stepsBp: number[] };

const FULL = 10_000; // 100% in basis points
const MAX_STEP = 5_000; // 50%
const STEP_RE = /^(\d{1,3})(?:\.(\d{1,2}))?%$/;

/** Parse `25%` or `10%+20%+30%+40%`. Errors name the offending part. */
export function parseBatchPattern(text: string): Result<BatchPattern> {
  const trimmed = text.trim();
  if (trimmed === '') return err('plan-invalid', 'Batch pattern is empty: write a step such as 25% or a list such as 10%+20%+30%+40%.');
  const parts = trimmed.split('+').map((p) => p.trim());
  const steps: number[] = [];
  for (const [i, part] of parts.entries()) {
    const m = STEP_RE.exec(part);
    if (!m) {
      return err('plan-invalid', `Batch pattern "${trimmed}": step ${i + 1} "${part}" is not a percentage such as 25% or 12.5%.`);
    }
    const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    if (bp <= 0) return err('plan-invalid', `Batch pattern "${trimmed}": step ${i + 1} "${part}" must be more than 0%.`);
    if (bp > MAX_STEP)
      return err('plan-invalid', `Batch pattern "${trimmed}": step ${i + 1} "${part}" is more than 50%; split it into smaller steps.`);
    steps.push(bp);
  }
  if (steps.length === 1) return ok({ kind: 'repeat', stepBp: steps[0]! });
  const sum = steps.reduce((a, b) => a + b, 0);
  if (sum !== FULL) {
    return err(
      'plan-invalid',
      `Batch pattern "${trimmed}": steps sum to ${formatBp(sum)}, they must sum to 100% (or give one step such as 25% to repeat it).`,
    );
  }
  return ok({ kind: 'list', stepsBp: steps });
}

export function formatBatchPattern(p: BatchPattern): string {
  return p.kind === 'repeat' ? formatBp(p.stepBp) : p.stepsBp.map(formatBp).join('+');
}

export function formatBp(bp: number): string {
  return `${bp % 100 === 0 ? bp / 100 : (bp / 100).toFixed(2).replace(/0$/, '')}%`;
}

/** Cumulative percentages (basis points) of the pattern, ending at exactly 100%. */
export function cumulativeSteps(p: BatchPattern): number[] {
  const steps = p.kind === 'list' ? p.stepsBp : Array.from({ length: Math.ceil(FULL / p.stepBp) }, () => p.stepBp);
  const out: number[] = [];
  let acc = 0;
  for (const s of steps) {
    acc = Math.min(FULL, acc + s);
    out.push(acc);
  }
  return out;
}

/** Minimum number (or share) of a group's instances that must stay online. */
export type MinOnline = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

/** Parse `3` / `"3"` or `"75%"`. */
export function parseMinOnline(input: number | string): Result<MinOnline> {
  if (typeof input === 'number' || /^\d+$/.test(input.trim())) {
    const n = Number(input);
    if (!Number.isInteger(n) || n < 0)
      return err('plan-invalid', `minOnline ${input} must be a whole number of instances (0 or more) or a percentage such as 75%.`);
    return ok({ kind: 'count', value: n });
  }
  const m = /^(\d{1,3})%$/.exec(input.trim());
  if (!m || Number(m[1]) > 100)
    return err('plan-invalid', `minOnline "${input}" must be a whole number of instances or a percentage from 0% to 100%.`);
  return ok({ kind: 'percent', value: Number(m[1]) });
}

export const formatMinOnline = (m: MinOnline): number | string => (m.kind === 'count' ? m.value : `${m.value}%`);

/** Instances that must stay online out of `replicas`; percentages round UP (the safe side). */
export function minOnlineCount(replicas: number, m: MinOnline | undefined): number {
  if (!m) return 0;
  return m.kind === 'count' ? m.value : Math.ceil((replicas * m.value) / 100);
}

export interface Batch {
  /** 0-based position in the group's sequence (the fort, when there is one, is index 0). */
  index: number;
  fort: boolean;
  /** Instances this batch updates. */
  size: number;
  /** Instances updated once this batch is done. */
  cumulative: number;
}

export interface BatchSplit {
  replicas: number;
  batches: Batch[];
  /** The largest number of instances a single batch takes out at once. */
  maxBatch: number;
  /** replicas − minimum online: how many the plan would tolerate down (the executor takes none down). */
  maxDown: number;
  violations: string[];
}

export interface SplitOptions {
  fort: boolean;
  minOnline?: MinOnline;
}

/** The exact instance counts per batch (see the rounding rules at the top of the file). */
export function splitBatches(replicas: number, pattern: BatchPattern, opts: SplitOptions): BatchSplit {
  const batches: Batch[] = [];
  let done = 0;
  if (opts.fort && replicas > 0) {
    batches.push({ index: 0, fort: true, size: 1, cumulative: 1 });
    done = 1;
  }
  const base = done;
  const rest = replicas - base;
  for (const cum of cumulativeSteps(pattern)) {
    if (done >= replicas) break;
    const target = Math.max(done + 1, base + Math.floor((rest * cum) / FULL));
    batches.push({ index: batches.length, fort: false, size: target - done, cumulative: target });
    done = target;
  }
  const maxBatch = batches.reduce((m, b) => Math.max(m, b.size), 0);
  const minOnline = minOnlineCount(replicas, opts.minOnline);
  const violations: string[] = [];
  // The executor grows each batch's new pods before it retires old ones (maxSurge b_k + 1,
  // maxUnavailable 0; src-main/releases/batch-driver.ts): ready pods stay at N whatever the batch
  // size, so the only minimum it cannot keep is one above N.
  if (replicas > 0 && minOnline > replicas) violations.push(MIN_ONLINE_EXPLAINED(minOnline, replicas));
  return { replicas, batches, maxBatch, maxDown: Math.max(0, replicas - minOnline), violations };
}

/** Why a minimum online above N is the only one that fails (the validation message says how batches run). */
const MIN_ONLINE_EXPLAINED = (minOnline: number, replicas: number) =>
  `minimum online is ${minOnline} but the group has only ${replicas} instance(s). Batches never take instances down: each batch's new pods start and become ready before as many old ones are retired, so ${replicas} stay online throughout (batch sizes cost extra pods of capacity while they run, not availability); set minOnline to at most ${replicas}.`;

/** "fort", "batch 2/5": how a board cell and the preview name a batch. */
export function batchLabel(split: Pick<BatchSplit, 'batches'>, index: number): string {
  const b = split.batches[index];
  if (!b) return `batch ${index + 1}`;
  if (b.fort) return 'fort';
  const nonFort = split.batches.filter((x) => !x.fort);
  return `batch ${nonFort.indexOf(b) + 1}/${nonFort.length}`;
}
