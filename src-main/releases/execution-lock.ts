/**
 * One driver per release execution, between windows and processes of one machine: a lock file
 * holding {pid, hostname, owner, token}. The heartbeat is the file's mtime, touched every
 * heartbeatMs (touching, unlike rewriting, can never clobber a lock another process has just put
 * in its place). A lock whose heartbeat is older than staleMs, or whose pid is dead on this host,
 * may be taken over (an app that crashed must not block its release).
 *
 * Generations, so a takeover never removes a name someone else may be creating: the lock files
 * are `<id>.lock` (generation 0), `<id>.lock.1`, `<id>.lock.2`, …, and the lock is the highest
 * generation present. Taking over generation g means creating g + 1, all or nothing and only if
 * it does not exist (createFileExclusive), so of several processes that judged g stale exactly
 * one wins. The winner then checks that nothing higher appeared (a process that read the folder
 * long ago may re-create a generation that was already cleaned up; it finds a higher one and
 * backs off) and removes the lower generations. Release does not delete the file: it marks it
 * released (an atomic rewrite of its own generation), so generations only grow and a slow process
 * can never re-create the current one. The holder re-reads its generation before every save and
 * on every heartbeat, so a holder that lost its lock stops writing.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, dirname } from 'node:path';
import { err, ok, type Result } from '../../src-shared/result';
import { createFileExclusive, writeFileAtomic } from '../base/atomic-write';

export interface LockInfo {
  pid: number;
  hostname: string;
  owner: string;
  token: string;
  acquiredAt: number;
  /** Let go by its holder: free to take. */
  released?: boolean;
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
  /** Let go. An error only when others cannot see it was let go (a Lease that could not be emptied: it expires instead). */
  release(): Promise<Result<void>>;
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

/** `<id>.lock` is generation 0, `<id>.lock.<n>` generation n. */
const generationPath = (lockPath: string, gen: number): string => (gen === 0 ? lockPath : `${lockPath}.${gen}`);

/** The generations present, highest first. */
async function generations(lockPath: string): Promise<number[]> {
  const base = basename(lockPath);
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  const gens: number[] = [];
  for (const name of names) {
    if (name === base) gens.push(0);
    else if (name.startsWith(`${base}.`) && /^[1-9][0-9]{0,15}$/.test(name.slice(base.length + 1)))
      gens.push(Number(name.slice(base.length + 1)));
  }
  return gens.sort((x, y) => y - x);
}

export async function acquireLock(id: string, lockPath: string, owner: string, opts: LockOptions = {}): Promise<Result<ExecutionLock>> {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? 30_000;
  const alive = opts.isProcessAlive ?? defaultAlive;
  const me = { pid: opts.pid ?? process.pid, hostname: opts.hostname ?? osHostname(), owner, token: randomUUID() };

  for (let attempt = 0; attempt < 3; attempt++) {
    const top = (await generations(lockPath))[0];
    if (top !== undefined) {
      const path = generationPath(lockPath, top);
      const held = await readLock(path);
      if (!held) {
        // Unreadable: damaged (a crash of an older version while writing it), or gone since listed.
        const st = await stat(path).catch(() => undefined);
        if (!st) continue;
        if (now() - st.mtimeMs <= staleMs)
          return err('locked', `Release ${id} is being locked by another window right now; try again in a moment.`);
      } else if (!held.released) {
        const refused = judge(id, held, me, now() - held.heartbeatAt, staleMs, alive);
        if (refused) return refused;
      }
    }
    const gen = top === undefined ? 0 : top + 1;
    const path = generationPath(lockPath, gen);
    const info: LockInfo = { ...me, acquiredAt: now(), heartbeatAt: now() };
    const { heartbeatAt: _, ...content } = info;
    try {
      if (!(await createFileExclusive(path, JSON.stringify(content)))) continue; // another process took this generation: look again
    } catch (e) {
      return err('internal', `Cannot create the lock for release ${id}: ${(e as Error).message}`);
    }
    const after = await generations(lockPath);
    if (after[0] !== gen) {
      await unlink(path).catch(() => undefined); // a generation we re-created after it was cleaned up: someone is ahead
      continue;
    }
    for (const older of after.slice(1)) await unlink(generationPath(lockPath, older)).catch(() => undefined);
    await utimes(path, info.heartbeatAt / 1000, info.heartbeatAt / 1000).catch(() => undefined);
    return ok(makeLock(id, path, gen, lockPath, info, opts));
  }
  const top = (await generations(lockPath))[0];
  const holder = top === undefined ? undefined : await readLock(generationPath(lockPath, top));
  return err(
    'locked',
    holder && !holder.released
      ? `Release ${id} was just taken by ${holder.owner} (pid ${holder.pid} on ${holder.hostname}).`
      : `Release ${id} is being locked by other processes right now; try again in a moment.`,
  );
}

/** Why `held` (not released) may not be taken over, or undefined when it may. */
function judge(
  id: string,
  held: LockInfo,
  me: { pid: number; hostname: string },
  age: number,
  staleMs: number,
  alive: (pid: number) => boolean,
): Result<never> | undefined {
  const dead = held.hostname === me.hostname && !alive(held.pid);
  if (!dead && held.hostname === me.hostname && held.pid === me.pid) {
    // Our own process holds it (another window or service instance here): waiting would not help.
    return err('locked', `Release ${id} is already driven by ${held.owner} in this process; act on it there.`);
  }
  if (age <= staleMs && !dead) {
    return err(
      'locked',
      `Release ${id} is being driven by ${held.owner} (pid ${held.pid} on ${held.hostname}, last seen ${Math.round(age / 1000)} s ago). ` +
        `Use that window, or wait ${Math.ceil((staleMs - age) / 1000)} s for its lock to expire if it has crashed.`,
    );
  }
  return undefined;
}

function makeLock(id: string, path: string, gen: number, lockPath: string, info: LockInfo, opts: LockOptions): ExecutionLock {
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
      const current = await readLock(path);
      if (current?.token !== info.token || current.released || (await generations(lockPath))[0] !== gen) {
        lost = true;
        if (timer) clearInterval(timer);
        lock.onLost?.();
      }
      return !lost;
    },
    async heartbeat() {
      if (!(await lock.verify())) return false;
      const t = now() / 1000;
      await utimes(path, t, t);
      return true;
    },
    async release() {
      if (timer) clearInterval(timer);
      if (released) return ok(undefined);
      released = true;
      const current = await readLock(path);
      const { heartbeatAt: _, ...content } = info;
      if (current?.token === info.token && !current.released)
        await writeFileAtomic(path, JSON.stringify({ ...content, released: true })).catch(() => undefined);
      return ok(undefined);
    },
  };
  const every = opts.heartbeatMs ?? 5_000;
  if (every > 0) {
    timer = setInterval(() => void lock.heartbeat().catch(() => undefined), every);
    timer.unref();
  }
  return lock;
}
