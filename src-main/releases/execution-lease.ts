/**
 * Ownership of a team release: a coordination.k8s.io/v1 Lease in the release's home cluster, on
 * client-go leader election's model (tools/leaderelection):
 *
 * - tryAcquireOrRenew: read the Lease; free (absent, or released with an empty holder) → take it;
 *   ours → renew; another holder whose Lease has expired → take it only when the person asked to
 *   take over (`takeOver`); otherwise refused with who holds it. Every write is a create or a PUT
 *   carrying the resourceVersion it read, so of two racing Capstans exactly one wins (409 for the other).
 * - Expiry is judged on this process's own clock, like client-go's `observedTime`: a Lease is expired
 *   when its record (holder + renewTime) has not changed for leaseDurationSeconds since *we saw it
 *   change*. A fresh process therefore waits a whole lease duration before calling anything expired;
 *   no clock of two laptops is ever compared.
 * - Renewal every retryPeriod. The holder counts its renew deadline from the instant it *sent* the last
 *   successful renewal; past it, the lock is fenced: `signal` aborts (every cluster request of the
 *   release carries it), `verify()` is false, nothing more is written. Since renewDeadline <
 *   leaseDuration and another process observes a renewal only after it was sent, the holder stops
 *   before anyone else may call the Lease expired.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { err, ok, type Result } from '../../src-shared/result';
import type { RequestOptions } from '../watch/reflector';
import type { ExecutionLock } from './execution-lock';
import { holderLabel } from '../../src-shared/releases/holder-label';

export interface LeaseTiming {
  /** How long a Lease is valid after its last observed renewal. client-go default 15 s. */
  leaseDurationMs: number;
  /** The holder stops acting when it could not renew for this long. client-go default 10 s. */
  renewDeadlineMs: number;
  /** Renewal (and observation) period. client-go default 2 s. */
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/**
 * `CAPSTAN_RELEASE_LEASE=<duration>,<renew deadline>,<retry period>` in seconds (e.g. `15,10,2`);
 * fractions allowed. Kept only when retry < deadline < duration (the fencing argument needs it).
 */
export function leaseTimingFromEnv(env: NodeJS.ProcessEnv): Partial<LeaseTiming> {
  const parts = (env.CAPSTAN_RELEASE_LEASE ?? '').split(',').map((p) => Number(p.trim()) * 1000);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n <= 0)) return {};
  const [leaseDurationMs, renewDeadlineMs, retryPeriodMs] = parts as [number, number, number];
  return retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs ? { leaseDurationMs, renewDeadlineMs, retryPeriodMs } : {};
}

/** Where team releases keep their Leases and records, in their home cluster. */
export const TEAM_NAMESPACE = 'capstan-system';
export const RECORD_LABEL = 'capstan.io/release-execution';
export const EXECUTION_ANNOTATION = 'capstan.io/execution';
const RELEASED_BY = 'capstan.io/released-by';

/** The API a team release needs from a cluster (ClusterConnection has it). */
export interface KubeJson {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
}

