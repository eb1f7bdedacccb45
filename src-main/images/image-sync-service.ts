import type { CellDetail, ImageLineage, ImagePresence, LineageReport, MatrixEvent, MatrixFilter, RegistryCoverage, RegistryHealth, RegistryInfo, RegistryInput, RegistryUpdate, SyncMatrix } from '../../src-shared/images/contract';
import { diffMatrix, isEmptyDiff } from '../../src-shared/images/matrix-diff';
import { splitRepository } from '../../src-shared/images/registry-api';
import { imageRefKey, parseImageRef } from '../../src-shared/base/image-ref';
import { err, ok, type AppError, type Result } from '../../src-shared/result';
import { discoverOciRepositories, repositoriesOf } from './discovery';
import { HarborClient } from './harbor-client';
import { createLimiter, readSecret, type RegistryError, type SecretStore } from './http';
import { LineageReader, lineageReport } from './lineage';
import { checkPresence } from './presence';
import { matrixFrom, sourceRegionOf, type MatrixState } from './matrix-input';
import { OciClient } from './oci-client';
import { fetchOciSnapshot } from './oci-snapshot';
import { MemoryRegistryConfigStore, type RegistryConfig, type RegistryConfigStore } from './registry-config';
import { RefreshScheduler } from './refresh-scheduler';
import { registryInfo, RegistrySettings } from './registry-settings';
import { fetchHarborSnapshot, type RegistrySnapshot } from './registry-snapshot';
import { cellDetail, type ReplicationView } from './replication-view';

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

interface Clients {
  harbor?: HarborClient;
  oci: OciClient;
}

const strip = (e: RegistryError): AppError => ({ code: e.code, message: e.message, ...(e.status !== undefined ? { status: e.status } : {}) });

export class ImageSyncService {
  private readonly settings: RegistrySettings;
  private readonly clients = new Map<string, Clients>();
  private readonly scheduler: RefreshScheduler;
  private priority = new Set<string>();
  /** Images the connected clusters run and saved plans target (discovery where a catalog is refused). */
  private context: { cluster: string[]; plan: string[] } = { cluster: [], plan: [] };
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly lineageReader = new LineageReader();

  /** Requests made by the last refresh (benchmarks, tests). */
  get lastRefreshRequests(): number {
    return this.scheduler.lastRefreshRequests;
  }

  private get snapshots(): Map<string, RegistrySnapshot> {
    return this.scheduler.snapshots;
  }

