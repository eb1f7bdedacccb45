import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent } from '../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../src-shared/releases/execution-model';
import { fixturePlan, fixtureSnapshot } from '../../src-shared/releases/fixtures';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { ExecutionStore } from './execution-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-exec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function execution(id = 'rel-1'): ExecutionState {
  const plan = fixturePlan();
  const s = createExecution(id, plan, resolvePlan(plan, fixtureSnapshot()).stages, 0);
  const r = applyEvent(s, { type: 'start', at: Date.parse('2026-11-27T00:00:00Z'), actor: 'alice' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('ExecutionStore', () => {
  it('saves atomically and loads back what it saved', async () => {
    const store = new ExecutionStore(dir, { heartbeatMs: 0 });
    const lock = must(await store.acquire('rel-1', 'window 1'));
    const s = execution();
    must(await store.save(s, lock));
    expect((await readdir(dir)).sort()).toEqual(['rel-1.json', 'rel-1.lock']); // no temp file left
    expect(must(await new ExecutionStore(dir).load('rel-1'))).toEqual(JSON.parse(JSON.stringify(s)));
    await lock.release();
    expect((await readdir(dir)).sort()).toEqual(['rel-1.json', 'rel-1.lock']); // kept, marked released
    expect(JSON.parse(await readFile(join(dir, 'rel-1.lock'), 'utf8'))).toMatchObject({ released: true });
    const again = must(await store.acquire('rel-1', 'window 2')); // free at once
    expect((await readdir(dir)).sort()).toEqual(['rel-1.json', 'rel-1.lock.1']);
    await again.release();
  });
  it('refuses to write an older version over a newer one', async () => {
    const store = new ExecutionStore(dir, { heartbeatMs: 0 });
    const lock = must(await store.acquire('rel-1', 'w'));
    const s1 = execution();
    const s2 = must(applyEvent(s1, { type: 'pause', at: 1, actor: 'a' }));
    must(await store.save(s2, lock));
    const r = await store.save(s1, lock);
    expect(r.ok ? '' : r.error.code).toBe('conflict');
  });
  it('moves a corrupted file aside and says where, never losing it', async () => {
    const store = new ExecutionStore(dir, { heartbeatMs: 0, now: () => Date.parse('2026-11-27T00:30:00Z') });
    await writeFile(join(dir, 'rel-2.json'), '{"schema":1,"id":"rel-2", "vers');
    await writeFile(join(dir, 'rel-3.json'), JSON.stringify({ ...execution('rel-3'), groups: 'nope' }));
    const lock = must(await store.acquire('rel-1', 'w'));
    must(await store.save(execution(), lock));
    const { executions, problems } = await store.loadAll();
    expect(executions.map((e) => e.id)).toEqual(['rel-1']);
    expect(problems).toHaveLength(2);
    expect(problems[0]!.message).toMatch(
      /release rel-2 could not be read: not valid JSON.*moved to .*rel-2\.json\.corrupt-2026-11-27T00-30-00-000Z/,
    );
    expect(problems[1]!.message).toMatch(/rel-3 could not be read: groups: /);
    expect(problems[0]!.movedTo).toBe(join(dir, 'rel-2.json.corrupt-2026-11-27T00-30-00-000Z'));
    expect(await readFile(problems[0]!.movedTo!, 'utf8')).toBe('{"schema":1,"id":"rel-2", "vers');
    expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toEqual(['rel-1.json']);
  });
  it('removes leftover temp files of a crashed write, keeping the last good state', async () => {
    const store = new ExecutionStore(dir, { heartbeatMs: 0, tempMaxAgeMs: -1 });
    const lock = must(await store.acquire('rel-1', 'w'));
    must(await store.save(execution(), lock));
    await writeFile(join(dir, 'rel-1.json.tmp-999-abcd'), '{"half":');
    const { executions, problems } = await store.loadAll();
    expect(executions).toHaveLength(1);
    expect(problems).toEqual([]);
    expect((await readdir(dir)).some((f) => f.includes('.tmp-'))).toBe(false);
  });
  it('rejects ids that could escape the directory', async () => {
    const store = new ExecutionStore(dir);
    expect((await store.load('../etc/passwd')).ok).toBe(false);
    expect((await store.acquire('a/b', 'w')).ok).toBe(false);
  });
  it('exports history as JSON and CSV', async () => {
    const store = new ExecutionStore(dir, { heartbeatMs: 0 });
    const lock = must(await store.acquire('rel-1', 'w'));
    const s = must(
      applyEvent(execution(), { type: 'pause', at: Date.parse('2026-11-27T00:01:00Z'), actor: '=cmd|"x"', note: 'lunch, back soon' }),
    );
    must(await store.save(s, lock));
    const json = JSON.parse(must(await store.exportHistory('rel-1', 'json')));
    expect(json.release.id).toBe('rel-1');
    expect(json.history[1]).toMatchObject({ at: '2026-11-27T00:01:00.000Z', action: 'pause (lunch, back soon)' });
    const csv = must(await store.exportHistory('rel-1', 'csv')).split('\r\n');
    expect(csv[0]).toBe('version,at,actor,action,result,changes');
    expect(csv[1]).toMatch(
      /^1,2026-11-27T00:00:00.000Z,alice,start,ok,release started; fat\/shop\/orders-fat: pending → batch 1\/2 updating$/,
    );
    expect(csv[2]).toMatch(/^2,2026-11-27T00:01:00.000Z,"'=cmd\|""x""","pause \(lunch, back soon\)",ok,/);
  });
});

describe('execution lock', () => {
  it('lets only one window drive a release', async () => {
    const a = new ExecutionStore(dir, { heartbeatMs: 0, pid: 111, hostname: 'h', isProcessAlive: () => true });
    const b = new ExecutionStore(dir, { heartbeatMs: 0, pid: 222, hostname: 'h', isProcessAlive: () => true });
    must(await a.acquire('rel-1', 'window A'));
    const r = await b.acquire('rel-1', 'window B');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('locked');
      expect(r.error.message).toMatch(/being driven by window A \(pid 111 on h/);
    }
  });
  it('takes over a lock whose heartbeat is stale, and the old holder can no longer save', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const a = new ExecutionStore(dir, { heartbeatMs: 0, pid: 111, hostname: 'h', now: clock, isProcessAlive: () => true, staleMs: 30_000 });
    const b = new ExecutionStore(dir, {
      heartbeatMs: 0,
      pid: 222,
      hostname: 'h2',
      now: clock,
      isProcessAlive: () => true,
      staleMs: 30_000,
    });
    const lockA = must(await a.acquire('rel-1', 'A'));
    now += 20_000;
    expect((await b.acquire('rel-1', 'B')).ok).toBe(false);
    expect(await lockA.heartbeat()).toBe(true); // A is alive: heartbeat refreshes
    now += 20_000;
    expect((await b.acquire('rel-1', 'B')).ok).toBe(false);
    now += 31_000; // A hung: no heartbeat for 31 s
    const lockB = must(await b.acquire('rel-1', 'B'));
    const r = await a.save(execution(), lockA);
    expect(r.ok ? '' : r.error.code).toBe('locked');
    expect(lockA.lost).toBe(true);
    must(await b.save(execution(), lockB));
    await lockA.release(); // must not remove B's lock
    expect(await lockB.verify()).toBe(true);
  });
  it('takes over at once from a dead process on the same host', async () => {
    const a = new ExecutionStore(dir, { heartbeatMs: 0, pid: 111, hostname: 'h', isProcessAlive: () => true });
    must(await a.acquire('rel-1', 'A'));
    const b = new ExecutionStore(dir, { heartbeatMs: 0, pid: 222, hostname: 'h', isProcessAlive: (pid) => pid !== 111 });
    must(await b.acquire('rel-1', 'B'));
  });
  it('gives a stale lock to exactly one of several processes racing for it', async () => {
    await writeFile(join(dir, 'rel-1.lock'), JSON.stringify({ pid: 1, hostname: 'gone', owner: 'old', token: 'old', acquiredAt: 0 }));
    await utimes(join(dir, 'rel-1.lock'), 0, 0);
    const stores = [1, 2, 3, 4].map((pid) => new ExecutionStore(dir, { heartbeatMs: 0, pid, hostname: 'h', isProcessAlive: () => true }));
    const results = await Promise.all(stores.map((s, i) => s.acquire('rel-1', `W${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'locked')).toBe(true);
  });
  it('never gives a lock to two of many processes racing through takeovers and releases', async () => {
    let now = 1_000_000;
    const stores = [1, 2, 3, 4, 5, 6].map(
      (pid) => new ExecutionStore(dir, { heartbeatMs: 0, pid, hostname: 'h', now: () => now, isProcessAlive: () => true, staleMs: 30_000 }),
    );
    for (let round = 0; round < 60; round++) {
      const results = await Promise.all(stores.map((s, i) => s.acquire('rel-1', `W${i}`)));
      const winners = results.flatMap((r) => (r.ok ? [r.value] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'locked')).toBe(true);
      const verified = await Promise.all(winners.map((l) => l.verify()));
      expect(verified).toEqual([true]);
      if (round % 2)
        await winners[0]!.release(); // let go: free at once
      else now += 31_000; // or hang: stale for the next round
    }
    expect((await readdir(dir)).filter((n) => n.startsWith('rel-1.lock')).length).toBeLessThanOrEqual(2);
  });
  it('treats an unreadable lock file (crash while writing it) as stale', async () => {
    await writeFile(join(dir, 'rel-1.lock'), '{"pid":');
    const s = new ExecutionStore(dir, { heartbeatMs: 0 });
    expect((await s.acquire('rel-1', 'A')).ok).toBe(false); // maybe being written right now
    await utimes(join(dir, 'rel-1.lock'), 0, 0);
    must(await s.acquire('rel-1', 'A'));
  });
  it('heartbeats on a timer and notices a takeover', async () => {
    const a = new ExecutionStore(dir, { heartbeatMs: 20, pid: 111, hostname: 'h' });
    const lock = must(await a.acquire('rel-1', 'A'));
    const first = (await stat(join(dir, 'rel-1.lock'))).mtimeMs;
    await new Promise((r) => setTimeout(r, 80));
    expect((await stat(join(dir, 'rel-1.lock'))).mtimeMs).toBeGreaterThan(first);
    let lostCalled = false;
    lock.onLost = () => (lostCalled = true);
    await writeFile(join(dir, 'rel-1.lock'), JSON.stringify({ pid: 5, hostname: 'x', owner: 'thief', token: 't', acquiredAt: 0 }));
    await new Promise((r) => setTimeout(r, 60));
    expect(lock.lost).toBe(true);
    expect(lostCalled).toBe(true);
    await lock.release();
  });
});
