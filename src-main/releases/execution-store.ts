/**
 * Release executions on disk: one `<id>.json` per execution, replaced atomically after every
 * transition (so the app can be killed mid-release and find the release where it was), checked
 * against the schema when read back. A file that cannot be read is moved aside (the base layer's
 * `<id>.json.corrupt-<time>`, see src-main/base/atomic-write.ts) and
 * reported with where it went: never silently dropped, never silently overwritten. Writing needs
 * the execution's lock (execution-lock.ts), so two windows cannot drive one release.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { executionStateSchema, type ExecutionState } from '../../src-shared/releases/execution-model';
import { historyToCsv, historyToJson } from '../../src-shared/releases/history-export';
import { err, ok, type Result } from '../../src-shared/result';
import { readStored, reasonOf, TEMP_MARKER, writeFileAtomic } from '../base/atomic-write';
import { acquireLock, type ExecutionLock, type LockOptions } from './execution-lock';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface LoadProblem {
  file: string;
  movedTo?: string;
  message: string;
}

export interface ExecutionStoreOptions extends LockOptions {
  /** Temp files older than this (ms) are leftovers of a crash and are removed by loadAll. */
  tempMaxAgeMs?: number;
}

export class ExecutionStore {
  constructor(
    private readonly dir: string,
    private readonly opts: ExecutionStoreOptions = {},
  ) {}

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private checkId(id: string): Result<void> {
    return ID_RE.test(id) ? ok(undefined) : err('invalid-payload', `"${id}" is not a valid release execution id (letters, digits, . _ -).`);
  }

  /** Take the right to drive execution `id`; `owner` names this window/process in messages. */
  async acquire(id: string, owner: string): Promise<Result<ExecutionLock>> {
    const valid = this.checkId(id);
    if (!valid.ok) return valid;
    await mkdir(this.dir, { recursive: true });
    return acquireLock(id, join(this.dir, `${id}.lock`), owner, this.opts);
  }

  /** Persist `state` atomically. Refused without the lock, or over a newer version on disk. */
  async save(state: ExecutionState, lock: ExecutionLock): Promise<Result<void>> {
    const valid = this.checkId(state.id);
    if (!valid.ok) return valid;
    if (lock.id !== state.id || !(await lock.verify())) {
      return err(
        'locked',
        `This window no longer holds release ${state.id} (another window or process took it over); reload it before acting.`,
      );
    }
    const onDisk = await this.readVersion(state.id);
    if (onDisk !== undefined && onDisk > state.version) {
      return err('conflict', `Release ${state.id} on disk is at version ${onDisk}, newer than ${state.version}; reload it before acting.`);
    }
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFileAtomic(this.path(state.id), `${JSON.stringify(state, null, 1)}\n`);
      return ok(undefined);
    } catch (e) {
      return err('internal', `Could not save release ${state.id}: ${(e as Error).message}. The previous state is still on disk.`);
    }
  }

  /**
   * The local copy of a team release (its record lives in the cluster, execution-records.ts): for
   * viewing offline. No lock: the cluster's resourceVersion is what orders its writes.
   */
  async cache(state: ExecutionState): Promise<void> {
    if (!this.checkId(state.id).ok) return;
    await mkdir(this.dir, { recursive: true });
    const onDisk = await this.readVersion(state.id);
    if (onDisk !== undefined && onDisk > state.version) return;
    await writeFileAtomic(this.path(state.id), `${JSON.stringify(state, null, 1)}\n`).catch(() => undefined);
  }

  private async readVersion(id: string): Promise<number | undefined> {
    try {
      const v = (JSON.parse(await readFile(this.path(id), 'utf8')) as { version?: unknown }).version;
      return typeof v === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async load(id: string): Promise<Result<ExecutionState>> {
    const valid = this.checkId(id);
    if (!valid.ok) return valid;
    let reason = '';
    const read = await readStored(
      this.path(id),
      (text) => {
        try {
          return executionStateSchema.parse(JSON.parse(text));
        } catch (e) {
          reason = reasonOf(e);
          throw e;
        }
      },
      this.opts.now?.(),
    );
    if (read.value) return ok(read.value);
    if (!read.problem) return err('not-found', `No saved release execution ${id}.`);
    if (!read.movedTo) return err('internal', `Could not read release ${id}: ${read.problem}`);
    this.lastMovedTo.set(id, read.movedTo);
    return err(
      'corrupt-file',
      `The saved state of release ${id} could not be read: ${reason}. It was moved to ${read.movedTo}; the release is not shown as running. Check its Deployments on the board before releasing again.`,
    );
  }

  private readonly lastMovedTo = new Map<string, string>();

  /** Every saved execution; unreadable ones are moved aside and listed in `problems`. */
  async loadAll(): Promise<{ executions: ExecutionState[]; problems: LoadProblem[] }> {
    const executions: ExecutionState[] = [];
    const problems: LoadProblem[] = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return { executions, problems };
    }
    const now = this.opts.now?.() ?? Date.now();
    for (const name of names.sort()) {
      const file = join(this.dir, name);
      if (name.includes(TEMP_MARKER)) {
        const st = await stat(file).catch(() => undefined);
        if (st && now - st.mtimeMs > (this.opts.tempMaxAgeMs ?? 60_000)) await unlink(file).catch(() => undefined);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      const r = await this.load(id);
      if (r.ok) executions.push(r.value);
      else problems.push({ file, movedTo: this.lastMovedTo.get(id), message: r.error.message });
    }
    return { executions, problems };
  }

  async exportHistory(id: string, format: 'json' | 'csv'): Promise<Result<string>> {
    const r = await this.load(id);
    if (!r.ok) return r;
    return ok(format === 'json' ? historyToJson(r.value) : historyToCsv(r.value));
  }
}
