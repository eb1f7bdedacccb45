import { describe, expect, it } from 'vitest';
import { bytesToQuantity, coresToQuantity, formatBytes, formatCpu, parseBytes, parseCpuCores, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1Gi', 1073741824],
    ['1e3', 1000],
    ['128974848', 128974848],
    ['129M', 129e6],
    ['0.5', 0.5],
    ['100n', 1e-7],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['5u', 5e-6],
    ['1k', 1000],
    ['2G', 2e9],
    ['3T', 3e12],
    ['4P', 4e15],
    ['1E', 1e18],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['1.5e-3', 0.0015],
    ['12e6', 12e6],
    ['-1', -1],
    ['+2', 2],
    ['-250m', -0.25],
    ['.5', 0.5],
    ['1.', 1],
    ['0', 0],
    ['0m', 0],
    ['123456789n', 0.123456789],
    ['1500m', 1.5],
    ['64Gi', 64 * 2 ** 30],
    ['104845292Ki', 104845292 * 1024],
  ])('%s → %d', (q, v) => {
    expect(parseQuantity(q)).toBeCloseTo(v, 12);
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) expect(parseQuantity(q)).toBe(v);
  });

  it.each([
    '',
    ' ',
    '1 Gi',
    ' 1Gi',
    '1Gb',
    '1g',
    '1KiB',
    'Gi',
    '.',
    '1e',
    '1.2.3',
    'abc',
    '1mi',
    '--1',
    '1e3Gi',
    '0x10',
    'NaN',
    'Infinity',
    '1,5',
  ])('rejects %j', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });

  it('passes finite numbers through and rejects the rest', () => {
    expect(parseQuantity(42)).toBe(42);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(null)).toBeUndefined();
    expect(parseQuantity(undefined)).toBeUndefined();
  });

  it('has cpu and memory aliases', () => {
    expect(parseCpuCores('250m')).toBe(0.25);
    expect(parseBytes('512Mi')).toBe(536870912);
  });
});

describe('formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(12)).toBe('12B');
    expect(formatBytes(1536)).toBe('1.5Ki');
    expect(formatBytes(512 * 2 ** 20)).toBe('512Mi');
    expect(formatBytes(1.25 * 2 ** 30)).toBe('1.3Gi');
    expect(formatBytes(undefined)).toBe('–');
  });
  it('formats cpu like kubectl top', () => {
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(12.34)).toBe('12.3');
  });
  it('round-trips serialised quantities', () => {
    for (const b of [0, 1, 1023, 1024, 536870912, 1073741824, 123456789]) expect(parseBytes(bytesToQuantity(b))).toBe(b);
    expect(bytesToQuantity(1073741824)).toBe('1Gi');
    expect(coresToQuantity(0.25)).toBe('250000000n');
    expect(parseCpuCores(coresToQuantity(1.5))).toBe(1.5);
  });
});
