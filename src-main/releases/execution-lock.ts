/**
 * One driver per release execution: a lock file `<id>.lock` holding {pid, hostname, owner, token}.
 * Created with O_EXCL so two windows or processes cannot both create it. The heartbeat is the
 * file's mtime, touched every heartbeatMs (touching, unlike rewriting, can never clobber a lock
 * another process has just put in its place). A lock whose heartbeat is older than staleMs, or
 * whose pid is dead on this host, may be taken over (an app that crashed must not block its release).
 *
 * Takeover race: two processes may both judge a lock stale. Each renames the lock file to a name
 * of its own (only one rename of one inode succeeds) and checks that what it moved is the stale
 * lock it judged (same token). If it moved a fresh lock instead, it puts it back (link, which never
 * overwrites) and reports the release as locked. The holder also re-reads the lock before every
 * save and on every heartbeat, so a holder that lost its lock stops writing.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { err, ok, type Result } from '../../src-shared/result';

export interface LockInfo {
  pid: number;
  hostname: string;
  owner: string;
  token: string;
  acquiredAt: number;
  /** The file's mtime when read: the last heartbeat. */
  heartbeatAt: number;
}

export interface LockOptions {
  pid?: number;
  hostname?: string;
  now?: () => number;
  staleMs?: number;
  heartbeatMs?: number;
  isProcessAlive?: (pid: number) => boolean;
}

export interface ExecutionLock {
  readonly id: string;
  readonly token: string;
  /** True once another process took the lock over; stop driving the release. */
  readonly lost: boolean;
  /** Re-read the lock file: is it still ours? */
  verify(): Promise<boolean>;
  heartbeat(): Promise<boolean>;
  release(): Promise<void>;
  onLost?: () => void;
  /** Team releases (execution-lease.ts): aborts when this process must stop acting; every cluster request of the release carries it. */
  readonly signal?: AbortSignal;
  /** Why the lock was lost, in words (shown read-only with the release). */
  readonly lostReason?: string;
}

const defaultAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
};

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
    const { mtimeMs } = await stat(path);
    return typeof info.token === 'string' ? { ...info, heartbeatAt: mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireLock(id: string, lockPath: string, owner: string, opts: LockOptions = {}): Promise<Result<ExecutionLock>> {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? 30_000;
  const alive = opts.isProcessAlive ?? defaultAlive;
  const me = { pid: opts.pid ?? process.pid, hostname: opts.hostname ?? osHostname(), owner, token: randomUUID() };

  for (let attempt = 0; attempt < 2; attempt++) {
    const info: LockInfo = { ...me, acquiredAt: now(), heartbeatAt: now() };
    try {
      const fh = await open(lockPath, 'wx');
      try {
        const { heartbeatAt: _, ...content } = info;
        await fh.writeFile(JSON.stringify(content));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await utimes(lockPath, info.heartbeatAt / 1000, info.heartbeatAt / 1000);
      return ok(makeLock(id, lockPath, info, opts));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        return err('internal', `Cannot create the lock for release ${id}: ${(e as Error).message}`);
    }
    const held = await readLock(lockPath);
    if (!held) {
      // Unreadable: being written right now by its creator, or left half-written by a crash.
      const st = await stat(lockPath).catch(() => undefined);
      if (!st) continue;
      if (now() - st.mtimeMs <= staleMs)
        return err('locked', `Release ${id} is being locked by another window right now; try again in a moment.`);
    }
    const age = held ? now() - held.heartbeatAt : Infinity;
    const dead = held !== undefined && held.hostname === me.hostname && !alive(held.pid);
    if (held && !dead && held.hostname === me.hostname && held.pid === me.pid) {
      // Our own process holds it (another window or service instance here): waiting would not help.
      return err('locked', `Release ${id} is already driven by ${held.owner} in this process; act on it there.`);
    }
    if (held && age <= staleMs && !dead) {
      return err(
        'locked',
        `Release ${id} is being driven by ${held.owner} (pid ${held.pid} on ${held.hostname}, last seen ${Math.round(age / 1000)} s ago). ` +
          `Use that window, or wait ${Math.ceil((staleMs - age) / 1000)} s for its lock to expire if it has crashed.`,
      );
    }
    // Stale (or unreadable for longer than staleMs). Move it aside under a name only we use.
    const aside = `${lockPath}.stale-${me.token}`;
    try {
      await rename(lockPath, aside);
    } catch {
      continue; // someone else moved it first; try to create ours again
    }
    const moved = await readLock(aside);
    if (held && moved && moved.token !== held.token) {
      await link(aside, lockPath).catch(() => undefined); // we moved a fresh lock: put it back
      await unlink(aside).catch(() => undefined);
      return err('locked', `Release ${id} was just taken over by ${moved.owner} (pid ${moved.pid}).`);
    }
    await unlink(aside).catch(() => undefined);
  }
  return err('locked', `Release ${id} is locked by another process that keeps taking it; try again.`);
}

function makeLock(id: string, lockPath: string, info: LockInfo, opts: LockOptions): ExecutionLock {
  const now = opts.now ?? Date.now;
  let lost = false;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const lock: ExecutionLock = {
    id,
    token: info.token,
    get lost() {
      return lost;
    },
    async verify() {
      if (lost || released) return false;
      const current = await readLock(lockPath);
      if (current?.token !== info.token) {
        lost = true;
        if (timer) clearInterval(timer);
        lock.onLost?.();
      }
      return !lost;
    },
    async heartbeat() {
      if (!(await lock.verify())) return false;
      const t = now() / 1000;
      await utimes(lockPath, t, t);
      return true;
    },
    async release() {
      if (timer) clearInterval(timer);
      if (released) return;
      released = true;
      const current = await readLock(lockPath);
      if (current?.token === info.token) await unlink(lockPath).catch(() => undefined);
    },
  };
  const every = opts.heartbeatMs ?? 5_000;
  if (every > 0) {
    timer = setInterval(() => void lock.heartbeat().catch(() => undefined), every);
    timer.unref();
  }
  return lock;
}
