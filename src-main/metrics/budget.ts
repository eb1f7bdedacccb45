/**
 * The history's memory budget (default 150 MB). Every container gets full resolution while
 * everything fits. When it would not, at steady state (a full history, not just what is held
 * now, so we coarsen before the memory is taken rather than after):
 *  1. interesting containers keep full resolution, most interesting first, up to half the budget:
 *     looked at (charted, in a top list), OOM-killed or restarted in the history, near their memory
 *     limit, growing;
 *  2. the others keep their last FINE_MS as taken (growth detection and the curve before a sudden
 *     OOM kill need them) and older samples in buckets of the finest of 1, 2, 5, 10, 15, 30, 60 min
 *     that fits the rest of the budget;
 *  3. if even hour buckets do not fit (hundreds of thousands of containers), their recent window
 *     shrinks towards one sample, and the status says the budget is exceeded.
 */
import type { ContainerHistory } from './history';
import { SERIES_OVERHEAD_BYTES } from './history';
import { PAGE_BYTES, SAMPLE_BYTES } from './sample-pool';

export const FINE_MS = 10 * 60_000;
const BUCKETS_MS = [1, 2, 5, 10, 15, 30, 60].map((m) => m * 60_000);
/** A ring's first and last pages are partly empty: a page per ring (measured at 50,000 containers). */
const PAGE_SLACK = PAGE_BYTES;

export interface BudgetInput {
  budgetBytes: number;
  horizonMs: number;
  /** Interval samples come at now. */
  intervalMs: number;
  containers: number;
  /** Containers with interest > 0. */
  interesting: number;
}

export interface BudgetPlan {
  /** How many of the interesting containers (most interesting first) keep full resolution. */
  fullCount: number;
  /** Bucket size for the others; 0 = everyone at full resolution. */
  coarseMs: number;
  /** Samples as taken that coarse containers keep. */
  fineSlots: number;
  /** Memory at steady state under this plan. */
  projectedBytes: number;
  overBudget: boolean;
}

export function planBudget(o: BudgetInput): BudgetPlan {
  const slots = (ms: number, every: number) => Math.ceil(ms / every) + 1;
  const perFull = slots(o.horizonMs, o.intervalMs) * SAMPLE_BYTES + PAGE_SLACK + SERIES_OVERHEAD_BYTES;
  const fineSlots = Math.min(slots(FINE_MS, o.intervalMs), slots(o.horizonMs, o.intervalMs));
  if (o.containers * perFull <= o.budgetBytes)
    return { fullCount: o.containers, coarseMs: 0, fineSlots, projectedBytes: o.containers * perFull, overBudget: false };
  const fullCount = Math.min(o.interesting, Math.floor(o.budgetBytes / 2 / perFull));
  const rest = o.containers - fullCount;
  const avail = o.budgetBytes - fullCount * perFull;
  const perCoarse = (fine: number, bucketMs: number) =>
    (fine + slots(Math.max(0, o.horizonMs - FINE_MS), bucketMs)) * SAMPLE_BYTES + 2 * PAGE_SLACK + SERIES_OVERHEAD_BYTES;
  for (const b of BUCKETS_MS) {
    if (b < 2 * o.intervalMs) continue; // a bucket of one sample saves nothing
    if (rest * perCoarse(fineSlots, b) <= avail)
      return { fullCount, coarseMs: b, fineSlots, projectedBytes: fullCount * perFull + rest * perCoarse(fineSlots, b), overBudget: false };
  }
  const b = BUCKETS_MS.at(-1)!;
  const fine = Math.max(2, Math.floor((avail / rest - perCoarse(0, b)) / SAMPLE_BYTES));
  const projectedBytes = fullCount * perFull + rest * perCoarse(Math.min(fine, fineSlots), b);
  return { fullCount, coarseMs: b, fineSlots: Math.min(fine, fineSlots), projectedBytes, overBudget: projectedBytes > o.budgetBytes };
}

/** What makes a container worth full resolution, as a score (0 = nothing); higher wins under pressure. */
export function interestScore(o: {
  inView: boolean;
  ooms: number;
  restartEvents: number;
  memoryPct?: number;
  growthPerMin?: number;
  memoryLimit?: number;
}): number {
  let s = 0;
  if (o.inView) s += 1000;
  if (o.ooms > 0) s += 500;
  else if (o.restartEvents > 0) s += 200;
  if (o.memoryPct !== undefined && o.memoryPct >= 80) s += 100 + o.memoryPct;
  // Growing enough to matter: towards the limit within a day, or 1 MiB/min without a limit.
  if (
    o.growthPerMin !== undefined &&
    o.growthPerMin > 0 &&
    (o.memoryLimit ? o.growthPerMin * 1440 >= 0.2 * o.memoryLimit : o.growthPerMin >= 2 ** 20)
  )
    s += 50;
  return s;
}

/** Puts every container at the resolution the plan gives it (a no-op for those already there). */
export function applyPlan(all: () => Iterable<ContainerHistory>, plan: BudgetPlan, fullSlots: number): void {
  let full: (h: ContainerHistory) => boolean = (h) => h.interest > 0;
  if (plan.coarseMs > 0) {
    const interesting: ContainerHistory[] = [];
    for (const h of all()) if (h.interest > 0) interesting.push(h);
    if (interesting.length > plan.fullCount) {
      interesting.sort((a, b) => b.interest - a.interest);
      const chosen = new Set(interesting.slice(0, plan.fullCount));
      full = (h) => chosen.has(h);
    }
  }
  for (const h of all()) {
    if (plan.coarseMs === 0 || full(h)) h.ring.setResolution(0, plan.fineSlots, fullSlots);
    else h.ring.setResolution(plan.coarseMs, plan.fineSlots, fullSlots);
  }
}
