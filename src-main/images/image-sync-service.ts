import type { CellDetail, ImagePresence, MatrixEvent, MatrixFilter, RegistryHealth, RegistryInfo, RegistryInput, SyncMatrix } from '../../src-shared/images/contract';
import { diffMatrix, isEmptyDiff } from '../../src-shared/images/matrix-diff';
import { computeMatrix } from '../../src-shared/images/matrix';
import { parseImageRef, splitRepository } from '../../src-shared/images/registry-api';
import { err, ok, type AppError, type Result } from '../../src-shared/result';
import { HarborClient } from './harbor-client';
import { readSecret, writeSecret, type RegistryError, type SecretStore } from './http';
import { OciClient } from './oci-client';
import { MemoryRegistryConfigStore, type RegistryConfig, type RegistryConfigStore } from './registry-config';
import { fetchHarborSnapshot, fetchOciSnapshot, type RegistrySnapshot } from './registry-snapshot';
import { cellDetail, replicationObservations, type ReplicationView } from './replication-view';

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
  /** Region where images are pushed first (CI); decides the reference digest when registries carry no push times (plain OCI). */
  sourceRegion?: string;
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

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64) || 'registry';
const strip = (e: RegistryError): AppError => ({ code: e.code, message: e.message, ...(e.status !== undefined ? { status: e.status } : {}) });

export class ImageSyncService {
  private registries: RegistryConfig[] = [];
  private readonly clients = new Map<string, Clients>();
  private snapshots = new Map<string, RegistrySnapshot>();
  private priority = new Set<string>();
  private refreshing: Promise<void> | undefined;
  /** Fetches in progress per registry (a slow one outlives a refresh). */
  private readonly inflight = new Map<string, Promise<RegistrySnapshot>>();
  /** Registries whose last fetch overran the refresh budget, since when. */
  private readonly slow = new Map<string, number>();
  private lastRefresh = 0;
  private readonly listeners = new Set<() => void>();
  /** Per registry: fingerprint of the untrusted certificate main last saw (what consent may pin). */
  private readonly seenCertificates = new Map<string, string>();
  private readonly config: RegistryConfigStore;
  private readonly now: () => number;
  /** Requests made by the last refresh (benchmarks, tests). */
  lastRefreshRequests = 0;

