import type {
  CellDetail,
  ImagePresence,
  LineageReport,
  MatrixEvent,
  MatrixFilter,
  RegistryCoverage,
  RegistryHealth,
  RegistryInfo,
  RegistryInput,
  RegistryUpdate,
  SyncMatrix,
} from '../../src-shared/images/contract';
import { diffMatrix, isEmptyDiff } from '../../src-shared/images/matrix-diff';
import { imageRefKey, parseImageRef } from '../../src-shared/base/image-ref';
import { err, ok, type Result } from '../../src-shared/result';
import { discoverOciRepositories, repositoriesOf } from './discovery';
import type { HarborClient } from './harbor-client';
import type { SecretStore } from './http';
import { matrixFrom, sourceRegionOf, type MatrixState } from './matrix-input';
import { fetchOciSnapshot } from './oci-snapshot';
import { MemoryRegistryConfigStore, type RegistryConfig, type RegistryConfigStore } from './registry-config';
import { RefreshScheduler } from './refresh-scheduler';
import { registryInfo, RegistrySettings } from './registry-settings';
import { fetchHarborSnapshot, type RegistrySnapshot } from './registry-snapshot';
import { cellDetail, type ReplicationView } from './replication-view';
import { ImageLookups } from './image-lookups';
import { checkHealth } from './registry-health';
import { RegistryClients, strip } from './registry-clients';
import { ReplicationActions } from './replication-actions';

/**
 * ImageSyncService: registries (Harbor per region, plain OCI), their health, and the sync matrix.
 *
 * Wiring (composition root):
 *
 *   const images = new ImageSyncService({
 *     secrets: vaultService,                                   // SecretStore: get(key), put(key, secret), delete?(key)
 *     config: new JsonFileRegistryConfigStore(join(userData, 'registries.json')),
 *     stuckThresholdMs: 30 * 60_000,                            // optional
 *   });
 *   await images.init();
 *   const handlers = createImagesHandlers(images);             // ./handlers.ts, for `imagesContract`
 *
 * Secrets are read from the vault per request and never leave main: not in RegistryInfo, not in
 * errors, not in logs. Every registry is read with bounded concurrency (default 8 requests in
 * flight); one slow or failing registry marks its own cells unknown and never blocks the others.
 */

