import { describe, expect, it } from 'vitest';
import { CronError, nextRun, parseCron } from './cron-schedule';

const t = (iso: string) => Date.parse(iso);

describe('cron schedules', () => {
  it('steps, ranges, lists and names', () => {
    expect(new Date(nextRun(parseCron('*/15 * * * *'), t('2026-01-01T10:07:30Z'))).toISOString()).toBe('2026-01-01T10:15:00.000Z');
    expect(new Date(nextRun(parseCron('0 9-17/4 * * mon-fri'), t('2026-01-02T17:00:00Z'))).toISOString()).toBe('2026-01-05T09:00:00.000Z');
    expect(new Date(nextRun(parseCron('30 2 1,15 * *'), t('2026-01-01T03:00:00Z'))).toISOString()).toBe('2026-01-15T02:30:00.000Z');
    expect(new Date(nextRun(parseCron('@monthly'), t('2026-01-01T00:00:00Z'))).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('either day field matches when both are restricted (Vixie cron)', () => {
    // 2026-01-03 is a Saturday; the 10th is also a Saturday, but dom=5 comes first.
    expect(new Date(nextRun(parseCron('0 0 5 * 6'), t('2026-01-01T00:00:00Z'))).toISOString()).toBe('2026-01-03T00:00:00.000Z');
  });

  it('rejects malformed schedules', () => {
    expect(() => parseCron('* * *')).toThrow(CronError);
    expect(() => parseCron('61 * * * *')).toThrow(CronError);
  });
});
