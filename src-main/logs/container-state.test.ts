import { describe, expect, it } from 'vitest';
import { containerStateOf, RequestCap, spokenDuration, waitingText } from './container-state';

describe('container state from the pod watch', () => {
  it("says how long a crash-looping container waits, in the kubelet's back-off", () => {
    const s = containerStateOf(
      {
        metadata: { name: 'p' },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              restartCount: 3,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_shop(u)' } },
              lastState: { terminated: { reason: 'Error', exitCode: 1 } },
            },
          ],
        },
      },
      'app',
    );
    expect(s).toMatchObject({ restarts: 3, hasRun: true, finished: false });
    expect(s.instance).toBeUndefined();
    expect(waitingText(s)).toBe('waiting for the container to restart (back-off 40 s)');
    expect(['2m40s', '5m0s', '1h0m0s', '10s'].map(spokenDuration)).toEqual(['2 min 40 s', '5 min', '1 h', '10 s']);
  });

  it('caps requests at a few a second, whatever the caller does', () => {
    let now = 0;
    const cap = new RequestCap(1, 3, () => now);
    const waits = Array.from({ length: 6 }, () => cap.take());
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 3000]);
    now = 10_000;
    expect(cap.take()).toBe(0);
  });
});
