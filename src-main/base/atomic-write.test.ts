import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../testing/temp-dirs';
import {
  corruptName,
  createFileExclusive,
  readStored,
  readStoredSync,
  TEMP_MARKER,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write';

const tempDir = tempDirs('capstan-atomic-');

const parse = (text: string): { n: number } => {
  const v = JSON.parse(text) as { n?: unknown };
  if (typeof v.n !== 'number') throw new Error('n is not a number');
  return { n: v.n };
};

describe('writeFileAtomic', () => {
  it('creates the folder, writes 0600 by default, replaces the old content whole', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'x.json');
    await writeFileAtomic(file, '{"n":1}');
    writeFileAtomicSync(file, '{"n":2}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":2}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('gives every write its own temp name and leaves none behind', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.json');
    await Promise.all(Array.from({ length: 16 }, (_, n) => writeFileAtomic(file, JSON.stringify({ n }))));
    expect(fs.readdirSync(dir)).toEqual(['x.json']);
    expect(parse(fs.readFileSync(file, 'utf8')).n).toBeGreaterThanOrEqual(0);
  });

  it('a failed rename removes its temp file and throws', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'is-a-folder');
    fs.mkdirSync(path.join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(() => writeFileAtomicSync(target, 'x')).toThrow();
    expect(fs.readdirSync(dir).filter((f) => f.includes(TEMP_MARKER))).toEqual([]);
  });
});

describe('createFileExclusive', () => {
  it('lets exactly one of many racing creators create the file, whole, and leaves no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.lock');
    const made = await Promise.all(Array.from({ length: 12 }, (_, n) => createFileExclusive(file, JSON.stringify({ n }))));
    expect(made.filter(Boolean)).toHaveLength(1);
    expect(parse(fs.readFileSync(file, 'utf8')).n).toBe(made.indexOf(true));
    expect(fs.readdirSync(dir)).toEqual(['x.lock']);
    expect(await createFileExclusive(file, '{"n":99}')).toBe(false);
    expect(parse(fs.readFileSync(file, 'utf8')).n).toBe(made.indexOf(true));
  });
});

describe('readStored', () => {
  it('a missing file is nothing saved yet, without a problem', async () => {
    const file = path.join(tempDir(), 'none.json');
    expect(await readStored(file, parse)).toEqual({ value: undefined });
    expect(readStoredSync(file, parse)).toEqual({ value: undefined });
  });

  it('parses a good file', async () => {
    const file = path.join(tempDir(), 'x.json');
    fs.writeFileSync(file, '{"n":3}');
    expect(await readStored(file, parse)).toEqual({ value: { n: 3 } });
    expect(readStoredSync(file, parse)).toEqual({ value: { n: 3 } });
  });

  it('moves a torn file aside, keeps its bytes and says where it went', async () => {
    for (const read of [readStored, readStoredSync] as const) {
      const dir = tempDir();
      const file = path.join(dir, 'x.json');
      fs.writeFileSync(file, '{"n":');
      const r = await read(file, parse, Date.UTC(2026, 0, 2, 3, 4, 5, 6));
      expect(r.value).toBeUndefined();
      expect(r.movedTo).toBe(`${file}.corrupt-2026-01-02T03-04-05-006Z`);
      expect(r.movedTo).toBe(corruptName(file, Date.UTC(2026, 0, 2, 3, 4, 5, 6)));
      expect(fs.readFileSync(r.movedTo!, 'utf8')).toBe('{"n":');
      expect(fs.existsSync(file)).toBe(false);
      expect(r.problem).toMatch(/not valid JSON.*moved to/);
    }
  });

  it('a file that parses but does not fit is moved aside too, with the reason', async () => {
    const file = path.join(tempDir(), 'x.json');
    fs.writeFileSync(file, '{"m":1}');
    const r = await readStored(file, parse);
    expect(r.problem).toContain('n is not a number');
    expect(r.movedTo).toBeDefined();
  });

  it('a file that cannot be read is reported and left where it is', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'folder.json');
    fs.mkdirSync(file);
    const r = await readStored(file, parse);
    expect(r.value).toBeUndefined();
    expect(r.movedTo).toBeUndefined();
    expect(r.problem).toContain('could not be read');
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });
});
