import { describe, expect, it } from 'vitest';
import { isOomKill, lastOomKill } from './oom';

describe('the OOM kill rule', () => {
  it('is the reason OOMKilled, never exit code 137 alone', () => {
    expect(isOomKill({ reason: 'OOMKilled' })).toBe(true);
    expect(isOomKill({ reason: 'Error', exitCode: 137 } as { reason: string })).toBe(false);
  });

  it('finds the newest kill over the containers; an older summary falls back to its newest termination', () => {
    const terminations = [
      { container: 'app', reason: 'OOMKilled', exitCode: 137, at: 1000 },
      { container: 'proxy', reason: 'Error', exitCode: 137, at: 2000 },
    ];
    expect(lastOomKill({ terminations, lastTerminationReason: 'Error', lastTerminationAt: 2000 })).toEqual({ container: 'app', at: 1000 });
    expect(lastOomKill({ lastTerminationReason: 'OOMKilled', lastTerminationAt: 5 })).toEqual({ at: 5 });
    expect(lastOomKill({ terminations: [terminations[1]!] })).toBeUndefined();
  });
});
