/**
 * The release executor killed with SIGKILL at random instants (8 runs; `npm run bench --
 * release-chaos` runs 50): no sample of the cluster ever shows more new pods than the boundary of
 * the batch in the execution record, nor fewer ready pods than min-online, and every run ends
 * succeeded or rolled back with the original strategy restored (bench/release-chaos.ts).
 */
import { expect, it } from 'vitest';
import { runChaos } from '../../bench/release-chaos';

it('survives SIGKILL at random instants of a release: boundaries and min-online hold, every run finishes or rolls back', async () => {
  const r = await runChaos({ runs: 8, seed: 7 });
  expect(r.violations).toEqual([]);
  expect(r.kills).toBeGreaterThanOrEqual(6);
  expect((r.outcomes.succeeded ?? 0) + (r.outcomes['rolled-back'] ?? 0)).toBe(8);
  expect(r.outcomes['rolled-back']).toBeGreaterThanOrEqual(2);
  expect(r.minReady).toBeGreaterThanOrEqual(10);
}, 600_000);
