import { describe, expect, it } from 'vitest';
import { applyEvent, handedBackNote, recordRejection } from './execution';
import { createExecution, executionStateSchema, type ExecutionEvent, type ExecutionState } from './execution-model';
import { describeGroup } from './execution-schedule';
import { fixturePlan, fixtureSnapshot } from './fixtures';
import type { ReleasePlan } from './plan';
import { resolvePlan } from './resolve';

type Ev = ExecutionEvent extends infer E ? (E extends ExecutionEvent ? Omit<E, 'at' | 'actor'> : never) : never;
let clock = 1_000;
const FAT = 'fat/shop/orders-fat';
const UAT = 'uat/shop/orders-uat';
const EAST = 'pro-east-1/shop/orders';
const WEST = 'pro-west-1/shop/orders';

function make(overrides: Partial<ReleasePlan> = {}): ExecutionState {
  const plan = fixturePlan(overrides);
  return createExecution('rel-1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0);
}
function step(s: ExecutionState, e: Ev, actor = 'alice'): ExecutionState {
  const r = applyEvent(s, { ...e, at: clock++, actor } as ExecutionEvent);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function run(s: ExecutionState, ...events: Ev[]): ExecutionState {
  return events.reduce((acc, e) => step(acc, e), s);
}
function reject(s: ExecutionState, e: Ev) {
  const r = applyEvent(s, { ...e, at: clock++, actor: 'bob' } as ExecutionEvent);
  if (r.ok) throw new Error(`expected ${e.type} to be rejected`);
  return r.error;
}
const group = (s: ExecutionState, key: string) => s.groups.find((g) => g.key === key)!;
const phaseOf = (s: ExecutionState, key: string) => describeGroup(group(s, key));

/** Non-fort group with 2 batches of 1: batch 1 (health+soak), batch 2 (health). */
const twoBatches = (key: string): Ev[] => [
  { type: 'batchDone', group: key, batch: 0 },
  { type: 'gatePassed', group: key, gate: 'health' },
  { type: 'bakeElapsed', group: key },
  { type: 'batchDone', group: key, batch: 1 },
  { type: 'gatePassed', group: key, gate: 'health' },
];
/** PRO group, fort then 4 batches [1,2,2,2,3]; approval after fort given for `version`. */
function proGroup(s: ExecutionState, key: string): ExecutionState {
  s = run(s, { type: 'fortDone', group: key }, { type: 'gatePassed', group: key, gate: 'health' }, { type: 'bakeElapsed', group: key });
  expect(phaseOf(s, key)).toBe('baking');
  s = step(s, { type: 'approvalGiven', group: key, version: s.version });
  for (let b = 1; b <= 4; b++) {
    s = run(s, { type: 'batchDone', group: key, batch: b }, { type: 'gatePassed', group: key, gate: 'health' });
    if (b < 4) s = step(s, { type: 'bakeElapsed', group: key });
  }
  return s;
}
/** Start and bring the release to the PRO stage with both PRO groups in their fort. */
function toPro(s = make()): ExecutionState {
  s = run(s, { type: 'start' }, ...twoBatches(FAT));
  s = step(s, { type: 'approvalGiven', version: s.version });
  s = run(s, ...twoBatches(UAT));
  return step(s, { type: 'approvalGiven', version: s.version });
}

describe('execution: a whole release', () => {
  it('runs FAT → UAT → PRO (fort, bake, approval, batches) to succeeded', () => {
    let s = make();
    expect(s.status).toBe('pending');
    expect(group(s, EAST).batches).toEqual([1, 2, 2, 2, 3]);
    s = step(s, { type: 'start' });
    expect(phaseOf(s, FAT)).toBe('batch 1/2 updating');
    expect(phaseOf(s, UAT)).toBe('pending');
    s = run(s, ...twoBatches(FAT));
    expect(s.status).toBe('awaiting-approval');
    expect(phaseOf(s, UAT)).toBe('pending');
    s = step(s, { type: 'approvalGiven', version: s.version });
    s = run(s, ...twoBatches(UAT));
    s = step(s, { type: 'approvalGiven', version: s.version });
    expect([phaseOf(s, EAST), phaseOf(s, WEST)]).toEqual(['fort', 'fort']);
    s = proGroup(s, EAST);
    s = proGroup(s, WEST);
    expect(s.status).toBe('succeeded');
    expect(s.groups.every((g) => g.phase === 'succeeded')).toBe(true);
    // version increments by one per accepted event and every event has a history entry
    expect(s.history.map((h) => h.version)).toEqual(s.history.map((_, i) => i + 1));
    expect(s.version).toBe(s.history.length);
    expect(s.history[0]).toMatchObject({
      actor: 'alice',
      action: 'start',
      result: 'ok',
      changes: ['release started', `${FAT}: pending → batch 1/2 updating`],
    });
    // persisted shape is valid and survives JSON
    expect(executionStateSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(JSON.parse(JSON.stringify(s)));
  });
  it('runs at most maxParallelGroups groups at once', () => {
    let s = toPro(make({ maxParallelGroups: 1 }));
    expect([phaseOf(s, EAST), phaseOf(s, WEST)]).toEqual(['fort', 'pending']);
    s = proGroup(s, EAST);
    expect(phaseOf(s, WEST)).toBe('fort');
  });
});

describe('execution: approvals', () => {
  it('rejects an approval given for a stale state', () => {
    let s = toPro();
    s = run(
      s,
      { type: 'fortDone', group: EAST },
      { type: 'gatePassed', group: EAST, gate: 'health' },
      { type: 'bakeElapsed', group: EAST },
    );
    const sawAt = s.version - 3; // the person looked while the fort was still updating
    const e = reject(s, { type: 'approvalGiven', group: EAST, version: sawAt });
    expect(e.code).toBe('stale-state');
    expect(e.message).toMatch(/has changed since/);
    expect(reject(s, { type: 'approvalGiven', group: EAST, version: s.version + 5 }).code).toBe('stale-state');
    // other groups moving does not make the approval stale: only this group's changes do
    const seen = s.version;
    s = step(s, { type: 'fortDone', group: WEST });
    s = step(s, { type: 'approvalGiven', group: EAST, version: seen });
    expect(phaseOf(s, EAST)).toBe('batch 1/4 updating');
  });
  it('rejects a stage approval given before the stage began waiting', () => {
    let s = run(make(), { type: 'start' }, ...twoBatches(FAT).slice(0, 4));
    const early = s.version;
    s = step(s, twoBatches(FAT)[4]!);
    expect(reject(s, { type: 'approvalGiven', version: early }).code).toBe('stale-state');
    expect(reject(s, { type: 'approvalGiven', group: FAT, version: s.version }).code).toBe('invalid-transition');
  });
});

describe('execution: failures and people', () => {
  it('pauses on a failed gate (manual policy); retry re-checks; rollback rolls back', () => {
    let s = toPro();
    s = run(
      s,
      { type: 'fortDone', group: EAST },
      { type: 'gateFailed', group: EAST, gate: 'no-crashloop', detail: 'orders-7f9 CrashLoopBackOff' },
    );
    expect(group(s, EAST).pauseReason).toEqual({ kind: 'gate-failed', gate: 'no-crashloop', detail: 'orders-7f9 CrashLoopBackOff' });
    expect(phaseOf(s, EAST)).toBe('paused (gate-failed) at baking');
    expect(phaseOf(s, WEST)).toBe('fort'); // the other group goes on
    s = step(s, { type: 'retry', group: EAST });
    expect(group(s, EAST).awaiting.sort()).toEqual(['approval', 'health', 'soak']);
    s = run(s, { type: 'gateFailed', group: EAST, gate: 'no-oomkilled', detail: 'OOMKilled' }, { type: 'rollback', group: EAST });
    expect(group(s, EAST).phase).toBe('rolling-back');
    expect(group(s, EAST).pauseReason).toBeUndefined();
    s = step(s, { type: 'rollbackDone', group: EAST });
    expect(group(s, EAST).phase).toBe('rolled-back');
    s = proGroup(s, WEST);
    expect(s.status).toBe('rolled-back');
  });
  it('rolls back at once when the policy is auto', () => {
    let s = toPro(make({ rollback: 'auto' }));
    s = run(s, { type: 'fortDone', group: EAST }, { type: 'gateFailed', group: EAST, gate: 'ready', detail: 'not ready within 5m' });
    expect(group(s, EAST).phase).toBe('rolling-back');
    expect(s.status).toBe('rolling-back');
  });
  it('stop the line pauses every group in flight; nothing new starts until resumed', () => {
    let s = toPro(make({ maxParallelGroups: 1 }));
    s = step(s, { type: 'stopTheLine', note: 'checkout errors up' });
    expect(s.status).toBe('paused');
    expect(group(s, EAST).pauseReason).toEqual({ kind: 'stop-the-line', note: 'checkout errors up' });
    expect(reject(s, { type: 'fortDone', group: EAST }).message).toMatch(/paused \(stop-the-line\) at fort; it is not updating batch 0/);
    s = step(s, { type: 'resume' });
    expect(phaseOf(s, EAST)).toBe('fort');
    expect(s.status).toBe('running');
  });
  it('a lost cluster pauses its group, others go on; resume waits for the cluster', () => {
    let s = toPro();
    s = step(s, { type: 'clusterLost', clusterId: 'pro-east-1' });
    expect(group(s, EAST).pauseReason).toEqual({ kind: 'cluster-unreachable', clusterId: 'pro-east-1' });
    expect(phaseOf(s, WEST)).toBe('fort');
    expect(reject(s, { type: 'resume', group: EAST }).message).toMatch(/unreachable/);
    s = step(s, { type: 'clusterBack', clusterId: 'pro-east-1' });
    expect(group(s, EAST).phase).toBe('paused'); // continues only when someone says so
    s = step(s, { type: 'resume', group: EAST });
    expect(phaseOf(s, EAST)).toBe('fort');
  });
  it('a lost cluster stops the line when the plan says so', () => {
    let s = toPro(make({ onClusterLost: 'stop-the-line' }));
    s = step(s, { type: 'clusterLost', clusterId: 'pro-east-1' });
    expect(group(s, WEST).pauseReason?.kind).toBe('stop-the-line');
    s = step(s, { type: 'resume' });
    expect(phaseOf(s, WEST)).toBe('fort');
    expect(group(s, EAST).phase).toBe('paused'); // still unreachable
    expect(s.history.at(-1)!.changes).toContain(`${EAST} stays paused (cluster-unreachable); resume it on its own`);
  });
  it('after an app restart nothing moves until a person resumes', () => {
    let s = toPro();
    s = JSON.parse(JSON.stringify(s)) as ExecutionState; // as loaded from disk
    s = step(s, { type: 'recovered' }, 'capstan');
    expect(s.status).toBe('paused');
    expect(group(s, EAST).pauseReason).toEqual({
      kind: 'manual',
      note: 'Capstan restarted during the release; check the board, then resume',
    });
    expect(reject(s, { type: 'fortDone', group: EAST }).code).toBe('invalid-transition');
    s = step(s, { type: 'resume' });
    expect([phaseOf(s, EAST), phaseOf(s, WEST)]).toEqual(['fort', 'fort']);
    const done = run(make(), { type: 'start' }, { type: 'abort' });
    expect(reject(done, { type: 'recovered' }).message).toMatch(/nothing to stop/);
  });
  it('an external edit pauses the group and surfaces it', () => {
    let s = toPro();
    s = step(s, { type: 'externalEdit', group: EAST, detail: 'image set to orders:2.4.0-hotfix by kubectl' });
    expect(group(s, EAST).pauseReason).toEqual({ kind: 'drift', detail: 'image set to orders:2.4.0-hotfix by kubectl' });
    expect(reject(s, { type: 'fortDone', group: EAST }).code).toBe('invalid-transition');
    s = step(s, { type: 'resume', group: EAST });
    expect(phaseOf(s, EAST)).toBe('fort');
  });
  it('abort leaves Deployments as they are; a group can still be rolled back afterwards', () => {
    let s = toPro();
    s = step(s, { type: 'abort', note: 'wrong build' });
    expect(s.status).toBe('aborted');
    expect(group(s, EAST).phase).toBe('aborted');
    expect(group(s, FAT).phase).toBe('succeeded');
    s = step(s, { type: 'rollback', group: FAT });
    expect(s.status).toBe('rolling-back');
    expect(reject(s, { type: 'abort' }).message).toMatch(/already aborted/);
  });
  it("an abort's hand-back is recorded once per aborted group; until then it is due", () => {
    let s = toPro();
    s = step(s, { type: 'abort' });
    expect(group(s, EAST).handedBack).toBeUndefined();
    const back = { type: 'handedBack', group: EAST, outcome: 'held', detail: 'left held at 1 of 2 pods' } as const;
    s = step(JSON.parse(JSON.stringify(s)) as ExecutionState, back, 'capstan');
    expect(group(s, EAST).handedBack).toMatchObject({ outcome: 'held', detail: 'left held at 1 of 2 pods' });
    expect(s.history.at(-1)!.changes).toEqual([`${EAST}: given back: left held at 1 of 2 pods`]);
    expect(reject(s, back).message).toMatch(/already handed back/);
    expect(reject(s, { ...back, group: FAT }).message).toMatch(/only an aborted group is handed back/);
  });
  it('an aborted release, also as loaded from disk after a restart, never moves forward again: only rollbacks', () => {
    let s = toPro();
    s = step(s, { type: 'pause', group: WEST });
    s = step(s, { type: 'fail', group: EAST, detail: 'the API server refused the next write' }, 'capstan');
    s = step(s, { type: 'abort' });
    s = JSON.parse(JSON.stringify(s)) as ExecutionState; // as loaded from disk
    for (const e of [
      { type: 'retry', group: EAST },
      { type: 'resume' },
      { type: 'resume', group: WEST },
      { type: 'approvalGiven', version: s.version },
      { type: 'pause', group: WEST },
    ] as const) {
      expect(reject(s, e).message).toMatch(/was aborted; .* not possible any more.*Roll a group back, or plan a new release/);
    }
    expect(reject(s, { type: 'batchDone', group: EAST, batch: 0 }).message).toMatch(/was aborted/);
    expect(step(s, { type: 'rollback', group: EAST }).groups.find((g) => g.key === EAST)!.phase).toBe('rolling-back');
  });
  it('a whole-release rollback rolls back every group that moved and skips the rest', () => {
    let s = run(make(), { type: 'start' }, { type: 'batchDone', group: FAT, batch: 0 });
    s = step(s, { type: 'rollback' });
    expect(group(s, FAT).phase).toBe('rolling-back');
    expect(group(s, UAT).phase).toBe('aborted');
    s = step(s, { type: 'rollbackDone', group: FAT });
    expect(s.status).toBe('rolled-back');
  });
  it('a failed group can be retried from its batch', () => {
    let s = run(make(), { type: 'start' }, { type: 'fail', group: FAT, detail: 'ProgressDeadlineExceeded' });
    expect(s.status).toBe('failed');
    expect(group(s, FAT).failure).toBe('ProgressDeadlineExceeded');
    s = step(s, { type: 'retry', group: FAT });
    expect(phaseOf(s, FAT)).toBe('batch 1/2 updating');
  });
});

describe('execution: invalid transitions', () => {
  it('returns errors and leaves the state untouched', () => {
    const s = run(make(), { type: 'start' });
    const before = JSON.stringify(s);
    expect(reject(s, { type: 'start' }).message).toMatch(/already started/);
    expect(reject(s, { type: 'batchDone', group: FAT, batch: 1 }).message).toMatch(/not updating batch 1/);
    expect(reject(s, { type: 'fortDone', group: FAT }).message).toMatch(/no fort batch/);
    expect(reject(s, { type: 'bakeElapsed', group: FAT }).message).toMatch(/not waiting for soak/);
    expect(reject(s, { type: 'resume', group: FAT }).message).toMatch(/not paused/);
    expect(reject(s, { type: 'rollbackDone', group: FAT }).message).toMatch(/not rolling back/);
    expect(reject(s, { type: 'batchDone', group: 'x/y/z', batch: 0 }).message).toMatch(/No group x\/y\/z/);
    expect(reject(make(), { type: 'pause' }).message).toMatch(/not started/);
    expect(JSON.stringify(s)).toBe(before);
  });
  it('can record a rejection in the history without a new version', () => {
    const s = run(make(), { type: 'start' });
    const ev = { type: 'retry', group: FAT, at: 5, actor: 'carol' } as const;
    const r = applyEvent(s, ev);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const s2 = recordRejection(s, ev, r);
    expect(s2.version).toBe(s.version);
    expect(s2.history.at(-1)).toMatchObject({ actor: 'carol', result: 'rejected', action: `retry ${FAT}` });
  });
});

describe('drift, accepted progress and resumed history', () => {
  it('records who drifted the Deployment, offers the passed boundary, and gates on from the accepted batch', () => {
    let s = run(make(), { type: 'start' });
    s = step(
      s,
      { type: 'externalEdit', group: FAT, detail: 'the rollout went past batch 1: 2 pods updated', by: 'kubectl-rollout', acceptBatch: 1 },
      'capstan',
    );
    expect(group(s, FAT).pauseReason).toEqual({
      kind: 'drift',
      detail: 'the rollout went past batch 1: 2 pods updated',
      by: 'kubectl-rollout',
      acceptBatch: 1,
    });
    expect(s.history.at(-1)!.action).toContain('by kubectl-rollout');
    expect(reject(s, { type: 'acceptProgress', group: FAT, batch: 0 }).message).toMatch(
      /no progress past a batch boundary to accept as batch 1/,
    );
    s = step(s, { type: 'acceptProgress', group: FAT, batch: 1 });
    expect(phaseOf(s, FAT)).toBe('batch 2/2 updating');
    expect(s.history.at(-1)!.changes[0]).toMatch(/progress accepted as batch 2 of 2/);
  });

  it('says "resumed" with the reason that was resumed from, after drift and after stop-the-line', () => {
    let s = run(make(), { type: 'start' });
    s = step(s, { type: 'externalEdit', group: FAT, detail: 'image changed' }, 'capstan');
    s = step(s, { type: 'resume', group: FAT });
    expect(s.history.at(-1)!.changes).toEqual([`${FAT}: resumed, paused (drift) at batch 1/2 updating → batch 1/2 updating`]);
    s = step(s, { type: 'stopTheLine', note: 'incident' });
    s = step(s, { type: 'resume' });
    expect(s.history.at(-1)!.changes).toContain(`${FAT}: resumed, paused (stop-the-line) at batch 1/2 updating → batch 1/2 updating`);
    expect(s.history.flatMap((h) => h.changes).some((c) => c.includes('paused (manual)'))).toBe(false);
  });

  it('names a pause for handing the release back to the team as such, not as a manual pause', () => {
    let s = run(make(), { type: 'start' });
    s = step(s, { type: 'pause', note: handedBackNote('alice@a (pid 1)') });
    expect(phaseOf(s, FAT)).toBe('paused (handed back) at batch 1/2 updating');
    s = step(s, { type: 'resume' });
    s = step(s, { type: 'pause', note: 'coffee' });
    expect(phaseOf(s, FAT)).toBe('paused (manual) at batch 1/2 updating');
  });

  it('keeps the original Deployment settings in the execution record, once', () => {
    let s = run(make(), { type: 'start' });
    const original = {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      paused: false,
    };
    s = step(s, { type: 'originalRecorded', group: FAT, original }, 'capstan');
    expect(group(s, FAT).original).toEqual(original);
    expect(executionStateSchema.parse(JSON.parse(JSON.stringify(s))).groups[0]!.original).toEqual(original);
    expect(reject(s, { type: 'originalRecorded', group: FAT, original }).message).toMatch(/already recorded/);
  });
});
