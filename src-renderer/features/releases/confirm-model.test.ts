import { describe, expect, it } from 'vitest';
import { RECOVERED_NOTE } from '../../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../../src-shared/releases/execution-model';
import { fatDoneEvents, fixturePlan, fixtureSnapshot, replay } from '../../../src-shared/releases/fixtures';
import { resolvePlan } from '../../../src-shared/releases/resolve';
import { confirmModel, needsConfirm } from './confirm-model';

const FAT = 'fat/shop/orders-fat';
const run = (events: Parameters<typeof replay>[1]): ExecutionState => {
  const plan = fixturePlan();
  return replay(createExecution('r1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0), events);
};
const fatDone = fatDoneEvents();

describe('confirm model', () => {
  it('asks before whole-release steps, forts, PRO stages, past a degraded group and after a restart; a UAT approval stays one click', () => {
    const s = run(fatDone);
    expect(needsConfirm(s, { kind: 'approve-stage' })).toBe(false); // stage 2 is uat
    expect(needsConfirm(s, { kind: 'rollback-all' })).toBe(true);
    expect(needsConfirm(s, { kind: 'abort' })).toBe(true);
    expect(needsConfirm(s, { kind: 'resume' })).toBe(false);
    const pro = { ...s, stageIndex: 2 };
    expect(needsConfirm(pro, { kind: 'approve-stage' })).toBe(true);
    expect(needsConfirm({ ...s, stopped: { kind: 'manual', note: RECOVERED_NOTE } }, { kind: 'resume' })).toBe(true);
    const degraded = run([
      ...fatDone,
      {
        type: 'degraded',
        group: FAT,
        evidence: { what: 'oom', at: 5000, pod: 'orders-fat-1', restarts: 1, detail: 'pod orders-fat-1 was OOMKilled', healthySince: 4000 },
      },
    ]);
    expect(needsConfirm(degraded, { kind: 'approve-stage' })).toBe(true);
    const m = confirmModel(degraded, { kind: 'approve-stage' }, []);
    expect(m).toMatchObject({ needsReason: true, danger: true, warnings: [`${FAT}: pod orders-fat-1 was OOMKilled`] });
    expect(m.rows.find((r) => r.group === FAT)!.evidence).toMatch(/^DEGRADED/);
  });

  it('asks before a single group of a recovered release resumes, with what it continues and the evidence; a group a person paused resumes at once', () => {
    const fat = run(fatDone);
    const uatMoving = replay(fat, [{ type: 'approvalGiven', version: fat.version }], 2000, 'alice');
    const recovered = replay(uatMoving, [{ type: 'recovered' }], 3000);
    const uat = recovered.groups.find((g) => g.phase === 'paused')!;
    expect(needsConfirm(recovered, { kind: 'resume-group', group: uat.key })).toBe(true);
    const m = confirmModel(recovered, { kind: 'resume-group', group: uat.key }, []);
    expect(m.title).toBe(`Resume ${uat.key} after Capstan restarted?`);
    expect(m.warnings.at(-1)).toMatch(/Capstan restarted while .* was at batch 1\/\d, updating; the rest of the release stays paused/);
    expect(m.rows).toEqual([
      {
        group: uat.key,
        change: expect.stringMatching(/^continues 2\.4\.0 → 2\.4\.1 from batch 1\/\d/),
        pods: 2,
        evidence: expect.stringMatching(/paused/),
      },
    ]);
    const byPerson = replay(uatMoving, [{ type: 'pause', group: uat.key }], 3000, 'alice');
    expect(needsConfirm(byPerson, { kind: 'resume-group', group: uat.key })).toBe(false);
  });

  it('says what a rollback of everything changes: groups, versions, pods', () => {
    const m = confirmModel(run(fatDone), { kind: 'rollback-all' }, []);
    expect(m.rows).toEqual([
      {
        group: FAT,
        change: '2.4.1 → 2.4.0',
        pods: 2,
        evidence: expect.stringMatching(/healthy since .* · 0 restart\(s\) on 0 new pod\(s\)/),
      },
    ]);
  });
});
