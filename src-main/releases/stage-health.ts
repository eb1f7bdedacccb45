/**
 * Health for the whole release. A group's gate judges it once; a leak or a slow crash shows later.
 * This watch keeps looking at every group that succeeded, for as long as the release goes on
 * (later stages, their approvals, the post-stage bake): a new OOM kill, a crash loop, a restart or
 * a pod that stays not ready marks the group degraded with the evidence (`degraded` event), which
 * blocks approvals and stage transitions in the reducer until someone rolls back or overrides with
 * a reason. It also ends a bake (`stageBaked`) once the bake time has passed with no group degraded.
 *
 * Baselines are per group and per "healthy period": taken when the watch first sees the group
 * succeeded (after a restart of the app: when it loads), and again after an override, so evidence
 * that was overridden is not reported twice.
 */
import {
  TERMINAL_STATUSES,
  type Degraded,
  type ExecutionEvent,
  type ExecutionState,
  type GroupExecution,
} from '../../src-shared/releases/execution-model';
import { atOfVersion } from '../../src-shared/releases/execution-views';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { wasOomKilled } from '../../src-shared/workloads/oom';

/** A pod that stays not ready this long (plan seconds) after the gate passed degrades its group. */
export const NOT_READY_GRACE_SEC = 60;

interface Watched {
  /** Which healthy period this baseline belongs to (a new one starts after an override). */
  period: number;
  healthySince: number;
  baseline: Map<string, number>;
  notReadySince?: number;
}

export interface StageHealthInput {
  state: ExecutionState;
  pods: (g: GroupExecution) => readonly PodSummary[] | undefined;
  now: number;
  timeScale: number;
}

export class StageHealthWatch {
  private readonly watched = new Map<string, Watched>();

  /** Events for one execution: `degraded` per group that went bad, `stageBaked` when a bake is over. */
  events(input: StageHealthInput): ExecutionEvent[] {
    const { state, now } = input;
    if (!state.started || state.aborted || TERMINAL_STATUSES.includes(state.status)) {
      this.forget(state.id);
      return [];
    }
    const out: ExecutionEvent[] = [];
    for (const g of state.groups) {
      const key = `${state.id}|${g.key}`;
      if (g.phase !== 'succeeded' || (g.degraded && !g.degraded.overridden)) {
        this.watched.delete(key);
        continue;
      }
      const pods = input.pods(g);
      if (!pods) continue; // cluster not live: nothing to judge, nothing to forget
      const fresh = pods.filter((p) => !p.deleting && p.images.includes(g.toImage));
      const period = g.degraded?.overridden?.at ?? 0;
      let w = this.watched.get(key);
      if (!w || w.period !== period) {
        w = {
          period,
          healthySince: period || atOfVersion(state, g.changedAt) || now,
          baseline: new Map(fresh.map((p) => [p.uid, p.restarts])),
        };
        this.watched.set(key, w);
        continue;
      }
      const evidence = judge(g, fresh, w, now, input.timeScale);
      if (evidence) out.push({ type: 'degraded', group: g.key, evidence, actor: 'capstan', at: now });
    }
    const bake = state.bake;
    const bakeSec = state.config.bakeSec ?? 0;
    if (bake && out.length === 0 && ((now - bake.since) * input.timeScale) / 1000 >= bakeSec) {
      out.push({ type: 'stageBaked', stage: bake.stage, actor: 'capstan', at: now });
    }
    return out;
  }

  forget(executionId: string): void {
    for (const k of this.watched.keys()) if (k.startsWith(`${executionId}|`)) this.watched.delete(k);
  }
}

/** The first thing wrong with a succeeded group's new pods, OOM first (it causes the rest). */
export function judge(
  g: GroupExecution,
  fresh: readonly PodSummary[],
  w: Omit<Watched, 'period'>,
  now: number,
  timeScale: number,
): Omit<Degraded, 'overridden'> | undefined {
  const grew = (p: PodSummary) => p.restarts > (w.baseline.get(p.uid) ?? 0);
  // The detail names no clock time: `at` and `healthySince` carry them, shown in the reader's time zone.
  const base = (p: PodSummary, what: Degraded['what'], detail: string) => ({
    what,
    pod: p.name,
    restarts: p.restarts,
    at: p.lastTerminationAt ?? now,
    detail,
    healthySince: w.healthySince,
  });
  const oom = fresh.find((p) => grew(p) && wasOomKilled(p));
  if (oom) return base(oom, 'oom', `pod ${oom.name} was OOMKilled (${oom.restarts} restart(s))`);
  const loop = fresh.find((p) => p.status === 'CrashLoopBackOff');
  if (loop) return base(loop, 'crashloop', `pod ${loop.name} is in CrashLoopBackOff (${loop.restarts} restart(s))`);
  const restarted = fresh.find(grew);
  if (restarted) {
    const why = restarted.lastTerminationReason ? `, last reason ${restarted.lastTerminationReason}` : '';
    return base(
      restarted,
      'restart',
      `pod ${restarted.name} restarted (${w.baseline.get(restarted.uid) ?? 0} → ${restarted.restarts})${why}`,
    );
  }
  const expected = g.batches.reduce((a, b) => a + b, 0);
  const notReady = fresh.find((p) => !p.ready);
  const short = fresh.filter((p) => p.ready).length < expected;
  if (!notReady && !short) {
    w.notReadySince = undefined;
    return undefined;
  }
  w.notReadySince ??= now;
  if (((now - w.notReadySince) * timeScale) / 1000 < NOT_READY_GRACE_SEC) return undefined;
  const ready = fresh.filter((p) => p.ready).length;
  const who = notReady ?? fresh[0];
  return {
    what: 'not-ready',
    pod: who?.name ?? g.deployment,
    restarts: who?.restarts ?? 0,
    at: w.notReadySince,
    detail: `${ready}/${expected} new pods ready for ${Math.round(((now - w.notReadySince) * timeScale) / 1000)}s${notReady ? ` (${notReady.name}: ${notReady.status})` : ''}`,
    healthySince: w.healthySince,
  };
}
