/**
 * Health for the whole release, in the reducer: a group that went bad after its gate passed
 * (degraded) blocks approvals and automatic stage transitions until it is rolled back or someone
 * overrides with a reason; the post-stage bake holds the next stage; history counts batches 1-based
 * and records no "x → x" no-ops.
 */
import { describe, expect, it } from 'vitest';
import { applyEvent } from './execution';
import { createExecution, type ExecutionEvent, type ExecutionState } from './execution-model';
import { needsMe } from './execution-views';
import { fatDoneEvents, fixturePlan, fixtureSnapshot } from './fixtures';
import type { ReleasePlan } from './plan';
import { resolvePlan } from './resolve';

type Ev = ExecutionEvent extends infer E ? (E extends ExecutionEvent ? Omit<E, 'at' | 'actor'> : never) : never;
let clock = 1_000;
const FAT = 'fat/shop/orders-fat';
const UAT = 'uat/shop/orders-uat';

function make(overrides: Partial<ReleasePlan> = {}): ExecutionState {
  const plan = fixturePlan(overrides);
  return createExecution('rel-1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0);
}
const apply = (s: ExecutionState, e: Ev, actor = 'alice') => applyEvent(s, { ...e, at: clock++, actor } as ExecutionEvent);
function step(s: ExecutionState, e: Ev, actor = 'alice'): ExecutionState {
  const r = apply(s, e, actor);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const run = (s: ExecutionState, ...events: Ev[]) => events.reduce((acc, e) => step(acc, e), s);
const fatDone: Ev[] = fatDoneEvents(FAT);
const oom = {
  what: 'oom',
  at: 5_000,
  pod: 'orders-fat-abc',
  restarts: 1,
  detail: 'pod orders-fat-abc was OOMKilled',
  healthySince: 4_000,
} as const;
const gates = fixturePlan().gates!;

describe('degraded after the gate', () => {
  it('blocks the next stage approval without an override; the override with a reason is recorded', () => {
    let s = run(make(), ...fatDone);
    expect(s.status).toBe('awaiting-approval');
    s = step(s, { type: 'degraded', group: FAT, evidence: oom }, 'capstan');
    expect(s.status).toBe('degraded');
    expect(needsMe(s).map((n) => n.kind)).toContain('degraded');
    const refused = apply(s, { type: 'approvalGiven', version: s.version });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/orders-fat.*degraded.*OOMKilled.*override and a reason/);
    expect(apply(s, { type: 'approvalGiven', version: s.version, override: '' }).ok).toBe(false);
    s = step(s, { type: 'approvalGiven', version: s.version, override: 'known leak, fixed by config in UAT' }, 'bob');
    expect(s.groups.find((g) => g.key === UAT)!.phase).toBe('rolling');
    expect(s.groups.find((g) => g.key === FAT)!.degraded!.overridden).toMatchObject({
      actor: 'bob',
      reason: 'known leak, fixed by config in UAT',
    });
    const last = s.history.at(-1)!;
    expect(last.action).toContain('override: "known leak, fixed by config in UAT"');
    expect(last.changes.join('\n')).toMatch(/overridden by bob/);
  });

  it('stops an automatic stage transition (no approval) and the bake, until rolled back or overridden', () => {
    const noApproval: Partial<ReleasePlan> = { gates: { ...gates, approval: { beforeStage: false }, bake: '10m' } };
    let s = run(make(noApproval), ...fatDone);
    expect(s.status).toBe('baking');
    expect(s.bake).toMatchObject({ stage: 0 });
    expect(s.groups.find((g) => g.key === UAT)!.phase).toBe('pending');
    s = step(s, { type: 'degraded', group: FAT, evidence: oom }, 'capstan');
    expect(apply(s, { type: 'stageBaked', stage: 0 }, 'capstan').ok).toBe(false);
    expect(s.groups.find((g) => g.key === UAT)!.phase).toBe('pending');
    // Rolling the degraded group back ends the block (and the release does not move on).
    const back = step(s, { type: 'rollback', group: FAT });
    expect(back.status).toBe('rolling-back');
    // Or continue anyway, with a reason: the bake finishes and UAT starts on its own.
    s = step(s, { type: 'overrideDegraded', reason: 'pool size fixed in UAT config' }, 'bob');
    s = step(s, { type: 'stageBaked', stage: 0 }, 'capstan');
    expect(s.groups.find((g) => g.key === UAT)!.phase).toBe('rolling');
  });

  it('holds the next stage through the bake; the last stage bakes before the release succeeds', () => {
    let s = run(
      make({ gates: { ...gates, approval: { beforeStage: false }, bake: '5m' }, stages: fixturePlan().stages.slice(0, 1) }),
      ...fatDone,
    );
    expect(s.status).toBe('baking');
    expect(s.history.at(-1)!.changes.join('\n')).toMatch(/stage 1 \(fat\) bakes 5m/);
    s = step(s, { type: 'stageBaked', stage: 0 }, 'capstan');
    expect(s.status).toBe('succeeded');
  });

  it('refuses degraded evidence for a group that is still under its own gates', () => {
    const s = step(make(), { type: 'start' });
    expect(apply(s, { type: 'degraded', group: FAT, evidence: oom }, 'capstan').ok).toBe(false);
  });
});

describe('history', () => {
  it('numbers batches 1-based like the rest of the app and records no no-op transitions', () => {
    const s = run(make(), ...fatDone);
    const actions = s.history.map((h) => h.action);
    expect(actions).toContain(`batchDone ${FAT} batch 1/2`);
    expect(actions).toContain(`batchDone ${FAT} batch 2/2`);
    for (const h of s.history) for (const c of h.changes) expect(c).not.toMatch(/: (.+) → \1$/);
  });
});

describe('countdowns', () => {
  it('soak and bake say how much is left', async () => {
    const { soakLeft, bakeLeft } = await import('./execution-views');
    let s = run(
      make({ gates: { ...gates, soak: { afterBatch: '2m' }, bake: '10m' } }),
      { type: 'start' },
      { type: 'batchDone', group: FAT, batch: 0 },
    );
    const g = s.groups.find((x) => x.key === FAT)!;
    const since = s.history.at(-1)!.at;
    expect(soakLeft(s, g, since + 30_000)).toBe(90);
    s = run(
      s,
      { type: 'gatePassed', group: FAT, gate: 'health' },
      { type: 'bakeElapsed', group: FAT },
      { type: 'batchDone', group: FAT, batch: 1 },
      { type: 'gatePassed', group: FAT, gate: 'health' },
    );
    expect(bakeLeft(s, s.bake!.since + 60_000)).toEqual({ stage: 0, leftSec: 540 });
  });
});
