import type { z } from 'zod';
import { buildQuery, encodeRepositoryName, parseLinkHeader, type QueryTerm } from '../../src-shared/images/registry-api';
import { err, ok } from '../../src-shared/result';
import {
  basicAuth,
  header,
  RegistryHttp,
  type HttpResponse,
  type RegistryHttpOptions,
  type RegistryResult,
  type SecretSource,
} from './http';
import {
  artifactSchema,
  executionSchema,
  healthSchema,
  policySchema,
  projectSchema,
  registrySchema,
  repositorySchema,
  systemInfoSchema,
  taskSchema,
  type HarborArtifact,
  type HarborExecution,
  type HarborHealth,
  type HarborPolicy,
  type HarborProject,
  type HarborRegistryEndpoint,
  type HarborRepository,
  type HarborSystemInfo,
  type HarborTask,
} from './harbor-types';

/**
 * Harbor API v2.0 client (src-sandbox/openapi/harbor-v2.0-swagger.yaml).
 *
 *   new HarborClient({ registryName: 'harbor-east', url: 'https://harbor-east.example',
 *                      username: 'robot$capstan', secret: () => vault.get('images/harbor-east/secret'),
 *                      pinnedFingerprint?, timeoutMs?, retries?, maxPages? })
 *
 * Basic auth on every request and no cookies (so Harbor needs no CSRF token). Lists follow
 * `Link: <...>; rel="next"` with `page_size=100` (Harbor's maximum) and stop at `maxPages` with a
 * clear error rather than paging forever. Repository names are encoded twice in paths. 5xx and
 * timeouts are retried with backoff (GET only), then reported per registry. 401 and 403 say what to
 * do; a response that is not the JSON we expect is `response-invalid`.
 */

export interface HarborClientOptions extends RegistryHttpOptions {
  url: string;
  username?: string;
  secret?: SecretSource;
  /** Pages followed per list before giving up (default 200 × 100 items). */
  maxPages?: number;
  pageSize?: number;
}

export interface ListOptions {
  q?: QueryTerm[] | string;
  sort?: string;
  /** Stop after this many items (not an error). */
  maxItems?: number;
  signal?: AbortSignal;
}

export interface ListResult<T> {
  items: T[];
  /** X-Total-Count of the first page, when sent. */
  total?: number;
  pages: number;
  /** maxItems cut the list. */
  truncated: boolean;
}

export class HarborClient {
  readonly http: RegistryHttp;
  readonly base: string;

  constructor(private readonly opts: HarborClientOptions) {
    this.http = new RegistryHttp(opts);
    this.base = opts.url.replace(/\/+$/, '');
  }

  get name() {
    return this.http.name;
  }
  get requests() {
    return this.http.requests;
  }
  close() {
    this.http.close();
  }

  private async authHeader(): Promise<Record<string, string>> {
    if (!this.opts.username) return {};
    const secret = await this.opts.secret?.();
    return secret === undefined ? {} : { Authorization: basicAuth(this.opts.username, secret) };
  }

  /** Map a non-2xx status to an error that says what to do. `project` names the project for 403. */
  private statusError(res: HttpResponse, path: string, project?: string): RegistryResult<never> {
    const s = res.status;
    if (s === 401)
      return err('registry-unauthorized', `Wrong username or secret for ${this.name}: update the credentials.`, { status: 401 });
    if (s === 403) {
      const who = this.opts.username ?? 'anonymous access';
      return err(
        'registry-forbidden',
        project
          ? `${who} lacks permission on project "${project}" in ${this.name}: ask a project admin to add the account (at least Guest, or a robot account with pull and list).`
          : `${who} lacks the system-level permission for ${path.replace(/\/\d+/g, '/{id}')} in ${this.name}: replication needs a Harbor admin or a system robot account with replication permissions.`,
        { status: 403 },
      );
    }
    if (s === 404)
      return err('not-found', `${this.name} has no ${project ? `${path.replace('/api/v2.0', '')}` : path} (404).`, { status: 404 });
    if (s >= 500)
      return err('unavailable', `${this.name} answered ${s} to ${path}: the registry is failing. Check its health, or try again later.`, {
        status: s,
      });
    return err('response-invalid', `${this.name} answered ${s} to ${path}.`, { status: s });
  }

