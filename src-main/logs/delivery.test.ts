import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../src-shared/logs/contract';
import type { Batch } from './delivery';
import { Delivery } from './delivery';

const line = (i: number): LogLine => [0, '', `line ${i}`, 0];

describe('Delivery', () => {
  it('sends contiguous batches while the window is open', () => {
    const got: Batch[] = [];
    const d = new Delivery((b) => got.push(b), { batchLines: 100, highWater: 1000 });
    for (let i = 0; i < 250; i++) d.push(i, line(i));
    expect(d.flush()).toBe(250);
    expect(got.map((b) => [b.first, b.lines.length])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
  });

  it('stops at the high watermark and resumes on ack', () => {
    const got: Batch[] = [];
    const d = new Delivery((b) => got.push(b), { batchLines: 100, highWater: 200 });
    for (let i = 0; i < 500; i++) d.push(i, line(i));
    expect(d.flush()).toBe(200);
    expect(d.flush()).toBe(0);
    d.ack(got[0]!.seq);
    expect(d.acked).toBe(100);
    expect(d.flush()).toBe(100);
    expect(got.at(-1)!.first).toBe(200);
  });

  it('skips the oldest waiting lines for a consumer that does not ack, counts and announces them', () => {
    const got: Batch[] = [];
    const d = new Delivery((b) => got.push(b), { batchLines: 100, highWater: 100, maxPending: 1000 });
    for (let i = 0; i < 100; i++) d.push(i, line(i));
    d.flush();
    for (let i = 100; i < 5000; i++) d.push(i, line(i));
    expect(d.skipped).toBeGreaterThan(0);
    expect(d.waiting).toBeLessThanOrEqual(1001);
    d.ack(got[0]!.seq);
    d.flush();
    const b = got[1]!;
    expect(b.skippedBefore).toBe(d.skipped);
    expect(b.first).toBe(100 + d.skipped);
    expect(b.lines[0]![2]).toBe(`line ${b.first}`);
  });

  it('caps a batch by bytes but always sends at least one line', () => {
    const got: Batch[] = [];
    const d = new Delivery((b) => got.push(b), { batchBytes: 1000 });
    d.push(0, [0, '', 'x'.repeat(5000), 0]);
    d.push(1, line(1));
    d.flush();
    expect(got.map((b) => b.lines.length)).toEqual([1, 1]);
  });
});
