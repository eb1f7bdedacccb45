/**
 * Crash-safe files, written once for every store.
 *
 * Writing: a temp file with a unique name beside the target (`<file>.tmp-<pid>-<random>`, created
 * exclusively, mode 0600 unless told), written and fsynced, renamed over the target (atomic on
 * POSIX and for same-volume renames on NTFS), then the folder fsynced so the rename itself survives
 * a power cut. A crash at any point leaves the old file or the new one, never half of one; a
 * leftover temp file carries TEMP_MARKER so a store listing its folder can skip or remove it.
 *
 * Reading: a file that is missing is "nothing saved yet"; a file that is there but cannot be
 * parsed is moved aside (`<file>.corrupt-<time>`) and reported, never silently read as empty, so
 * the next save does not destroy what the user could still recover from it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export const TEMP_MARKER = '.tmp-';

const tempName = (file: string): string => `${file}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;

/** A fsynced temp file beside `file` holding `data` (removed again if writing it fails). */
async function writeTemp(file: string, data: string | Uint8Array, mode: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempName(file);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  return tmp;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = await writeTemp(file, data, mode);
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  fsyncDirSync(path.dirname(file));
}

/**
 * Create `file` with `data` only if it does not exist, all or nothing: the temp file is written
 * and fsynced, then hard-linked to `file` (link never replaces an existing name, so exactly one
 * of several racing creators wins, and a reader never sees a half-written file). False when
 * `file` already exists.
 */
export async function createFileExclusive(file: string, data: string | Uint8Array, mode = 0o600): Promise<boolean> {
  const tmp = await writeTemp(file, data, mode);
  try {
    await link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  fsyncDirSync(path.dirname(file));
  return true;
}

export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempName(file);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDirSync(path.dirname(file));
}

function fsyncDirSync(dir: string): void {
  // Not supported on Windows (EISDIR/EPERM); the rename is still atomic there.
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** What reading a stored file found: its value, or nothing, and in words what went wrong. */
export interface StoredRead<T> {
  value: T | undefined;
  /** Set when the file existed but could not be used: what happened and where it went. */
  problem?: string;
  /** Where an unparseable file was moved. */
  movedTo?: string;
}

/** Where a corrupt file goes: beside it, named by the time it was found. */
export const corruptName = (file: string, now = Date.now()): string =>
  `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;

function unparseable<T>(file: string, reason: string, aside: string, moveError?: Error): StoredRead<T> {
  return moveError
    ? { value: undefined, problem: `${file} could not be read (${reason}) nor moved aside (${moveError.message}); move it away by hand.` }
    : {
        value: undefined,
        movedTo: aside,
        problem: `${file} could not be read (${reason}); it was moved to ${aside} and an empty one is used. Restore it from there if it holds what you need.`,
      };
}

const readFailure = <T>(file: string, e: unknown): StoredRead<T> =>
  (e as NodeJS.ErrnoException).code === 'ENOENT'
    ? { value: undefined }
    : { value: undefined, problem: `${file} could not be read: ${(e as Error).message}.` };

/** Parse what was read; on failure move the file aside (a quick rename, done synchronously in both readers). */
function parseStored<I, T>(file: string, input: I, parse: (input: I) => T, now: number | undefined): StoredRead<T> {
  try {
    return { value: parse(input) };
  } catch (e) {
    const aside = corruptName(file, now);
    try {
      fs.renameSync(file, aside);
    } catch (m) {
      return unparseable(file, reasonOf(e), aside, m as Error);
    }
    return unparseable(file, reasonOf(e), aside);
  }
}

/**
 * Read and parse a stored file. `parse` throws on anything it cannot use (bad JSON, a schema that
 * does not match); the file is then moved aside and the problem returned.
 */
export async function readStored<T>(file: string, parse: (text: string) => T, now?: number): Promise<StoredRead<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return readFailure(file, e);
  }
  return parseStored(file, text, parse, now);
}

/** readStored, synchronously (for stores read in a constructor). */
export const readStoredSync = <T>(file: string, parse: (text: string) => T, now?: number): StoredRead<T> =>
  readStoredWith(file, (f) => fs.readFileSync(f, 'utf8'), parse, now);

/** readStoredSync for a binary file: `parse` gets the bytes. */
export const readStoredBytesSync = <T>(file: string, parse: (bytes: Buffer) => T, now?: number): StoredRead<T> =>
  readStoredWith(file, (f) => fs.readFileSync(f), parse, now);

function readStoredWith<I, T>(file: string, read: (file: string) => I, parse: (input: I) => T, now: number | undefined): StoredRead<T> {
  let input: I;
  try {
    input = read(file);
  } catch (e) {
    return readFailure(file, e);
  }
  return parseStored(file, input, parse, now);
}

/** A parse error in words: JSON's message, or a schema's first issues. */
/** In words, why `parse` refused a stored file (a zod error's first issues, bad JSON, or the error's message). */
export function reasonOf(e: unknown): string {
  const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues))
    return issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
  return e instanceof SyntaxError ? `not valid JSON: ${e.message}` : (e as Error).message;
}
