import { describe, expect, it } from 'vitest';
import { applyEvent } from './execution';
import { createExecution, type ExecutionEvent, type ExecutionState } from './execution-model';
import { groupProgress, needsMe } from './execution-views';
import { fixturePlan, fixtureSnapshot } from './fixtures';
import { resolvePlan } from './resolve';

const EAST = 'pro-east-1/shop/orders';
const WEST = 'pro-west-1/shop/orders';
function proOnly(): ExecutionState {
  const plan = fixturePlan({ stages: [{ name: 'pro', groups: [{ group: 'pro' }] }] });
  return createExecution('rel-1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0);
}
let t = 0;
const step = (s: ExecutionState, e: Record<string, unknown>): ExecutionState => {
  t += 60_000;
  const r = applyEvent(s, { at: t, actor: 'a', ...e } as ExecutionEvent);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('execution views', () => {
  it('labels progress like the board cell', () => {
    let s = step(proOnly(), { type: 'start' });
    expect(groupProgress(s.groups[0]!)).toMatchObject({ label: 'fort', updated: 0, replicas: 10 });
    s = step(s, { type: 'fortDone', group: EAST });
    expect(groupProgress(s.groups[0]!)).toMatchObject({ label: 'fort done', updated: 1, fortDone: true });
    s = step(s, { type: 'gatePassed', group: EAST, gate: 'health' });
    s = step(s, { type: 'bakeElapsed', group: EAST });
    s = step(s, { type: 'approvalGiven', group: EAST, version: s.version });
    s = step(s, { type: 'batchDone', group: EAST, batch: 1 });
    expect(groupProgress(s.groups[0]!)).toMatchObject({ label: 'fort done, batch 1/4', updated: 3, batch: 1, batches: 4 });
  });
  it('lists what waits on a person, oldest first, with the version to approve', () => {
    t = 0;
    let s = step(proOnly(), { type: 'start' }); // t = 60 s
    s = step(s, { type: 'fortDone', group: EAST }); // 120 s: EAST baking
    s = step(s, { type: 'gatePassed', group: EAST, gate: 'health' });
    s = step(s, { type: 'bakeElapsed', group: EAST }); // only approval left
    s = step(s, { type: 'gateFailed', group: WEST, gate: 'no-crashloop', detail: 'pod x CrashLoopBackOff' });
    const list = needsMe(s);
    expect(list.map((n) => [n.kind, n.group, n.since])).toEqual([
      ['approve-fort', EAST, 120_000],
      ['paused', WEST, 300_000],
    ]);
    expect(list[1]!.message).toBe(`${WEST}: gate no-crashloop failed: pod x CrashLoopBackOff`);
    // approving with the version the list carried works
    s = step(s, { type: 'approvalGiven', group: EAST, version: list[0]!.version });
    expect(needsMe(s).map((n) => n.kind)).toEqual(['paused']);
  });
});