  private url(path: string, params: Record<string, string | number | boolean | undefined> = {}): string {
    const u = new URL(`${this.base}/api/v2.0${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  private parse<T extends z.ZodType>(res: HttpResponse, schema: T, path: string): RegistryResult<z.infer<T>> {
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      return err(
        'response-invalid',
        `${this.name} sent a response to ${path} that is not valid JSON (truncated or a proxy's error page?).`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      return err(
        'response-invalid',
        `${this.name} sent an unexpected response to ${path}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`,
      );
    return ok(parsed.data as z.infer<T>);
  }

  private async get<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, string | number | boolean | undefined> = {},
    project?: string,
    signal?: AbortSignal,
  ): Promise<RegistryResult<z.infer<T>>> {
    const res = await this.http.request({
      url: this.url(path, params),
      headers: { Accept: 'application/json', ...(await this.authHeader()) },
      signal,
    });
    if (!res.ok) return res;
    if (res.value.status !== 200) return this.statusError(res.value, `/api/v2.0${path}`, project);
    return this.parse(res.value, schema, `/api/v2.0${path}`);
  }

  /** Every page of a list, following Link rel="next", bounded by maxPages. */
  async list<T extends z.ZodType>(
    path: string,
    item: T,
    opts: ListOptions & { params?: Record<string, string | number | boolean | undefined>; project?: string } = {},
  ): Promise<RegistryResult<ListResult<z.infer<T>>>> {
    const maxPages = this.opts.maxPages ?? 200;
    const q = typeof opts.q === 'string' ? opts.q : opts.q?.length ? buildQuery(opts.q) : undefined;
    let next: string | undefined = this.url(path, { ...opts.params, q, sort: opts.sort, page: 1, page_size: this.opts.pageSize ?? 100 });
    const items: z.infer<T>[] = [];
    let total: number | undefined;
    let pages = 0;
    const arraySchema = item.array();
    while (next) {
      if (pages >= maxPages)
        return err(
          'response-too-large',
          `${this.name} kept announcing more pages of ${path} after ${pages} pages (${items.length} items${total !== undefined ? `, X-Total-Count ${total}` : ''}): stopped. Narrow the query or check the registry.`,
        );
      const res = await this.http.request({
        url: next,
        headers: { Accept: 'application/json', ...(await this.authHeader()) },
        signal: opts.signal,
      });
      if (!res.ok) return res;
      if (res.value.status !== 200) return this.statusError(res.value, `/api/v2.0${path}`, opts.project);
      const page = this.parse(res.value, arraySchema, `/api/v2.0${path}`);
      if (!page.ok) return page;
      pages++;
      if (pages === 1) {
        const t = Number(header(res.value.headers, 'x-total-count'));
        if (Number.isFinite(t) && t >= 0) total = t;
      }
      items.push(...(page.value as z.infer<T>[]));
      if (opts.maxItems !== undefined && items.length >= opts.maxItems)
        return ok({ items: items.slice(0, opts.maxItems), total, pages, truncated: true });
      if (page.value.length === 0) break;
      const link = parseLinkHeader(header(res.value.headers, 'link')).next;
      next = link ? new URL(link, this.base).toString() : undefined;
      // A Link that leaves the registry's origin is not followed (credentials would go with it).
      if (next && new URL(next).origin !== new URL(this.base).origin)
        return err('response-invalid', `${this.name} sent a paging link to another host: refused.`);
    }
    return ok({ items, total, pages, truncated: false });
  }

  // ---- endpoints ----

  health(): Promise<RegistryResult<HarborHealth>> {
    return this.get('/health', healthSchema);
  }

  systemInfo(): Promise<RegistryResult<HarborSystemInfo>> {
    return this.get('/systeminfo', systemInfoSchema);
  }

  /** Whether the credentials are accepted (a 401 is `false`, other failures are errors). */
  async checkCredentials(): Promise<RegistryResult<boolean>> {
    const r = await this.get('/projects', projectSchema.array(), { page: 1, page_size: 1 });
    if (r.ok) return ok(true);
    if (r.error.code === 'registry-unauthorized') return ok(false);
    return r;
  }

  listProjects(opts: ListOptions = {}): Promise<RegistryResult<ListResult<HarborProject>>> {
    return this.list('/projects', projectSchema, opts);
  }

  listRepositories(project: string, opts: ListOptions = {}): Promise<RegistryResult<ListResult<HarborRepository>>> {
    return this.list(`/projects/${encodeURIComponent(project)}/repositories`, repositorySchema, { ...opts, project });
  }

  /** `repository` is the name without its project (`team/app` in project `library`). */
  getRepository(project: string, repository: string): Promise<RegistryResult<HarborRepository>> {
    return this.get(
      `/projects/${encodeURIComponent(project)}/repositories/${encodeRepositoryName(repository)}`,
      repositorySchema,
      {},
      project,
    );
  }

