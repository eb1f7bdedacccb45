import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packTar, unpackTar } from './tar';

let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('ustar archives', () => {
  it('GNU tar extracts what packTar writes, and unpackTar reads what GNU tar writes', () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-tar-'));
    const long = `${'deep/'.repeat(25)}file.txt`;
    writeFileSync(
      join(dir, 'a.tar'),
      packTar([
        { path: 'opt/logs', dir: true, data: Buffer.alloc(0), mtimeMs: 0 },
        { path: 'opt/logs/gc.log', dir: false, data: Buffer.from('line 1\nline 2\n'), mtimeMs: Date.now() },
        { path: long, dir: false, data: Buffer.alloc(1500, 'x'), mtimeMs: Date.now() },
      ]),
    );
    execFileSync('tar', ['xf', 'a.tar'], { cwd: dir });
    expect(readFileSync(join(dir, 'opt/logs/gc.log'), 'utf8')).toBe('line 1\nline 2\n');
    expect(readFileSync(join(dir, long)).length).toBe(1500);

    writeFileSync(join(dir, 'note.txt'), 'hello from the laptop\n');
    const archive = execFileSync('tar', ['cf', '-', 'note.txt'], { cwd: dir });
    const entries = unpackTar(archive);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ path: 'note.txt', dir: false });
    expect(entries[0]!.data.toString()).toBe('hello from the laptop\n');
  });
});
