/**
 * Standard five-field cron schedules (minute hour day-of-month month day-of-week, with `*`,
 * lists, ranges, steps, month and weekday names, and @yearly/@monthly/@weekly/@daily/@hourly),
 * evaluated in UTC as the CronJob controller does without spec.timeZone.
 */
export class CronError extends Error {}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

export interface CronSchedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

export function parseCron(expr: string): CronSchedule {
  const fields = (MACROS[expr.trim()] ?? expr).trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: ${JSON.stringify(expr)}`);
  const sets = fields.map((f, i) => parseField(f, RANGES[i]![0], RANGES[i]![1]));
  const dow = sets[4]!;
  if (dow.has(7)) dow.add(0);
  return {
    minute: sets[0]!,
    hour: sets[1]!,
    dom: sets[2]!,
    month: sets[3]!,
    dow,
    domStar: fields[2]!.startsWith('*'),
    dowStar: fields[4]!.startsWith('*'),
  };
}

function parseField(field: string, lo: number, hi: number): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const n = NAMES[s.toLowerCase()] ?? (/^\d+$/.test(s) ? Number(s) : NaN);
    if (!Number.isInteger(n) || n < lo || n > Math.max(hi, lo === 0 && hi === 6 ? 7 : hi)) throw new CronError(`value out of range: ${s}`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!(step >= 1)) throw new CronError(`invalid step: ${part}`);
    let from = lo;
    let to = hi;
    if (range !== '*' && range !== '?') {
      const [a, b] = range!.split('-');
      from = value(a!);
      to = b === undefined ? (stepText === undefined ? from : hi) : value(b);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The first scheduled minute strictly after `afterMs` (UTC), within four years. */
export function nextRun(s: CronSchedule, afterMs: number): number {
  const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const limit = afterMs + 4 * 366 * 86_400_000;
  while (d.getTime() < limit) {
    if (!s.month.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const domOk = s.dom.has(d.getUTCDate());
    const dowOk = s.dow.has(d.getUTCDay());
    // Vixie cron: when both day fields are restricted, either may match.
    const dayOk = s.domStar || s.dowStar ? domOk && dowOk : domOk || dowOk;
    if (!dayOk) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minute.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  throw new CronError('the schedule never fires');
}
