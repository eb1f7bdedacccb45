import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src-shared/logs/contract';
import { compileFilter, formatLine, isContinuation, LineBuffer, levelOf, prettyJson } from './log-model';

const o = { timestamps: false, wrap: true, json: false, cols: 80, multiSource: true };
const line = (text: string, kind = 0): LogLine => [0, '2026-11-26T10:00:00.123456789Z', text, kind];

describe('logModel', () => {
  it('prefixes the source in its colour and highlights levels', () => {
    const out = formatLine(line('ERROR boom'), undefined, 'uat/pod-a/app', o);
    expect(out).toContain('uat/pod-a/app');
    expect(out).toContain('\x1b[31mERROR boom');
    expect(out.endsWith('\r\n')).toBe(true);
    expect(levelOf('WARN  slow')).toBe('\x1b[33m');
    expect(levelOf('INFO  fine')).toBeUndefined();
  });
  it('shows timestamps on demand and cuts lines without wrap', () => {
    expect(formatLine(line('x'), undefined, 'l', { ...o, timestamps: true })).toContain('2026-11-26 10:00:00.123');
    const cut = formatLine(line('y'.repeat(200)), undefined, 'l', { ...o, wrap: false, multiSource: false });
    expect(cut.length).toBeLessThan(90);
    expect(cut).toContain('…');
  });
  it('pretty-prints JSON lines on demand only', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('not json')).toBeUndefined();
    expect(formatLine(line('{"a":1}'), undefined, 'l', { ...o, json: true })).toContain('\r\n');
  });
  it('filters literally by default, by regex when asked (an invalid regex falls back to the text)', () => {
    expect(compileFilter('order?id=7')!(line('GET /order?id=7 200'), 'l')).toBe(true);
    expect(compileFilter('a.c')!(line('abc'), 'l')).toBe(false);
    expect(compileFilter('err(or)?', true)!(line('ERROR x'), 'l')).toBe(true);
    expect(compileFilter('err(or)?')!(line('ERROR x'), 'l')).toBe(false);
    expect(compileFilter('[bad', true)!(line('a [bad line'), 'l')).toBe(true);
    expect(compileFilter('')).toBeUndefined();
  });
  it('LineBuffer keeps the last `capacity` lines', () => {
    const b = new LineBuffer(3);
    for (let i = 0; i < 10; i++) b.push([line(String(i))]);
    expect(b.all().map((l) => l[2])).toEqual(['7', '8', '9']);
    expect(b.last(2).map((l) => l[2])).toEqual(['8', '9']);
  });
  it('knows the continuation lines of a Java entry (they follow their entry through a filter)', () => {
    expect(isContinuation('\tat c.s.orders.Api.run(Api.java:1)')).toBe(true);
    expect(isContinuation('java.net.SocketTimeoutException: Read timed out')).toBe(true);
    expect(isContinuation('Caused by: x')).toBe(true);
    expect(isContinuation('INFO  [main] started')).toBe(false);
  });
});
