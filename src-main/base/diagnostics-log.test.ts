import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticsLog } from './diagnostics-log';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('DiagnosticsLog', () => {
  it('appends entries to <dir>/logs/diagnostics.log, owner-only, and keeps one previous generation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-diag-'));
    dirs.push(dir);
    const log = new DiagnosticsLog(dir);
    expect(log.file).toBe(path.join(dir, 'logs', 'diagnostics.log'));
    log.write('plugin "x"\nfor ctx', 'line one\nline two\n');
    const text = fs.readFileSync(log.file, 'utf8');
    expect(text).toMatch(/^--- \d{4}-\d\d-\d\dT[\d:.]+Z plugin "x" for ctx\nline one\nline two\n$/);
    if (process.platform !== 'win32') expect(fs.statSync(log.file).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 80; i++) log.write('big', 'x'.repeat(16 * 1024));
    expect(fs.statSync(log.file).size).toBeLessThanOrEqual(1024 * 1024);
    expect(fs.existsSync(`${log.file}.1`)).toBe(true);
  });

  it('never throws when the folder cannot be written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-diag-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'file'), '');
    const log = new DiagnosticsLog(path.join(dir, 'file')); // its "folder" is a regular file
    expect(() => log.write('t', 'd')).not.toThrow();
  });
});