  /** Round trips made so far per registry by its current clients (benchmarks). */
  requestsMade(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, c] of this.clients) out[id] = (c.harbor?.requests ?? 0) + c.oci.requests;
    return out;
  }

  /** Most requests seen in flight at once per registry (bounded by `concurrency`). */
  maxInFlight(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, c] of this.clients) out[id] = Math.max(c.harbor?.http.maxInFlight ?? 0, c.oci.http.maxInFlight);
    return out;
  }

  constructor(private readonly opts: ImageSyncOptions) {
    const config: RegistryConfigStore = opts.config ?? new MemoryRegistryConfigStore();
    this.now = opts.now ?? Date.now;
    this.settings = new RegistrySettings(config, opts.secrets, (id) => this.forget(id), opts.log);
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
    this.dropClients(id);
    this.scheduler.forget(id);
  }

  dispose(): void {
    for (const c of this.clients.values()) {
      c.harbor?.close();
      c.oci.close();
    }
    this.clients.clear();
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

  private dropClients(id: string) {
    const c = this.clients.get(id);
    c?.harbor?.close();
    c?.oci.close();
    this.clients.delete(id);
  }

  private clientsFor(r: RegistryConfig): Clients {
    let c = this.clients.get(r.id);
    if (!c) {
      const common = {
        registryName: r.name,
        url: r.url,
        username: r.username,
        secret: r.secretKey ? () => readSecret(this.opts.secrets, r.secretKey!) : undefined,
        pinnedFingerprint: r.pinnedFingerprint,
        concurrency: this.opts.concurrency ?? 8,
        timeoutMs: this.opts.timeoutMs,
        retries: this.opts.retries,
        retryBaseMs: this.opts.retryBaseMs,
      };
      c = { oci: new OciClient(common), ...(r.kind === 'harbor' ? { harbor: new HarborClient(common) } : {}) };
      this.clients.set(r.id, c);
    }
    return c;
  }

  private registry(id: string): Result<RegistryConfig> {
    return this.settings.get(id);
  }

  async testRegistry(id: string): Promise<Result<RegistryHealth>> {
    const r = this.registry(id);
    if (!r.ok) return r;
    const cfg = r.value;
    const c = this.clientsFor(cfg);
    const base: RegistryHealth = { registryId: id, checkedAt: this.now(), reachable: false, components: [] };
    const fail = (e: RegistryError, authState?: string): Result<RegistryHealth> => {
      this.settings.noteCertificate(id, e);
      return ok({ ...base, reachable: e.code !== 'unavailable' && e.code !== 'timeout' && e.code !== 'tls-error', error: strip(e), ...(e.fingerprint ? { certificateFingerprint: e.fingerprint } : {}), ...(authState ? { authState } : e.code === 'registry-unauthorized' ? { credentialsOk: false } : {}) });
    };
    if (c.harbor) {
      const [health, info] = await Promise.all([c.harbor.health(), c.harbor.systemInfo()]);
      if (!health.ok) return fail(health.error);
      const creds = cfg.username ? await c.harbor.checkCredentials() : undefined;
      return ok({
        ...base,
        reachable: true,
        status: health.value.status,
        components: (health.value.components ?? []).map((x) => ({ name: x.name, status: x.status, ...(x.error ? { error: x.error } : {}) })),
        ...(info.ok && info.value.harbor_version ? { version: info.value.harbor_version } : {}),
        ...(creds?.ok ? { credentialsOk: creds.value } : {}),
        ...(creds && !creds.ok ? { error: strip(creds.error) } : {}),
      });
    }
    const ping = await c.oci.ping();
    if (!ping.ok) return fail(ping.error, c.oci.credentialsWithheld);
    // Credentials were used only if the registry asked for them, and only on its own origin.
    const withheld = ping.value.credentialsWithheld;
    if (cfg.username && withheld) return ok({ ...base, reachable: true, status: 'healthy', components: [], authState: withheld });
    return ok({ ...base, reachable: true, status: 'healthy', components: [], ...(cfg.username && ping.value.authScheme !== 'none' ? { credentialsOk: true } : {}) });
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
    const c = this.clientsFor(r);
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
    return { view: this.view(this.now()), slow: this.scheduler.slow, failingSince: this.scheduler.failingSince, priority: this.priority, defaultSourceRegion: this.opts.sourceRegion };
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
    const c = this.clientsFor(r.value).harbor;
    return c ? ok(c) : err('invalid-payload', `${r.value.name} is a plain OCI registry: it has no replication.`);
  }

  async getTaskLog(registryId: string, executionId: number, taskId: number): Promise<Result<{ text: string; truncated: boolean }>> {
    const c = this.harborClient(registryId);
    if (!c.ok) return c;
    const r = await c.value.getTaskLog(executionId, taskId);
    return r.ok ? r : { ok: false, error: strip(r.error) };
  }

  async startExecution(registryId: string, policyId: number): Promise<Result<{ executionId?: number }>> {
    const c = this.harborClient(registryId);
    if (!c.ok) return c;
    const r = await c.value.startExecution(policyId);
    this.opts.log?.(`images: ${registryId}: start execution of policy ${policyId}: ${r.ok ? `execution ${r.value.executionId ?? '?'}` : r.error.code}`);
    this.scheduler.lastRefresh = 0;
    return r.ok ? r : { ok: false, error: strip(r.error) };
  }

  /** Stop; Harbor may ignore the request (stuck executions): the answer says the status now. */
  async stopExecution(registryId: string, executionId: number): Promise<Result<{ status: string; stopped: boolean }>> {
    const c = this.harborClient(registryId);
    if (!c.ok) return c;
    const r = await c.value.stopExecution(executionId);
    if (!r.ok) return { ok: false, error: strip(r.error) };
    const e = await c.value.getExecution(executionId);
    this.scheduler.lastRefresh = 0;
    if (!e.ok) return { ok: false, error: strip(e.error) };
    this.opts.log?.(`images: ${registryId}: stop execution ${executionId}: now ${e.value.status}`);
    return ok({ status: e.value.status, stopped: e.value.status !== 'InProgress' });
  }

  /** Retry failed tasks: a new execution of the same policy. */
  async retryExecution(registryId: string, executionId: number): Promise<Result<{ executionId?: number }>> {
    const c = this.harborClient(registryId);
    if (!c.ok) return c;
    const e = await c.value.getExecution(executionId);
    if (!e.ok) return { ok: false, error: strip(e.error) };
    return this.startExecution(registryId, e.value.policy_id);
  }

  /** The digest of `repository:reference` in one registry (undefined when it does not have it). */
  private async lookup(r: RegistryConfig, repository: string, reference: string): Promise<Result<string | undefined>> {
    const c = this.clientsFor(r);
    if (c.harbor) {
      const { project, repository: repo } = splitRepository(repository);
      const a = await c.harbor.getArtifact(project, repo, reference);
      return a.ok ? ok(a.value?.digest) : { ok: false, error: strip(a.error) };
    }
    const d = await c.oci.getDigest(repository, reference);
    return d.ok ? ok(d.value?.digest) : { ok: false, error: strip(d.error) };
  }

  /**
   * Which images run on which base image, in every region's registry: `images` (default: what the
   * connected clusters run and saved plans target). Registries are asked with bounded concurrency.
   */
  async lineage(images?: string[]): Promise<Result<LineageReport>> {
    const refs = [...new Set(images ?? [...this.context.cluster, ...this.context.plan])]
      .map((i) => parseImageRef(i))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({ repository: r.repository, tag: r.tag ?? r.digest ?? 'latest' }));
    const unique = [...new Map(refs.map((r) => [`${r.repository}:${r.tag}`, r])).values()];
    const limit = createLimiter(this.opts.concurrency ?? 8);
    const found: ImageLineage[] = [];
    const errors: LineageReport['errors'] = [];
    await Promise.all(
      this.registries.flatMap((reg) =>
        unique.map((ref) =>
          limit(async () => {
            const l = await this.lineageReader.read(this.clientsFor(reg).oci, ref.repository, ref.tag);
            if (!l.ok) errors.push({ registryId: reg.id, image: `${ref.repository}:${ref.tag}`, error: strip(l.error) });
            else if (l.value) found.push({ ...l.value, repository: ref.repository, tag: ref.tag, region: reg.region, registryId: reg.id });
          }),
        ),
      ),
    );
    return ok(lineageReport(found, errors));
  }

  /**
   * For the release planner: is `image` (with `digest`, when given; else the source region's
   * digest) present in every region listed? Asks the registries directly (not the last snapshot).
   */
  checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>> {
    return checkPresence({ registries: this.registries, sourceRegion: sourceRegionOf(this.state()), lookup: (r, repo, ref) => this.lookup(r, repo, ref) }, image, digest, regions);
  }
}
