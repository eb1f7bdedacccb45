import { afterEach, describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-shared/result';
import type { RequestOptions } from '../watch/reflector';
import {
  acquireLease,
  leaseTimingFromEnv,
  LeaseObserver,
  objectNameFor,
  type ExecutionLease,
  type KubeJson,
  type LeaseObject,
} from './execution-lease';

/** An API server's Lease table: resourceVersion preconditions (409), 404, and a switch that makes it unreachable. */
class FakeLeases implements KubeJson {
  private readonly objects = new Map<string, LeaseObject>();
  private rv = 1;
  down = false;
  namespaceExists = true;
  writes = 0;

  async getJson<T>(path: string, o: RequestOptions = {}): Promise<Result<T>> {
    if (o.signal?.aborted) return err('timeout', 'aborted');
    if (this.down) return new Promise((res) => o.signal?.addEventListener('abort', () => res(err('timeout', 'aborted'))));
    if (path === '/api/v1/namespaces') {
      this.namespaceExists = true;
      return ok({} as T);
    }
    const name = decodeURIComponent(path.split('/leases')[1]?.replace(/^\//, '') ?? '');
    const method = o.method ?? 'GET';
    if (method === 'GET') {
      const cur = this.objects.get(name);
      return cur ? ok(structuredClone(cur) as T) : err('not-found', 'Not found (404)');
    }
    if (!this.namespaceExists) return err('not-found', 'namespace not found');
    const body = structuredClone(o.body as LeaseObject);
    if (method === 'POST') {
      if (this.objects.has(body.metadata.name)) return err('conflict', 'AlreadyExists (409)');
    } else {
      const cur = this.objects.get(name);
      if (!cur) return err('not-found', 'Not found (404)');
      if (body.metadata.resourceVersion !== cur.metadata.resourceVersion) return err('conflict', 'Conflict (409)');
    }
    body.metadata.resourceVersion = String(++this.rv);
    this.objects.set(body.metadata.name, body);
    this.writes++;
    return ok(structuredClone(body) as T);
  }

  holder(id: string): string | undefined {
    return this.objects.get(objectNameFor(id))?.spec.holderIdentity;
  }
}

const timing = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 50 };
const held: ExecutionLease[] = [];
afterEach(async () => {
  for (const l of held.splice(0)) await l.release().catch(() => undefined);
});

async function take(api: FakeLeases, identity: string, observer = new LeaseObserver(), takeOver = false) {
  const r = await acquireLease('rel-1', 'fat', api, { identity, timing, observer, takeOver });
  if (r.ok) held.push(r.value);
  return r;
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('execution Lease', () => {
  it('creates the namespace when missing, takes a free Lease, and renews it every retry period', async () => {
    const api = new FakeLeases();
    api.namespaceExists = false;
    const a = await take(api, 'alice@a/1-0000');
    expect(a.ok).toBe(true);
    expect(api.holder('rel-1')).toBe('alice@a/1-0000');
    const before = api.writes;
    await until(() => api.writes >= before + 3);
    expect(a.ok && (await a.value.verify())).toBe(true);
  });

  it('of two Capstans only one holds it; the other is told who, and cannot take it over while it is renewed', async () => {
    const api = new FakeLeases();
    const [a, b] = await Promise.all([take(api, 'alice@a/1-0000'), take(api, 'bob@b/2-0000')]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(!loser.ok && loser.error.message).toMatch(/driven by|at the same moment/);
    const again = await take(api, a.ok ? 'bob@b/2-0000' : 'alice@a/1-0000', new LeaseObserver(), true);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toMatch(/driven by (alice@a|bob@b) \(pid [12]\)/);
  });

  it('a holder that cannot renew is fenced (signal aborted) before another process may call its Lease expired', async () => {
    const api = new FakeLeases();
    const a = await take(api, 'alice@a/1-0000');
    if (!a.ok) throw new Error(a.error.message);
    const observer = new LeaseObserver();
    expect((await take(api, 'bob@b/2-0000', observer)).ok).toBe(false); // bob observes the record now
    api.down = true;
    const cutAt = Date.now();
    await until(() => a.value.signal.aborted);
    const fencedAt = Date.now();
    expect(await a.value.verify()).toBe(false);
    expect(a.value.lostReason).toMatch(/renew deadline/);
    expect(fencedAt - cutAt).toBeLessThan(timing.leaseDurationMs);
    api.down = false;
    // Bob: refused without asking, then taken over once it expired on his clock.
    const ask = await take(api, 'bob@b/2-0000', observer);
    expect(!ask.ok && ask.error.message).toMatch(/driven by alice@a \(pid 1\)|expired/);
    // Bob polls the Lease as the app does; it expires on his clock a lease duration after its last change.
    for (let seen = false; !seen; await new Promise((r) => setTimeout(r, 20))) {
      const cur = await api.getJson<LeaseObject>(`/apis/coordination.k8s.io/v1/namespaces/capstan-system/leases/${objectNameFor('rel-1')}`);
      seen = cur.ok && observer.observe(cur.value).expired;
    }
    const b = await take(api, 'bob@b/2-0000', observer, true);
    expect(b.ok).toBe(true);
    expect(Date.now()).toBeGreaterThan(fencedAt);
  });

  it('a holder whose Lease was taken over learns it at its next renewal and stops', async () => {
    const api = new FakeLeases();
    const a = await take(api, 'alice@a/1-0000');
    if (!a.ok) throw new Error(a.error.message);
    // Someone rewrites the Lease (an admin, or a take-over after a long suspension).
    const cur = (await api.getJson<LeaseObject>(
      `/apis/coordination.k8s.io/v1/namespaces/capstan-system/leases/${objectNameFor('rel-1')}`,
    )) as { ok: true; value: LeaseObject };
    await api.getJson('/x/leases/' + objectNameFor('rel-1'), {
      method: 'PUT',
      body: { ...cur.value, spec: { ...cur.value.spec, holderIdentity: 'bob@b/2-0000' } },
    });
    await until(() => a.value.lost);
    expect(a.value.lostReason).toMatch(/bob@b \(pid 2\) took this release over/);
    expect(a.value.signal.aborted).toBe(true);
  });

  it('release empties the Lease, or says it could not and that it expires instead', async () => {
    const api = new FakeLeases();
    const a = await take(api, 'alice@a/1-0000');
    if (!a.ok) throw new Error(a.error.message);
    expect(await a.value.release()).toEqual({ ok: true, value: undefined });
    expect(api.holder('rel-1')).toBe('');
    const b = await take(api, 'bob@b/2-0000');
    if (!b.ok) throw new Error(b.error.message);
    api.down = true;
    const r = await b.value.release();
    expect(r.ok ? '' : r.error.message).toMatch(
      /stopped driving the release, but its Lease could not be emptied \(aborted\)\. .*within 1 s/,
    );
    expect(b.value.signal?.aborted).toBe(true);
    expect(api.holder('rel-1')).toBe('bob@b/2-0000');
  });
  it('reads its timing from CAPSTAN_RELEASE_LEASE only when retry < deadline < duration', () => {
    expect(leaseTimingFromEnv({ CAPSTAN_RELEASE_LEASE: '30,20,4' })).toEqual({
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 4_000,
    });
    expect(leaseTimingFromEnv({ CAPSTAN_RELEASE_LEASE: '10,20,4' })).toEqual({});
    expect(leaseTimingFromEnv({})).toEqual({});
  });
});
