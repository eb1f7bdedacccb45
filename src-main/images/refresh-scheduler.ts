import type { RegistryConfig } from './registry-config';
import type { RegistrySnapshot } from './registry-snapshot';

/**
 * When each registry is read, and what is kept of it: the last snapshot per registry, the fetches
 * in flight, which registries overran the refresh budget or fail (since when), and when each may
 * be read again without being forced.
 *
 * - Refreshes are coalesced; a forced one (the user's) never settles for an unforced one already
 *   running, it runs right after it.
 * - A registry slower than `budgetMs` keeps its previous snapshot for this refresh and reports
 *   itself slow; its fetch goes on and the matrix is recomputed when it lands.
 * - Unforced refreshes (a view's timer) skip a registry until its request budget allows: what a
 *   refresh of it costs when nothing changed, at `maxRequestsPerSecond`.
 */

export interface RefreshSchedulerDeps {
  registries: () => RegistryConfig[];
  fetch: (r: RegistryConfig, now: number, previous: RegistrySnapshot | undefined) => Promise<RegistrySnapshot>;
  /** Still configured, with the clients the fetch used (not removed or reconfigured meanwhile). */
  isCurrent: (id: string) => boolean;
  notify: () => void;
  now: () => number;
  budgetMs: number;
  maxRequestsPerSecond: number;
}

export class RefreshScheduler {
  readonly snapshots = new Map<string, RegistrySnapshot>();
  /** Registries whose last fetch overran the refresh budget, since when. */
  readonly slow = new Map<string, number>();
  /** Registries whose last fetch failed, since when (first failure after a success). */
  readonly failingSince = new Map<string, number>();
  /** Fetches in progress per registry (a slow one outlives a refresh). */
  private readonly inflight = new Map<string, Promise<RegistrySnapshot>>();
  /** Per registry: no unforced refresh before this time. */
  private readonly nextDue = new Map<string, number>();
  private refreshing: Promise<void> | undefined;
  private refreshingForced = false;
  private queuedForced: Promise<void> | undefined;
  lastRefresh = 0;
  /** Requests made by the last refresh (benchmarks, tests). */
  lastRefreshRequests = 0;

  constructor(private readonly deps: RefreshSchedulerDeps) {}

  /** Some registry has neither data nor a fetch under way. */
  hasUnread(): boolean {
    return this.deps.registries().some((r) => !this.snapshots.has(r.id) && !this.inflight.has(r.id));
  }

  forget(id: string) {
    this.snapshots.delete(id);
    this.failingSince.delete(id);
    this.nextDue.delete(id);
    this.slow.delete(id);
  }

  refresh(force: boolean): Promise<void> {
    if (this.refreshing && force && !this.refreshingForced) {
      if (!this.queuedForced)
        this.queuedForced = this.refreshing.then(() => {
          this.queuedForced = undefined;
          return this.refresh(true);
        });
      return this.queuedForced;
    }
    if (!this.refreshing) {
      this.refreshingForced = force;
      this.refreshing = this.run(force).finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private landed(r: RegistryConfig, snap: RegistrySnapshot) {
    this.inflight.delete(r.id);
    if (!this.deps.isCurrent(r.id)) return;
    this.snapshots.set(r.id, snap);
    this.slow.delete(r.id);
    if (snap.error) this.failingSince.set(r.id, this.failingSince.get(r.id) ?? snap.fetchedAt);
    else this.failingSince.delete(r.id);
    // Paced by what a refresh costs when nothing changed: the first full read is a one-off.
    const cost = Math.min(snap.requests, snap.steadyRequests ?? snap.requests);
    this.nextDue.set(r.id, snap.fetchedAt + (cost / this.deps.maxRequestsPerSecond) * 1000);
  }

  private async run(force: boolean): Promise<void> {
    const now = this.deps.now();
    const due = this.deps.registries().filter((r) => force || !this.snapshots.has(r.id) || now >= (this.nextDue.get(r.id) ?? 0));
    let requests = 0;
    const late: RegistryConfig[] = [];
    await Promise.all(
      due.map(async (r) => {
        let pending = this.inflight.get(r.id);
        if (!pending) {
          pending = this.deps.fetch(r, now, this.snapshots.get(r.id));
          this.inflight.set(r.id, pending);
          void pending.then((snap) => this.landed(r, snap));
        }
        let timer: NodeJS.Timeout | undefined;
        const snap = await Promise.race([
          pending,
          new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.deps.budgetMs))),
        ]);
        clearTimeout(timer);
        if (snap) requests += snap.requests;
        else late.push(r);
      }),
    );
    for (const r of late) {
      this.slow.set(r.id, now);
      void this.inflight.get(r.id)?.then(() => this.deps.notify());
    }
    this.lastRefresh = now;
    this.lastRefreshRequests = requests;
    this.deps.notify();
  }
}