  /** Most requests seen in flight at once per registry (bounded by `concurrency`). */
  maxInFlight(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, c] of this.clients) out[id] = Math.max(c.harbor?.http.maxInFlight ?? 0, c.oci.http.maxInFlight);
    return out;
  }

  constructor(private readonly opts: ImageSyncOptions) {
    this.config = opts.config ?? new MemoryRegistryConfigStore();
    this.now = opts.now ?? Date.now;
  }

  async init(): Promise<void> {
    this.registries = await this.config.load();
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

  private info(r: RegistryConfig): RegistryInfo {
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      url: r.url,
      region: r.region,
      ...(r.username ? { username: r.username } : {}),
      hasSecret: !!r.secretKey,
      ...(r.repositories ? { repositories: r.repositories } : {}),
      ...(r.projects ? { projects: r.projects } : {}),
      ...(r.pinnedFingerprint ? { pinnedFingerprint: r.pinnedFingerprint } : {}),
    };
  }

  listRegistries(): RegistryInfo[] {
    return this.registries.map((r) => this.info(r));
  }

  regions(): string[] {
    return [...new Set(this.registries.map((r) => r.region))];
  }

  async addRegistry(input: RegistryInput): Promise<Result<RegistryInfo>> {
    const id = input.id ?? slug(input.name);
    if (this.registries.some((r) => r.id === id)) return err('conflict', `A registry with id "${id}" exists already: remove it first or choose another name.`);
    const url = input.url.replace(/\/+$/, '');
    const secretKey = input.secret ? `images.registry.${id}.secret` : undefined;
    if (secretKey) {
      const refused = await writeSecret(this.opts.secrets, secretKey, input.secret!);
      if (refused) return { ok: false, error: refused };
    }
    const cfg: RegistryConfig = {
      id,
      name: input.name,
      kind: input.kind,
      url,
      region: input.region,
      ...(input.username ? { username: input.username } : {}),
      ...(secretKey ? { secretKey } : {}),
      ...(input.repositories ? { repositories: input.repositories } : {}),
      ...(input.projects ? { projects: input.projects } : {}),
    };
    this.registries.push(cfg);
    await this.config.save(this.registries);
    this.opts.log?.(`images: registry ${id} (${input.kind}, ${url}, region ${input.region}) added`);
    return ok(this.info(cfg));
  }

  async removeRegistry(id: string): Promise<Result<null>> {
    const r = this.registries.find((x) => x.id === id);
    if (!r) return err('not-found', `No registry "${id}".`);
    this.registries = this.registries.filter((x) => x.id !== id);
    if (r.secretKey) await this.opts.secrets.delete?.(r.secretKey);
    this.dropClients(id);
    this.snapshots.delete(id);
    this.seenCertificates.delete(id);
    await this.config.save(this.registries);
    return ok(null);
  }

  /** New credentials after a 401. An empty username means anonymous access (the secret is dropped). */
  async setCredentials(id: string, username: string | undefined, secret: string | undefined): Promise<Result<RegistryInfo>> {
    const r = this.registries.find((x) => x.id === id);
    if (!r) return err('not-found', `No registry "${id}".`);
    if (username !== undefined) {
      if (username) r.username = username;
      else delete r.username;
    }
    if (secret !== undefined && r.username) {
      const key = `images.registry.${id}.secret`;
      const refused = await writeSecret(this.opts.secrets, key, secret);
      if (refused) return { ok: false, error: refused };
      r.secretKey = key;
    }
    if (!r.username && r.secretKey) {
      await this.opts.secrets.delete?.(r.secretKey);
      delete r.secretKey;
    }
    this.dropClients(id);
    this.snapshots.delete(id);
    await this.config.save(this.registries);
    this.opts.log?.(`images: registry ${id}: credentials updated`);
    return ok(this.info(r));
  }

  /**
   * Explicit consent: trust a self-signed certificate for this registry only. Only the certificate
   * main itself was shown by this registry (its last tls-error) can be trusted: a fingerprint
   * typed or forged by the page is refused, so consent is bound to what the user saw.
   */
  async trustCertificate(id: string, fingerprint: string | undefined): Promise<Result<RegistryInfo>> {
    const r = this.registries.find((x) => x.id === id);
    if (!r) return err('not-found', `No registry "${id}".`);
    if (fingerprint) {
      const seen = this.seenCertificates.get(id);
      if (!seen) return err('invalid-payload', `${r.name} has not presented an untrusted certificate: test the registry first, then trust the fingerprint it shows.`);
      if (seen !== fingerprint) return err('invalid-payload', `That is not the certificate ${r.name} presented (${seen}): test the registry again and compare the fingerprint with your administrators.`);
    }
    if (fingerprint) r.pinnedFingerprint = fingerprint;
    else delete r.pinnedFingerprint;
    this.dropClients(id);
    await this.config.save(this.registries);
    this.opts.log?.(`images: registry ${id} ${fingerprint ? `trusts certificate ${fingerprint}` : 'no longer trusts a pinned certificate'}`);
    return ok(this.info(r));
  }

  private noteCertificate(id: string, e: RegistryError | AppError | undefined) {
    const fp = (e as RegistryError | undefined)?.fingerprint;
    if (e?.code === 'tls-error' && fp) this.seenCertificates.set(id, fp);
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
    const r = this.registries.find((x) => x.id === id);
    return r ? ok(r) : err('not-found', `No registry "${id}".`);
  }

  async testRegistry(id: string): Promise<Result<RegistryHealth>> {
    const r = this.registry(id);
    if (!r.ok) return r;
    const cfg = r.value;
    const c = this.clientsFor(cfg);
    const base: RegistryHealth = { registryId: id, checkedAt: this.now(), reachable: false, components: [] };
    const fail = (e: RegistryError, authState?: string): Result<RegistryHealth> => {
      this.noteCertificate(id, e);
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

  setPriorityImages(images: string[]): void {
    this.priority = new Set();
    for (const image of images) {
      const ref = parseImageRef(image);
      if (!ref) continue;
      this.priority.add(ref.tag ? `${ref.repository}:${ref.tag}` : ref.repository);
    }
    // Watchers re-sort now rather than at the next refresh.
    if (this.snapshots.size) this.notify();
  }

  /** Refresh every registry (coalesced: concurrent callers share one refresh). */
  refresh(): Promise<void> {
    if (!this.refreshing)
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const now = this.now();
    const budget = this.opts.refreshBudgetMs ?? 20_000;
    const registries = [...this.registries];
    let requests = 0;
    const late: RegistryConfig[] = [];
    await Promise.all(
      registries.map(async (r) => {
        let pending = this.inflight.get(r.id);
        if (!pending) {
          pending = this.fetchSnapshot(r, now);
          this.inflight.set(r.id, pending);
          void pending.then((snap) => {
            this.inflight.delete(r.id);
            // Removed or reconfigured meanwhile: drop the result.
            if (this.registries.some((x) => x.id === r.id) && this.clients.has(r.id)) this.snapshots.set(r.id, snap);
            this.slow.delete(r.id);
          });
        }
        let timer: NodeJS.Timeout | undefined;
        const snap = await Promise.race([pending, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budget)))]);
        clearTimeout(timer);
        if (snap) requests += snap.requests;
        else late.push(r);
      }),
    );
    // A registry slower than the budget keeps its last snapshot (or none) and reports itself;
    // its fetch goes on, and the matrix is recomputed when it lands.
    for (const r of late) {
      this.slow.set(r.id, now);
      void this.inflight.get(r.id)?.then(() => this.notify());
    }
    this.lastRefresh = now;
    this.lastRefreshRequests = requests;
    this.notify();
  }

  private notify() {
    for (const l of this.listeners) l();
  }

  private async fetchSnapshot(r: RegistryConfig, now: number): Promise<RegistrySnapshot> {
    const c = this.clientsFor(r);
    const o = {
      registryId: r.id,
      region: r.region,
      projects: r.projects,
      concurrency: this.opts.concurrency ?? 8,
      executionsWindow: this.opts.executionsWindow ?? 50,
      previous: this.snapshots.get(r.id),
      now,
    };
    const snap = c.harbor ? await fetchHarborSnapshot(c.harbor, o) : await fetchOciSnapshot(c.oci, r.repositories ?? [], o);
    this.noteCertificate(r.id, snap.error);
    if (snap.error) this.opts.log?.(`images: ${r.id}: ${snap.error.code}: ${snap.error.message}`);
    return snap;
  }

  async getMatrix(filter?: MatrixFilter, opts: { refresh?: boolean } = {}): Promise<Result<SyncMatrix>> {
    const unread = this.registries.some((r) => !this.snapshots.has(r.id) && !this.inflight.has(r.id));
    if (opts.refresh || unread || this.now() - this.lastRefresh > (this.opts.minRefreshIntervalMs ?? 5_000)) await this.refresh();
    return ok(this.computeNow(filter));
  }

  private computeNow(filter?: MatrixFilter): SyncMatrix {
    const now = this.now();
    const regions = this.regions();
    const readable = new Set<string>();
    const regionErrors = new Map<string, AppError>();
    const registryErrors: { registryId: string; error: AppError }[] = [];
    for (const r of this.registries) {
      const s = this.snapshots.get(r.id);
      const slowSince = this.slow.get(r.id);
      if (slowSince !== undefined) {
        const error: AppError = {
          code: 'timeout',
          message: s ? `${r.name} is slow to answer: showing its data from ${new Date(s.fetchedAt).toISOString()}.` : `${r.name} is slow to answer: no data yet.`,
        };
        registryErrors.push({ registryId: r.id, error });
        if (!s) regionErrors.set(r.region, error);
      }
      if (!s) continue;
      if (s.error) {
        regionErrors.set(r.region, s.error);
        registryErrors.push({ registryId: r.id, error: s.error });
      } else readable.add(r.region);
      if (s.replicationError) registryErrors.push({ registryId: r.id, error: s.replicationError });
    }
    return computeMatrix({
      regions,
      observations: [...this.snapshots.values()].filter((s) => !s.error).flatMap((s) => s.tags),
      readableRegions: readable,
      regionErrors,
      registryErrors,
      replication: replicationObservations(this.view(now)),
      priority: this.priority,
      now,
      filter,
      sourceRegion: this.opts.sourceRegion,
    });
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
      void this.refresh().finally(() => {
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
    this.lastRefresh = 0;
    return r.ok ? r : { ok: false, error: strip(r.error) };
  }

  /** Stop; Harbor may ignore the request (stuck executions): the answer says the status now. */
  async stopExecution(registryId: string, executionId: number): Promise<Result<{ status: string; stopped: boolean }>> {
    const c = this.harborClient(registryId);
    if (!c.ok) return c;
    const r = await c.value.stopExecution(executionId);
    if (!r.ok) return { ok: false, error: strip(r.error) };
    const e = await c.value.getExecution(executionId);
    this.lastRefresh = 0;
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

  /**
   * For the release planner: is `image` (with `digest`, when given) present in every region listed?
   * Asks the registries directly (not the last snapshot).
   */
  async checkImagePresent(image: string, digest: string | undefined, regions: string[]): Promise<Result<ImagePresence>> {
    const ref = parseImageRef(image);
    if (!ref) return err('invalid-payload', `"${image}" is not an image reference (repository[:tag][@digest]).`);
    const wanted = digest ?? ref.digest;
    const reference = ref.tag ?? ref.digest ?? wanted ?? 'latest';
    const out = await Promise.all(
      regions.map(async (region) => {
        const regs = this.registries.filter((r) => r.region === region);
        if (regs.length === 0) return { region, present: false, mismatch: false, error: { code: 'not-found' as const, message: `No registry is configured for region ${region}: add one.` } };
        let lastError: AppError | undefined;
        for (const r of regs) {
          const c = this.clientsFor(r);
          let found: string | undefined;
          if (c.harbor) {
            const { project, repository } = splitRepository(ref.repository);
            const a = await c.harbor.getArtifact(project, repository, reference);
            if (!a.ok) {
              lastError = strip(a.error);
              continue;
            }
            found = a.value?.digest;
          } else {
            const d = await c.oci.getDigest(ref.repository, reference);
            if (!d.ok) {
              lastError = strip(d.error);
              continue;
            }
            found = d.value?.digest;
          }
          if (found) return { region, present: true, digest: found, mismatch: wanted !== undefined && found !== wanted };
          lastError = undefined;
        }
        return { region, present: false, mismatch: false, ...(lastError ? { error: lastError } : {}) };
      }),
    );
    return ok({ image, ...(wanted ? { digest: wanted } : {}), allPresent: out.every((x) => x.present && !x.mismatch), regions: out });
  }
}