/** The metadata a release reads and writes on its Lease and record ConfigMaps. */
export interface RecordMeta {
  name: string;
  namespace: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LeaseObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: RecordMeta;
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** What the renderer and messages say about a Lease. */
export interface LeaseView {
  holder: string;
  acquiredAt?: number;
  renewedAt?: number;
  durationSec: number;
  /** Judged on this process's clock (see the header). */
  expired: boolean;
  /** Epoch ms at which this process will call it expired, when not yet. */
  expiresAt?: number;
  /** Who handed it back (empty holder), when released. */
  releasedBy?: string;
}

/** user@host/pid-random: readable, and unique per process (a restarted Capstan is another holder). */
export function holderIdentity(actor?: string): string {
  let user = actor;
  try {
    user ??= userInfo().username;
  } catch {
    user ??= 'someone';
  }
  return `${user}@${hostname()}/${process.pid}-${randomBytes(2).toString('hex')}`;
}

const userAtHost = (identity: string) => identity.split('/')[0];

/** Identities of the release services alive in this process (a restarted service gets a new one). */
const liveHere = new Set<string>();
export function identityAlive(identity: string, alive: boolean): void {
  if (alive) liveHere.add(identity);
  else liveHere.delete(identity);
}

/**
 * A holder on this host, by this user, that is certainly gone: its process is dead, or it is this
 * process and that service instance was disposed. Only then may a launch take its Lease back at
 * once (as the lock file did); anyone else waits for the Lease to expire and confirms a take-over.
 */
function holderGoneHere(holder: string, me: string): boolean {
  const m = /^(.*)\/(\d+)-[0-9a-f]+$/.exec(holder);
  if (!m || m[1] !== userAtHost(me)) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return !liveHere.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Kubernetes object names are DNS subdomains: lower case; a hash keeps distinct ids distinct. */
export function objectNameFor(id: string): string {
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 200)
    .replace(/[^a-z0-9]+$/, '');
  let h = 0x811c9dc5;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `release-${slug}-${h.toString(16).padStart(8, '0')}`;
}

/** RFC 3339 with microseconds, the MicroTime format of Lease times. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const enc = encodeURIComponent;
export const leasePath = (name?: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/${TEAM_NAMESPACE}/leases${name ? `/${enc(name)}` : ''}`;

/** Creates the team namespace when a create answered 404 because it does not exist yet. */
export async function ensureNamespace(api: KubeJson, signal?: AbortSignal): Promise<Result<void>> {
  const r = await api.getJson('/api/v1/namespaces', {
    method: 'POST',
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: TEAM_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'capstan' } },
    },
    verb: 'create',
    resource: 'namespaces',
    signal,
  });
  if (r.ok || r.error.code === 'conflict' || r.error.status === 409) return ok(undefined);
  return err(
    r.error.code,
    `Could not create namespace ${TEAM_NAMESPACE} for team releases: ${r.error.message} Ask an admin to create it, or start the release local only.`,
    { clusterId: r.error.clusterId },
  );
}

/**
 * Observes Leases: remembers, per Lease, when this process last saw its record change. One per
 * process, shared by acquisition and the view the renderer gets.
 */
export class LeaseObserver {
  private readonly seen = new Map<string, { record: string; at: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  observe(lease: LeaseObject): LeaseView {
    const key = `${lease.metadata.namespace}/${lease.metadata.name}`;
    const record = `${lease.spec.holderIdentity ?? ''}|${lease.spec.renewTime ?? ''}|${lease.spec.acquireTime ?? ''}`;
    const prev = this.seen.get(key);
    const at = prev && prev.record === record ? prev.at : this.now();
    this.seen.set(key, { record, at });
    const durationSec = lease.spec.leaseDurationSeconds ?? 15;
    const expiresAt = at + durationSec * 1000;
    const holder = lease.spec.holderIdentity ?? '';
    const parse = (t?: string) => (t ? Date.parse(t) : undefined);
    const expired = !holder || this.now() >= expiresAt;
    const releasedBy = holder ? undefined : lease.metadata.annotations?.[RELEASED_BY];
    return {
      holder,
      acquiredAt: parse(lease.spec.acquireTime),
      renewedAt: parse(lease.spec.renewTime),
      durationSec,
      expired,
      expiresAt: expired ? undefined : expiresAt,
      ...(releasedBy ? { releasedBy } : {}),
    };
  }
}

export interface AcquireOptions {
  identity: string;
  timing: LeaseTiming;
  observer: LeaseObserver;
  now?: () => number;
  /** The person confirmed taking over from an expired holder. */
  takeOver?: boolean;
  /**
   * At launch: take the Lease back only if it is free and was handed back by this user on this
   * host (the same Capstan, restarted); anything else stays read-only until a person acts.
   */
  reclaim?: boolean;
  log?: (m: string) => void;
}

export class ExecutionLease implements ExecutionLock {
  private controller = new AbortController();
  private renewedAt: number;
  private fenceTimer: NodeJS.Timeout | undefined;
  private loop: NodeJS.Timeout | undefined;
  private released = false;
  private renewing: Promise<boolean> | undefined;
  lost = false;
  /** Why this process stopped driving (shown read-only with it). */
  lostReason: string | undefined;
  onLost?: () => void;

  constructor(
    readonly id: string,
    readonly clusterId: string,
    private readonly api: KubeJson,
    private lease: LeaseObject,
    sentAt: number,
    private readonly opts: AcquireOptions,
  ) {
    this.renewedAt = sentAt;
    this.armFence();
    const tick = () => {
      this.loop = setTimeout(() => void this.heartbeat().finally(() => !this.lost && !this.released && tick()), opts.timing.retryPeriodMs);
      this.loop.unref();
    };
    tick();
  }

  get token(): string {
    return this.opts.identity;
  }

