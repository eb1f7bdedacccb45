/**
 * How often a team-release Capstan reads every cluster's team records: every retry period while a
 * team release is in progress (a Lease held), every `idlePollMs` otherwise (idle work that changes
 * nothing on screen costs CPU in every 20 s window). The records themselves are the sandbox
 * tests' (team-releases.sandbox.test.ts, team-watch.sandbox.test.ts); here the poll is counted on
 * a fake clock, and the scheduler's debounce of watch events too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import type { OwnerView, PollResult } from './execution-records';
import { ReleaseService } from './release-service';
import { TeamPollScheduler } from './team-poll';

afterEach(() => vi.useRealTimers());

/** After `ms` more on the fake clock, `count()` is `times`. */
async function countAfter(ms: number, count: () => number, times: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  expect(count()).toBe(times);
}

it('reads the team records every retry period only while a Lease is held, every idle period otherwise', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const dir = mkdtempSync(join(tmpdir(), 'capstan-team-poll-'));
  const clusters = new ClusterService(KubeconfigService.fromString('apiVersion: v1\nkind: Config\n', 'none'), {});
  const s = new ReleaseService({
    dir,
    clusters,
    team: { timing: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }, idlePollMs: 20_000 },
  });
  let owners = new Map<string, OwnerView>();
  const poll = vi
    .spyOn((s as unknown as { records: { poll(): Promise<PollResult> } }).records, 'poll')
    .mockImplementation(async () => ({ states: [], owners, problems: [], answered: [] }));
  /** After `ms` more on the clock, the records have been read `times` in all. */
  const readsAfter = (ms: number, times: number) => countAfter(ms, () => poll.mock.calls.length, times);
  try {
    await s.start();
    await readsAfter(0, 1);
    // Nothing in progress: the next read 20 s later, not every 2 s.
    await readsAfter(19_000, 1);
    await readsAfter(1000, 2);
    // A teammate's release appears with its Lease held: from then on every retry period.
    owners = new Map([['r1', { home: 'fat', holder: 'alice@host/1-0000' } as OwnerView]]);
    await readsAfter(20_000, 3);
    await readsAfter(2000, 4);
    await readsAfter(2000, 5);
    // Handed back (empty holder) and nothing of ours unfinished: back to the idle period.
    owners = new Map([['r1', { home: 'fat', holder: '' } as OwnerView]]);
    await readsAfter(2000, 6);
    await readsAfter(18_000, 6);
  } finally {
    await s.dispose();
    clusters.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reads once per burst of watch events, one read in flight, and the fallback period counts from the last read', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  let finish: (() => void) | undefined;
  let reads = 0;
  const s = new TeamPollScheduler({
    round: () => {
      reads++;
      return new Promise<void>((r) => (finish = r));
    },
    period: () => 60_000,
    debounceMs: 200,
  });
  const done = async () => {
    finish!();
    await vi.advanceTimersByTimeAsync(0);
  };
  try {
    s.start();
    expect(reads).toBe(1);
    const readsAfter = (ms: number, times: number) => countAfter(ms, () => reads, times);
    // Events during the read: one more read once it ended (after the debounce), not one per event.
    s.kick();
    s.kick();
    await readsAfter(1000, 1);
    await done();
    await readsAfter(199, 1);
    await readsAfter(1, 2);
    await done();
    // A burst while idle: one read 200 ms after the first event; the fallback is not pushed back by it.
    await vi.advanceTimersByTimeAsync(30_000);
    s.kick();
    await readsAfter(100, 2);
    s.kick();
    await readsAfter(100, 3);
    await done();
    // No event: the next read a fallback period after the last one ended.
    await readsAfter(59_999, 3);
    await readsAfter(1, 4);
    await done();
  } finally {
    s.dispose();
  }
});
