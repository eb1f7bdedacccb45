import { describe, expect, it } from 'vitest';
import { historyText, pacingText } from './status-text';

describe('metrics status text', () => {
  it('says the interval as asked, or why it is longer', () => {
    expect(pacingText({ wantedMs: 10_000, intervalMs: 10_000, roundCpuMs: 40, maxCpuPercent: 2, containers: 5000 })).toBe(
      'Sampled every 10 s',
    );
    expect(pacingText({ wantedMs: 10_000, intervalMs: 72_000, roundCpuMs: 1300, maxCpuPercent: 2, containers: 50_000 })).toBe(
      'Sampled every 72 s (you asked for 10 s: a round over 50,000 containers costs 1.3 s of CPU, kept under 2% of a core)',
    );
  });

  it('says who is kept at which resolution against the budget', () => {
    const h = {
      bytes: 120 * 2 ** 20,
      budgetBytes: 150 * 2 ** 20,
      containers: 50_000,
      fullResolution: 50_000,
      coarseMs: 0,
      fineMinutes: 10,
      overBudget: false,
    };
    expect(historyText(h)).toBe('History 120 MB of 150 MB, every container at full resolution');
    expect(historyText({ ...h, fullResolution: 1200, coarseMs: 120_000 })).toBe(
      'History 120 MB of 150 MB: 1,200 containers at full resolution (looked at, OOM-killed or restarted, near the limit, growing), 48,800 keep 10 min as taken and 2 min peaks before',
    );
  });
});
