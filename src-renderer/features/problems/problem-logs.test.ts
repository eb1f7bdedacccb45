import { describe, expect, it } from 'vitest';
import { logSelectionSchema } from '../../../src-shared/logs/contract';
import { crashLoopPod, pod } from '../../../src-shared/testing/fixtures';
import { groupProblems, problemLogsTab } from './problems';

const now = 50 * 60_000;
const killedAt = Date.parse('2026-11-26T20:15:42Z');

describe('a problem links to the logs that explain it', () => {
  const groups = groupProblems(
    [
      crashLoopPod(now - 60_000, { lastTerminationAt: killedAt }),
      pod({ uid: 'oom', status: 'Running', ready: true, restarts: 2, lastTerminationReason: 'OOMKilled' }),
      pod({ uid: 'pull', phase: 'Pending', status: 'ImagePullBackOff', ready: false, conditionSince: now - 1_000 }),
      pod({ uid: 'notready', status: 'Running', ready: false, conditionSince: now - 3 * 60_000 }),
    ],
    now,
  );

  it('a crash loop: the previous instance, from a little before it ended', () => {
    const tab = problemLogsTab(groups.CrashLoopBackOff[0]!);
    expect(logSelectionSchema.parse(tab!.selection)).toEqual({
      clusterIds: ['fat'],
      namespace: 'shop',
      target: { kind: 'pod', name: 'pod-crash' },
      previous: true,
      tailLines: 500,
      sinceTime: '2026-11-26T20:13:42Z',
    });
  });

  it('an OOM kill without a known time: the previous instance’s last lines; not ready: current logs; a pull error: none', () => {
    expect(problemLogsTab(groups.OOMKilled[0]!)?.selection).toMatchObject({ previous: true, tailLines: 500 });
    expect(problemLogsTab(groups.OOMKilled[0]!)?.selection.sinceTime).toBeUndefined();
    expect(problemLogsTab(groups.NotReady[0]!)?.selection.previous).toBeUndefined();
    expect(problemLogsTab(groups.ImagePullBackOff[0]!)).toBeUndefined();
  });
});
