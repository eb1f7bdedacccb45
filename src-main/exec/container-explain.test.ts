import { describe, expect, it } from 'vitest';
import { explainContainer } from './container-explain';

const base = { metadata: { name: 'p' }, spec: { containers: [{ name: 'app' }, { name: 'side' }] } };

describe('explainContainer', () => {
  it('a crash loop: waiting reason, restarts and the last exit', () => {
    const x = explainContainer(
      {
        ...base,
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s' } },
              lastState: { terminated: { reason: 'Error', exitCode: 2, finishedAt: '2026-01-01T00:00:00Z' } },
            },
          ],
        },
      },
      'p',
    );
    expect(x).toMatchObject({
      running: false,
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      restartCount: 4,
      last: { exitCode: 2, reason: 'Error' },
    });
    expect(x.summary).toBe('Container app is not running: waiting (CrashLoopBackOff), 4 restarts; last exit code 2 (Error).');
  });
  it('terminated, not started, running, missing, pod gone', () => {
    expect(
      explainContainer(
        {
          ...base,
          status: { containerStatuses: [{ name: 'side', restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }] },
        },
        'p',
        'side',
      ).summary,
    ).toBe('Container side is not running: terminated (Completed, exit code 0), 0 restarts.');
    expect(explainContainer({ ...base, status: { phase: 'Pending' } }, 'p').state).toBe('not-started');
    expect(explainContainer({ ...base, status: { containerStatuses: [{ name: 'app', state: { running: {} } }] } }, 'p').running).toBe(true);
    expect(explainContainer(base, 'p', 'nope').summary).toBe('Pod p has no container nope; its containers are app, side.');
    expect(explainContainer(undefined, 'p').state).toBe('pod-missing');
  });
});
