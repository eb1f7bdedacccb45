import { describe, expect, it } from 'vitest';
import { isOomKilled } from './oom';

describe('isOomKilled', () => {
  it('trusts the termination reason, not an exit code', () => {
    expect(isOomKilled({ lastTerminationReason: 'OOMKilled' })).toBe(true);
    expect(isOomKilled({ status: 'OOMKilled' })).toBe(true);
    // exit 137 from a liveness kill: reason Error, not an OOM kill
    expect(isOomKilled({ lastTerminationReason: 'Error', status: 'Running' })).toBe(false);
    expect(isOomKilled({ status: 'CrashLoopBackOff' })).toBe(false);
  });
});
