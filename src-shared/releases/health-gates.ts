/**
 * Health gates of a batch, evaluated on the pods of one Deployment (PodSummary, as the board sees
 * them): no OOMKilled, no CrashLoopBackOff, no new restarts, and the batch's new pods ready within
 * the deadline. Only pods running the new image count: an old pod restarting is not this
 * release's doing, and judging it would fail releases for the wrong reason. OOMKilled is checked
 * first because it is usually the cause of the restarts and the crash loop that follow it.
 */
import type { PodSummary } from '../workloads/contract';
import { wasOomKilled } from '../workloads/oom';
import type { HealthGate } from './execution-model';
import type { EffectiveGates } from './plan';

export interface HealthInput {
  gates: Pick<EffectiveGates, 'noNewRestarts' | 'noOOMKilled' | 'noCrashLoop' | 'readyWithinSec'>;
  /** Restart counts per pod uid when the check began (pods created later start from 0). */
  baselineRestarts: Readonly<Record<string, number>>;
  pods: readonly PodSummary[];
  toImage: string;
  /** New-version pods expected after this batch (T_k). */
  expectedNew: number;
  /** Epoch ms when the batch started updating (the ready deadline counts from here). */
  startedAt: number;
  now: number;
}

export type HealthVerdict =
  { verdict: 'pass'; detail: string } | { verdict: 'pending'; detail: string } | { verdict: 'fail'; gate: HealthGate; detail: string };

export function evaluateHealth(input: HealthInput): HealthVerdict {
  const { gates } = input;
  const fresh = input.pods.filter((p) => !p.deleting && p.images.includes(input.toImage));
  if (gates.noOOMKilled) {
    const oom = fresh.find(wasOomKilled);
    if (oom) return { verdict: 'fail', gate: 'no-oomkilled', detail: `pod ${oom.name} was OOMKilled (${oom.restarts} restart(s))` };
  }
  if (gates.noCrashLoop) {
    const loop = fresh.find((p) => p.status === 'CrashLoopBackOff');
    if (loop)
      return { verdict: 'fail', gate: 'no-crashloop', detail: `pod ${loop.name} is in CrashLoopBackOff (${loop.restarts} restart(s))` };
  }
  if (gates.noNewRestarts) {
    const restarted = fresh.find((p) => p.restarts > (input.baselineRestarts[p.uid] ?? 0));
    if (restarted) {
      const before = input.baselineRestarts[restarted.uid] ?? 0;
      return {
        verdict: 'fail',
        gate: 'no-new-restarts',
        detail: `pod ${restarted.name} restarted (${before} → ${restarted.restarts})${restarted.lastTerminationReason ? `, last reason ${restarted.lastTerminationReason}` : ''}`,
      };
    }
  }
  const ready = fresh.filter((p) => p.ready).length;
  const elapsedSec = Math.round((input.now - input.startedAt) / 1000);
  if (ready >= input.expectedNew) return { verdict: 'pass', detail: `${ready}/${input.expectedNew} new pods ready` };
  if (elapsedSec > gates.readyWithinSec) {
    const notReady = fresh.filter((p) => !p.ready).map((p) => `${p.name} (${p.status})`);
    return {
      verdict: 'fail',
      gate: 'ready',
      detail: `${ready}/${input.expectedNew} new pods ready after ${elapsedSec}s (deadline ${gates.readyWithinSec}s)${notReady.length ? `; not ready: ${notReady.slice(0, 5).join(', ')}` : ''}`,
    };
  }
  return { verdict: 'pending', detail: `${ready}/${input.expectedNew} new pods ready (${elapsedSec}s of ${gates.readyWithinSec}s)` };
}

/** Restart counts to compare against later: take them when a batch starts. */
export const restartBaseline = (pods: readonly PodSummary[]): Record<string, number> =>
  Object.fromEntries(pods.map((p) => [p.uid, p.restarts]));