  /** Aborts when this process must stop acting: renew deadline passed, Lease lost or released. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get resourceVersion(): string | undefined {
    return this.lease.metadata.resourceVersion;
  }

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private armFence(): void {
    clearTimeout(this.fenceTimer);
    const left = this.renewedAt + this.opts.timing.renewDeadlineMs - this.now;
    this.fenceTimer = setTimeout(() => this.checkDeadline(), Math.max(0, left));
    this.fenceTimer.unref();
  }

  private checkDeadline(): boolean {
    if (this.lost) return false;
    if (this.now - this.renewedAt < this.opts.timing.renewDeadlineMs) return true;
    this.fence(
      `could not renew its Lease in ${this.clusterId} for ${this.opts.timing.renewDeadlineMs / 1000} s (renew deadline); it stopped acting before the Lease could expire`,
    );
    return false;
  }

  private fence(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    this.lostReason = reason;
    clearTimeout(this.fenceTimer);
    clearTimeout(this.loop);
    this.controller.abort(new Error(reason));
    this.opts.log?.(`[releases] ${this.id}: ${reason}`);
    this.onLost?.();
  }

  /** Local only (no request): still within the renew deadline and not lost. Called before every write. */
  async verify(): Promise<boolean> {
    return !this.released && this.checkDeadline();
  }

  /** One renewal (serialized). False once the Lease is lost or the deadline passed. */
  heartbeat(): Promise<boolean> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(): Promise<boolean> {
    if (this.lost || this.released) return false;
    const sentAt = this.now;
    // A renewal that cannot finish before the deadline is useless: it carries the deadline itself.
    const timeout = AbortSignal.timeout(Math.max(1, this.renewedAt + this.opts.timing.renewDeadlineMs - sentAt));
    const signal = AbortSignal.any([timeout, this.controller.signal]);
    const cur = await this.api.getJson<LeaseObject>(leasePath(this.lease.metadata.name), { verb: 'get', resource: 'leases', signal });
    if (!cur.ok) {
      if (cur.error.code === 'not-found') this.fence(`its Lease in ${this.clusterId} was deleted; it stopped acting`);
      return this.checkDeadline();
    }
    if (cur.value.spec.holderIdentity !== this.opts.identity) {
      this.fence(
        `${holderLabel(cur.value.spec.holderIdentity ?? '')} took this release over; this process stopped acting and wrote nothing since`,
      );
      return false;
    }
    const next: LeaseObject = {
      ...cur.value,
      spec: { ...cur.value.spec, renewTime: microTime(sentAt), leaseDurationSeconds: Math.ceil(this.opts.timing.leaseDurationMs / 1000) },
    };
    const put = await this.api.getJson<LeaseObject>(leasePath(this.lease.metadata.name), {
      method: 'PUT',
      body: next,
      verb: 'update',
      resource: 'leases',
      signal,
    });
    if (!put.ok) return this.checkDeadline();
    if (this.lost) return false;
    this.lease = put.value;
    this.renewedAt = sentAt;
    this.opts.observer.observe(put.value);
    this.armFence();
    return true;
  }

  /** Give the Lease back (empty holder), as client-go's ReleaseOnCancel does; a teammate may then take it at once. */
  async release(): Promise<Result<void>> {
    if (this.released) return ok(undefined);
    this.released = true;
    clearTimeout(this.loop);
    clearTimeout(this.fenceTimer);
    const wasLost = this.lost;
    this.controller.abort(new Error('released'));
    if (wasLost) return ok(undefined);
    const cur = await this.api.getJson<LeaseObject>(leasePath(this.lease.metadata.name), {
      verb: 'get',
      resource: 'leases',
      signal: AbortSignal.timeout(this.opts.timing.retryPeriodMs),
    });
    if (!cur.ok) return this.notEmptied(cur.error.message);
    if (cur.value.spec.holderIdentity !== this.opts.identity) return ok(undefined); // someone else's now: nothing to give back
    const put = await this.api.getJson(leasePath(this.lease.metadata.name), {
      method: 'PUT',
      body: {
        ...cur.value,
        metadata: { ...cur.value.metadata, annotations: { ...cur.value.metadata.annotations, [RELEASED_BY]: this.opts.identity } },
        spec: { ...cur.value.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now) },
      },
      verb: 'update',
      resource: 'leases',
      signal: AbortSignal.timeout(this.opts.timing.retryPeriodMs),
    });
    return put.ok ? ok(undefined) : this.notEmptied(put.error.message);
  }

