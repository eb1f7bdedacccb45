import { describe, expect, it } from 'vitest';
import type { Series } from '../../../src-shared/metrics/contract';
import { chartData, eventLabel, memorySummary, terminatedLabel } from './chart-data';

const series: Series = {
  ref: { clusterId: 'fat', namespace: 'shop', pod: 'orders-1', container: 'orders' },
  t: [1000, 2000, 3000],
  cpu: [0.1, null, 0.3],
  workingSet: [100, null, 2 ** 29],
  rss: [90, null, 80],
  memoryLimit: 2 ** 30,
  memoryRequest: 2 ** 29,
  cpuRequest: 0.25,
  restarts: 1,
  events: [{ at: 2500, kind: 'oom', exitCode: 137, reason: 'OOMKilled', restartCount: 1 }],
  lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
};

describe('chartData', () => {
  it('maps series to uPlot columns with constant request/limit lines, gaps and markers', () => {
    const d = chartData(series);
    // The kill at 2.5 s breaks the line there.
    expect(d.memory[0]).toEqual([1, 2, 2.5, 3]);
    expect(d.memory[1]).toEqual([100, null, null, 2 ** 29]);
    expect(d.memory[4]).toEqual([2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]);
    expect(d.cpu[3]).toEqual([null, null, null, null]); // no CPU limit
    expect(d.markers).toEqual([{ x: 2.5, kind: 'oom', label: 'OOMKilled (exit 137) · restart #1' }]);
    // A kill after the last sample stretches the x range with an empty row.
    const late = chartData({ ...series, events: [{ ...series.events[0]!, at: 9000 }] });
    expect(late.memory[0]).toEqual([1, 2, 3, 9]);
    expect(late.memory[1]).toEqual([100, null, 2 ** 29, null]);
    expect(late.memory[4]).toEqual([2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]);
  });
  it('says plainly that exit 137 without OOMKilled is not an OOM', () => {
    expect(eventLabel({ at: 0, kind: 'restart', reason: 'Error', exitCode: 137, restartCount: 2 })).toMatch(/not reported as OOM/);
    expect(terminatedLabel({ reason: 'OOMKilled', exitCode: 137 })).toBe('OOMKilled · exit 137');
    expect(memorySummary(series)).toBe('512Mi (50% of limit 1.0Gi)');
  });
});
