/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target (atomic on POSIX and on NTFS for same-volume renames), then fsync the directory so
 * the rename itself survives a power cut. A crash at any point leaves either the old file or the
 * new one, never half of one; a leftover temp file is harmless and removed on the next load.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export const TEMP_MARKER = '.tmp-';

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dirname(path));
}

async function fsyncDir(dir: string): Promise<void> {
  // Not supported on Windows (EISDIR/EPERM); the rename is still atomic there.
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* best effort */
  }
}