export interface ImageSyncOptions {
  secrets: SecretStore;
  config?: RegistryConfigStore;
  /** An execution InProgress longer than this is flagged stuck (default 30 min). */
  stuckThresholdMs?: number;
  /** Region where images are pushed first (CI), when no registry is marked as the source. */
  sourceRegion?: string;
  /** Requests per second per registry while a view refreshes (default 5): the next refresh of a registry waits for its share. */
  maxRequestsPerSecond?: number;
  /** OCI revalidation: see OciSnapshotOptions (tests and benchmarks shorten them). */
  revalidateFraction?: number;
  revalidateAfterMs?: number;
  /** Requests in flight per registry (default 8). */
  concurrency?: number;
  /** Recent executions examined per Harbor (default 50). */
  executionsWindow?: number;
  /** A registry slower than this keeps its previous data for this refresh (default 20 s). */
  refreshBudgetMs?: number;
  /** A refresh younger than this is reused by getMatrix without `refresh` (default 5 s). */
  minRefreshIntervalMs?: number;
  /** Client settings (tests shorten them). */
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class ImageSyncService {
  private readonly settings: RegistrySettings;
  private readonly clients: RegistryClients;
  private readonly replication: ReplicationActions;
  private readonly lookups: ImageLookups;
  private readonly scheduler: RefreshScheduler;
  private priority = new Set<string>();
  /** Images the connected clusters run and saved plans target (discovery where a catalog is refused). */
  private context: { cluster: string[]; plan: string[] } = { cluster: [], plan: [] };
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  /** Requests made by the last refresh (benchmarks, tests). */
  get lastRefreshRequests(): number {
    return this.scheduler.lastRefreshRequests;
  }

  private get snapshots(): Map<string, RegistrySnapshot> {
    return this.scheduler.snapshots;
  }

  /** Round trips made so far per registry by its current clients (benchmarks). */
  requestsMade(): Record<string, number> {
    return this.clients.requestsMade();
  }

  /** Most requests seen in flight at once per registry (bounded by `concurrency`). */
  maxInFlight(): Record<string, number> {
    return this.clients.maxInFlight();
  }

  constructor(private readonly opts: ImageSyncOptions) {
    const config: RegistryConfigStore = opts.config ?? new MemoryRegistryConfigStore();
    this.now = opts.now ?? Date.now;
    this.clients = new RegistryClients(opts);
    this.settings = new RegistrySettings(config, opts.secrets, (id) => this.forget(id), opts.log);
    this.replication = new ReplicationActions({
      harbor: (id) => this.harborClient(id),
      // After an action the next matrix read refreshes instead of reusing the last one.
      changed: () => (this.scheduler.lastRefresh = 0),
      log: opts.log,
    });
    this.lookups = new ImageLookups({
      registries: () => this.registries,
      clients: this.clients,
      contextImages: () => [...this.context.cluster, ...this.context.plan],
      sourceRegion: () => sourceRegionOf(this.state()),
      concurrency: opts.concurrency ?? 8,
    });
    this.scheduler = new RefreshScheduler({
      registries: () => this.registries,
      fetch: (r, now, previous) => this.fetchSnapshot(r, now, previous),
      isCurrent: (id) => this.registries.some((x) => x.id === id) && this.clients.has(id),
      notify: () => this.notify(),
      now: this.now,
      budgetMs: opts.refreshBudgetMs ?? 20_000,
      maxRequestsPerSecond: opts.maxRequestsPerSecond ?? 5,
    });
  }

  private get registries(): RegistryConfig[] {
    return this.settings.registries;
  }

  async init(): Promise<void> {
    await this.settings.load();
  }

  /** A registry changed (edited, removed, new credentials or trust): its clients and data go. */
  private forget(id: string) {
    this.clients.drop(id);
    this.scheduler.forget(id);
  }

  dispose(): void {
    this.clients.dispose();
    this.listeners.clear();
  }

  /** Called after every refresh. Returns an unsubscribe function. */
  onDidChangeMatrix(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- registries ----

  listRegistries(): RegistryInfo[] {
    return this.registries.map(registryInfo);
  }

  regions(): string[] {
    return [...new Set(this.registries.map((r) => r.region))];
  }

  addRegistry(input: RegistryInput): Promise<Result<RegistryInfo>> {
    return this.settings.add(input);
  }

  updateRegistry(u: RegistryUpdate): Promise<Result<RegistryInfo>> {
    return this.settings.update(u);
  }

  removeRegistry(id: string): Promise<Result<null>> {
    return this.settings.remove(id);
  }

  /** New credentials after a 401. An empty username means anonymous access (the secret is dropped). */
  setCredentials(id: string, username: string | undefined, secret: string | undefined): Promise<Result<RegistryInfo>> {
    return this.settings.setCredentials(id, username, secret);
  }

  /** Explicit consent, bound to the certificate main saw for this registry (see RegistrySettings.trust). */
  trustCertificate(id: string, fingerprint: string | undefined): Promise<Result<RegistryInfo>> {
    return this.settings.trust(id, fingerprint);
  }

  /** What each registry follows and found at its last refresh. */
  coverage(): RegistryCoverage[] {
    return this.registries.map((r) => {
      const snap = this.snapshots.get(r.id);
      if (!snap) return { registryId: r.id, repositories: [], repositoryCount: 0, tagCount: 0 };
      const tags = new Map<string, number>();
      for (const t of snap.tags) tags.set(t.repository, (tags.get(t.repository) ?? 0) + 1);
      const names = [...snap.sources.keys()].sort();
      return {
        registryId: r.id,
        mode: snap.discovery.mode,
        ...(snap.discovery.note ? { note: snap.discovery.note } : {}),
        fetchedAt: snap.fetchedAt,
        repositories: names.slice(0, 2_000).map((name) => ({ name, sources: snap.sources.get(name) ?? [], tags: tags.get(name) ?? 0 })),
        repositoryCount: names.length,
        tagCount: snap.tags.length,
        ...(snap.error ? { error: strip(snap.error) } : {}),
      };
    });
  }

  private registry(id: string): Result<RegistryConfig> {
    return this.settings.get(id);
  }

  async testRegistry(id: string): Promise<Result<RegistryHealth>> {
    const r = this.registry(id);
    if (!r.ok) return r;
    const cfg = r.value;
    return ok(await checkHealth(cfg, this.clients.for(cfg), this.now(), (e) => this.settings.noteCertificate(id, e)));
  }

  // ---- matrix ----

  /** Images the clusters run and plans target: listed first, and followed where a catalog is refused. */
  setContextImages(cluster: string[], plan: string[]): void {
    this.context = { cluster, plan };
    this.setPriorityImages([...cluster, ...plan]);
  }

  setPriorityImages(images: string[]): void {
    this.priority = new Set();
    for (const image of images) {
      const ref = parseImageRef(image);
      if (!ref) continue;
      this.priority.add(imageRefKey(ref));
    }
    // Watchers re-sort now rather than at the next refresh.
    if (this.snapshots.size) this.notify();
  }

  /** Refresh the registries (see RefreshScheduler): forced by default, as the user's refresh is. */
  refresh(opts: { force?: boolean } = {}): Promise<void> {
    return this.scheduler.refresh(opts.force ?? true);
  }

  private notify() {
    for (const l of this.listeners) l();
  }

  private async fetchSnapshot(r: RegistryConfig, now: number, previous: RegistrySnapshot | undefined): Promise<RegistrySnapshot> {
    const c = this.clients.for(r);
    const o = {
      registryId: r.id,
      region: r.region,
      projects: r.projects,
      include: r.include,
      exclude: r.exclude,
      concurrency: this.opts.concurrency ?? 8,
      executionsWindow: this.opts.executionsWindow ?? 50,
      previous,
      now,
    };
    let snap: RegistrySnapshot;
    if (c.harbor) snap = await fetchHarborSnapshot(c.harbor, o);
    else {
      const hosts = new Set(this.registries.map((x) => new URL(x.url).host.toLowerCase()));
      const before = c.oci.requests;
      const found = await discoverOciRepositories(c.oci, {
        hasCredentials: !!r.username,
        include: r.include,
        exclude: r.exclude,
        named: r.repositories ?? [],
        cluster: repositoriesOf(this.context.cluster, hosts),
        plan: repositoriesOf(this.context.plan, hosts),
      });
      snap = await fetchOciSnapshot(c.oci, found, {
        ...o,
        priority: this.priority,
        ...(this.opts.revalidateFraction !== undefined ? { revalidateFraction: this.opts.revalidateFraction } : {}),
        ...(this.opts.revalidateAfterMs !== undefined ? { revalidateAfterMs: this.opts.revalidateAfterMs } : {}),
      });
      snap.requests = c.oci.requests - before; // the catalog too
    }
    this.settings.noteCertificate(r.id, snap.error);
    if (snap.error) this.opts.log?.(`images: ${r.id}: ${snap.error.code}: ${snap.error.message}`);
    return snap;
  }

  async getMatrix(filter?: MatrixFilter, opts: { refresh?: boolean } = {}): Promise<Result<SyncMatrix>> {
    if (opts.refresh || this.scheduler.hasUnread()) await this.refresh({ force: true });
    else if (this.now() - this.scheduler.lastRefresh > (this.opts.minRefreshIntervalMs ?? 5_000)) await this.refresh({ force: false });
    return ok(this.computeNow(filter));
  }

  private state(): MatrixState {
    return {
      view: this.view(this.now()),
      slow: this.scheduler.slow,
      failingSince: this.scheduler.failingSince,
      priority: this.priority,
      defaultSourceRegion: this.opts.sourceRegion,
    };
  }

  private computeNow(filter?: MatrixFilter): SyncMatrix {
    return matrixFrom(this.state(), filter);
  }

  /**
   * Subscribe: the whole matrix first, then a diff after every refresh that changed something,
   * refreshing every `intervalMs` (≥ 5 s) until aborted.
   */
  watchMatrix(filter: MatrixFilter | undefined, intervalMs: number, emit: (e: MatrixEvent) => void, signal: AbortSignal): void {
    let last: SyncMatrix | undefined;
    const send = () => {
      if (signal.aborted) return;
      const next = this.computeNow(filter);
      if (!last) emit({ kind: 'full', matrix: next });
      else {
        const diff = diffMatrix(last, next);
        if (isEmptyDiff(diff, last)) return;
        emit({ kind: 'diff', diff });
      }
      last = next;
    };
    const off = this.onDidChangeMatrix(send);
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      if (signal.aborted) return;
      void this.refresh({ force: false }).finally(() => {
        if (!signal.aborted) timer = setTimeout(tick, Math.max(5_000, intervalMs));
      });
    };
    signal.addEventListener(
      'abort',
      () => {
        off();
        clearTimeout(timer);
      },
      { once: true },
    );
    if (this.snapshots.size) send();
    tick();
  }

  // ---- cell detail and actions ----

  private view(now: number): ReplicationView {
    return { registries: this.registries, snapshots: this.snapshots, now, stuckThresholdMs: this.opts.stuckThresholdMs ?? 30 * 60_000 };
  }

  /** Executions replicating into the cell's region (newest first) and the image's tasks (failed first). */
  async getCellDetail(repository: string, tag: string, region: string): Promise<Result<CellDetail>> {
    if (!this.snapshots.size) await this.refresh();
    return ok(cellDetail(this.view(this.now()), this.computeNow(), repository, tag, region));
  }

  private harborClient(registryId: string): Result<HarborClient> {
    const r = this.registry(registryId);
    if (!r.ok) return r;
    const c = this.clients.for(r.value).harbor;
    return c ? ok(c) : err('invalid-payload', `${r.value.name} is a plain OCI registry: it has no replication.`);
  }

  getTaskLog(registryId: string, executionId: number, taskId: number): Promise<Result<{ text: string; truncated: boolean }>> {
    return this.replication.getTaskLog(registryId, executionId, taskId);
  }

  startExecution(registryId: string, policyId: number): Promise<Result<{ executionId?: number }>> {
    return this.replication.startExecution(registryId, policyId);
  }

  /** Stop; Harbor may ignore the request (stuck executions): the answer says the status now. */
  stopExecution(registryId: string, executionId: number): Promise<Result<{ status: string; stopped: boolean }>> {
    return this.replication.stopExecution(registryId, executionId);
  }

  /** Retry failed tasks: a new execution of the same policy. */
  retryExecution(registryId: string, executionId: number): Promise<Result<{ executionId?: number }>> {
    return this.replication.retryExecution(registryId, executionId);
  }

  /**
   * Which images run on which base image, in every region's registry: `images` (default: what the
   * connected clusters run and saved plans target). Registries are asked with bounded concurrency.
   */
  lineage(images?: string[]): Promise<Result<LineageReport>> {
    return this.lookups.lineage(images);
  }

  /**
   * For the release planner: is `image` (with `digest`, when given; else the source region's
   * digest) present in every region listed? Asks the registries directly (not the last snapshot).
   */
  checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>> {
    return this.lookups.checkImagePresent(image, digest, regions);
  }
}