  /** This process stopped acting either way; teammates wait for the Lease to expire instead. */
  private notEmptied(why: string): Result<void> {
    const s = Math.ceil(this.opts.timing.leaseDurationMs / 1000);
    return err(
      'cluster-unreachable',
      `This window stopped driving the release, but its Lease could not be emptied (${why}). Teammates can take it over once it expires, within ${s} s.`,
    );
  }
}

/** Take (or renew, or on request take over) the Lease of execution `id` in `clusterId`. */
export async function acquireLease(id: string, clusterId: string, api: KubeJson, opts: AcquireOptions): Promise<Result<ExecutionLease>> {
  const now = opts.now ?? Date.now;
  const name = objectNameFor(id);
  const signal = AbortSignal.timeout(opts.timing.renewDeadlineMs);
  const durationSec = Math.ceil(opts.timing.leaseDurationMs / 1000);
  const sentAt = now();
  const cur = await api.getJson<LeaseObject>(leasePath(name), { verb: 'get', resource: 'leases', signal });
  if (!cur.ok && cur.error.code !== 'not-found') {
    return err('cluster-unreachable', `Cannot reach the Lease of release ${id} in its home cluster ${clusterId}: ${cur.error.message}`, {
      clusterId,
    });
  }
  const fresh: LeaseObject['spec'] = {
    holderIdentity: opts.identity,
    leaseDurationSeconds: durationSec,
    acquireTime: microTime(sentAt),
    renewTime: microTime(sentAt),
  };
  let written: Result<LeaseObject>;
  if (!cur.ok) {
    const body: LeaseObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: TEAM_NAMESPACE,
        labels: { 'app.kubernetes.io/managed-by': 'capstan', [RECORD_LABEL]: 'lease' },
        annotations: { [EXECUTION_ANNOTATION]: id },
      },
      spec: { ...fresh, leaseTransitions: 0 },
    };
    const create = () => api.getJson<LeaseObject>(leasePath(), { method: 'POST', body, verb: 'create', resource: 'leases', signal });
    written = await create();
    if (!written.ok && written.error.code === 'not-found') {
      const ns = await ensureNamespace(api, signal);
      if (!ns.ok) return ns;
      written = await create();
    }
  } else {
    const view = opts.observer.observe(cur.value);
    const spec = cur.value.spec;
    const mine = spec.holderIdentity === opts.identity;
    const reclaimable = spec.holderIdentity
      ? holderGoneHere(spec.holderIdentity, opts.identity)
      : userAtHost(view.releasedBy ?? '') === userAtHost(opts.identity);
    if (opts.reclaim && !mine && !reclaimable) {
      return err(
        'locked',
        `Release ${id} was last driven by ${holderLabel(spec.holderIdentity || view.releasedBy || '')}; it is shown read-only until you act on it.`,
        { clusterId },
      );
    }
    if (!mine && spec.holderIdentity && !(opts.reclaim && reclaimable)) {
      const who = holderLabel(spec.holderIdentity);
      if (!view.expired) {
        return err(
          'locked',
          `Release ${id} is driven by ${who} (Lease in ${clusterId}, last renewal ${view.renewedAt ? new Date(view.renewedAt).toISOString() : 'unknown'}). It is shown read-only here.`,
          { clusterId },
        );
      }
      if (!opts.takeOver) {
        return err(
          'locked',
          `Release ${id} was driven by ${who}, whose Lease in ${clusterId} has expired. Take it over (after confirming) to drive it from here.`,
          { clusterId },
        );
      }
    }
    const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
    const body: LeaseObject = {
      ...cur.value,
      spec: mine ? { ...spec, renewTime: fresh.renewTime, leaseDurationSeconds: durationSec } : { ...fresh, leaseTransitions: transitions },
    };
    written = await api.getJson<LeaseObject>(leasePath(name), { method: 'PUT', body, verb: 'update', resource: 'leases', signal });
  }
  if (!written.ok) {
    if (written.error.code === 'conflict')
      return err(
        'locked',
        `Another Capstan took the Lease of release ${id} at the same moment; it drives it, this one shows it read-only.`,
        { clusterId },
      );
    return err(written.error.code, `Could not take the Lease of release ${id} in ${clusterId}: ${written.error.message}`, { clusterId });
  }
  opts.observer.observe(written.value);
  return ok(new ExecutionLease(id, clusterId, api, written.value, sentAt, opts));
}