  listArtifacts(
    project: string,
    repository: string,
    opts: ListOptions & { withTag?: boolean } = {},
  ): Promise<RegistryResult<ListResult<HarborArtifact>>> {
    return this.list(
      `/projects/${encodeURIComponent(project)}/repositories/${encodeRepositoryName(repository)}/artifacts`,
      artifactSchema,
      {
        ...opts,
        project,
        params: { with_tag: opts.withTag ?? true, with_label: false, with_scan_overview: false },
      },
    );
  }

  /** Artifact by tag or digest; undefined when absent. */
  async getArtifact(project: string, repository: string, reference: string): Promise<RegistryResult<HarborArtifact | undefined>> {
    const r = await this.get(
      `/projects/${encodeURIComponent(project)}/repositories/${encodeRepositoryName(repository)}/artifacts/${encodeURIComponent(reference)}`,
      artifactSchema,
      { with_tag: true },
      project,
    );
    if (!r.ok && r.error.code === 'not-found') return ok(undefined);
    return r;
  }

  listRegistries(opts: ListOptions = {}): Promise<RegistryResult<ListResult<HarborRegistryEndpoint>>> {
    return this.list('/registries', registrySchema, opts);
  }

  listPolicies(opts: ListOptions = {}): Promise<RegistryResult<ListResult<HarborPolicy>>> {
    return this.list('/replication/policies', policySchema, opts);
  }

  getPolicy(id: number): Promise<RegistryResult<HarborPolicy>> {
    return this.get(`/replication/policies/${id}`, policySchema);
  }

  /** Newest first (Harbor's default order for executions; no sort key is sent, as not every version accepts one). */
  listExecutions(
    opts: ListOptions & { policyId?: number; status?: string; trigger?: string } = {},
  ): Promise<RegistryResult<ListResult<HarborExecution>>> {
    return this.list('/replication/executions', executionSchema, {
      ...opts,
      params: { policy_id: opts.policyId, status: opts.status, trigger: opts.trigger },
    });
  }

  getExecution(id: number): Promise<RegistryResult<HarborExecution>> {
    return this.get(`/replication/executions/${id}`, executionSchema);
  }

  listTasks(executionId: number, opts: ListOptions & { status?: string } = {}): Promise<RegistryResult<ListResult<HarborTask>>> {
    return this.list(`/replication/executions/${executionId}/tasks`, taskSchema, { ...opts, params: { status: opts.status } });
  }

  /** Task log (text/plain), cut at maxBytes. */
  async getTaskLog(
    executionId: number,
    taskId: number,
    maxBytes = 256 * 1024,
  ): Promise<RegistryResult<{ text: string; truncated: boolean }>> {
    const path = `/replication/executions/${executionId}/tasks/${taskId}/log`;
    const res = await this.http.request({ url: this.url(path), headers: { Accept: 'text/plain', ...(await this.authHeader()) } });
    if (!res.ok) return res;
    if (res.value.status !== 200) return this.statusError(res.value, `/api/v2.0${path}`);
    const truncated = res.value.body.length > maxBytes;
    return ok({ text: res.value.body.subarray(0, maxBytes).toString('utf8'), truncated });
  }

  /** Start an execution of a policy; returns its id (from Location) when Harbor says it. */
  async startExecution(policyId: number): Promise<RegistryResult<{ executionId?: number }>> {
    const path = '/replication/executions';
    const res = await this.http.request({
      method: 'POST',
      url: this.url(path),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(await this.authHeader()) },
      body: JSON.stringify({ policy_id: policyId }),
    });
    if (!res.ok) return res;
    if (res.value.status !== 201 && res.value.status !== 200) return this.statusError(res.value, `/api/v2.0${path}`);
    const id = /\/executions\/(\d+)/.exec(header(res.value.headers, 'location') ?? '')?.[1];
    return ok({ executionId: id ? Number(id) : undefined });
  }

  /** Ask Harbor to stop an execution (it may ignore the request: check the status after). */
  async stopExecution(executionId: number): Promise<RegistryResult<void>> {
    const path = `/replication/executions/${executionId}`;
    const res = await this.http.request({
      method: 'PUT',
      url: this.url(path),
      headers: { Accept: 'application/json', ...(await this.authHeader()) },
    });
    if (!res.ok) return res;
    if (res.value.status !== 200) return this.statusError(res.value, `/api/v2.0${path}`);
    return ok(undefined);
  }
}
