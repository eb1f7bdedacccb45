import { ReplicationEngine, type ExecutionRec, type PolicyRec, type RegistryEndpointRec, type TaskRec } from './replication';
import { iso, type HarborState, type ProjectRec, type RepoRec } from './state';
import { queryRows, readBody, sendErrors, sendJson, sendPaged, type Ctx } from './http-util';

/** The Harbor API v2.0 subset (`/api/v2.0/...`) of a sandbox Harbor. Shapes follow the swagger. */

export interface ApiEnv {
  name: string;
  url: string;
  version: string;
  state: HarborState;
  replication: ReplicationEngine;
}

const components = ['core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl'];

function requireUser(ctx: Ctx): boolean {
  if (ctx.user) return true;
  sendErrors(ctx, 401, 'UNAUTHORIZED', 'unauthorized');
  return false;
}

function requireAdmin(ctx: Ctx): boolean {
  if (!requireUser(ctx)) return false;
  if (ctx.user?.admin) return true;
  sendErrors(ctx, 403, 'FORBIDDEN', `forbidden: ${ctx.user?.name} has no system-level permission`);
  return false;
}

/** 401 for anonymous callers of a private project, 403 for a user lacking permission, 404 unknown. */
function projectFor(ctx: Ctx, env: ApiEnv, name: string): ProjectRec | undefined {
  const p = env.state.projects.get(name) ?? [...env.state.projects.values()].find((x) => String(x.id) === name);
  if (!p) {
    sendErrors(ctx, 404, 'NOT_FOUND', `project ${name} not found`);
    return undefined;
  }
  if (env.state.canRead(ctx.user, p)) return p;
  if (!ctx.user) sendErrors(ctx, 401, 'UNAUTHORIZED', 'unauthorized');
  else sendErrors(ctx, 403, 'FORBIDDEN', `forbidden: ${ctx.user.name} has no permission on project ${p.name}`);
  return undefined;
}

function repoFor(ctx: Ctx, env: ApiEnv, project: ProjectRec, encodedOnce: string): RepoRec | undefined {
  let name: string;
  try {
    name = decodeURIComponent(encodedOnce);
  } catch {
    sendErrors(ctx, 400, 'BAD_REQUEST', 'invalid repository name');
    return undefined;
  }
  const repo = project.repos.get(`${project.name}/${name}`);
  if (!repo) sendErrors(ctx, 404, 'NOT_FOUND', `repository ${project.name}/${name} not found`);
  return repo;
}

function registryJson(env: ApiEnv, r: RegistryEndpointRec) {
  return {
    id: r.id,
    url: r.url,
    name: r.name,
    credential: { type: 'basic', access_key: 'robot$replication', access_secret: '*****' },
    type: 'harbor',
    insecure: false,
    description: `Harbor ${r.name}`,
    status: 'healthy',
    creation_time: iso(r.creationTime),
    update_time: iso(r.creationTime),
  };
}

function policyJson(env: ApiEnv, p: PolicyRec) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    src_registry: {
      id: 0,
      name: 'Local',
      url: env.url,
      type: 'harbor',
      insecure: true,
      credential: { type: 'secret', access_key: '', access_secret: '*****' },
      status: 'healthy',
      creation_time: iso(p.creationTime),
      update_time: iso(p.creationTime),
      description: '',
    },
    dest_registry: registryJson(env, p.dest),
    dest_namespace: '',
    dest_namespace_replace_count: -1,
    trigger: { type: p.trigger, trigger_settings: { cron: '' } },
    filters: [{ type: 'name', value: p.nameFilter }],
    replicate_deletion: false,
    deletion: false,
    override: true,
    enabled: p.enabled,
    creation_time: iso(p.creationTime),
    update_time: iso(p.creationTime),
    speed: -1,
    copy_by_chunk: false,
    single_active_replication: false,
  };
}

function executionJson(e: ExecutionRec) {
  const status = ReplicationEngine.status(e);
  return {
    id: e.id,
    policy_id: e.policyId,
    status,
    trigger: e.trigger,
    start_time: iso(e.startTime),
    ...(status !== 'InProgress' && e.endTime !== undefined ? { end_time: iso(e.endTime) } : {}),
    status_text: e.stopRequests > 0 && status === 'InProgress' ? 'stop requested' : '',
    ...ReplicationEngine.counts(e),
  };
}

function taskJson(t: TaskRec) {
  return {
    id: t.id,
    execution_id: t.executionId,
    status: t.status,
    job_id: t.jobId,
    operation: 'copy',
    resource_type: 'image',
    src_resource: `${t.repository}:[${t.tag}]`,
    dst_resource: `${t.repository}:[${t.tag}]`,
    start_time: iso(t.startTime),
    ...(t.endTime !== undefined ? { end_time: iso(t.endTime) } : {}),
  };
}

export async function handleApi(ctx: Ctx, env: ApiEnv, path: string[]): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  const [a, b, c, d, e, f, g, h] = path;
  const sp = ctx.url.searchParams;

  if (method === 'GET' && a === 'health' && path.length === 1) {
    const bad = ctx.faults.unhealthy ?? [];
    const comps = components.map((name) =>
      bad.includes(name) ? { name, status: 'unhealthy', error: `${name} is not reachable` } : { name, status: 'healthy' },
    );
    return sendJson(ctx, 200, { status: bad.length ? 'unhealthy' : 'healthy', components: comps });
  }
  if (method === 'GET' && a === 'systeminfo' && path.length === 1) {
    const base = {
      auth_mode: 'db_auth',
      primary_auth_mode: false,
      harbor_version: env.version,
      self_registration: false,
      has_ca_root: false,
      read_only: false,
      banner_message: '',
      oidc_provider_name: '',
      current_time: iso(Date.now()),
    };
    const host = new URL(env.url).host;
    return sendJson(
      ctx,
      200,
      ctx.user
        ? {
            ...base,
            registry_url: host,
            external_url: env.url,
            project_creation_restriction: 'adminonly',
            notification_enable: true,
            registry_storage_provider_name: 'filesystem',
          }
        : base,
    );
  }

  if (ctx.badCredentials) return sendErrors(ctx, 401, 'UNAUTHORIZED', 'unauthorized');

  if (method === 'GET' && a === 'projects') {
    if (path.length === 1) {
      const visible = [...env.state.projects.values()].filter((p) => (ctx.user ? env.state.canRead(ctx.user, p) : p.public));
      const named = sp.get('name');
      const rows = queryRows(
        ctx,
        visible.filter((p) => !named || p.name === named).map((p) => env.state.projectJson(p)),
        'project_id',
      );
      if (rows) sendPaged(ctx, rows, (r) => r);
      return;
    }
    const project = projectFor(ctx, env, b!);
    if (!project) return;
    if (path.length === 2) return sendJson(ctx, 200, env.state.projectJson(project));
    if (c !== 'repositories') return sendErrors(ctx, 404, 'NOT_FOUND', 'not found');
    if (path.length === 3) {
      const rows = queryRows(
        ctx,
        [...project.repos.values()].map((r) => env.state.repoJson(r)),
        'id',
      );
      if (rows) sendPaged(ctx, rows, (r) => r);
      return;
    }
    const repo = repoFor(ctx, env, project, d!);
    if (!repo) return;
    if (path.length === 4) return sendJson(ctx, 200, env.state.repoJson(repo));
    if (e !== 'artifacts') return sendErrors(ctx, 404, 'NOT_FOUND', 'not found');
    const withTag = sp.get('with_tag') !== 'false';
    if (path.length === 5) {
      const rows = queryRows(
        ctx,
        [...repo.artifacts.values()].map((x) => ({ ...env.state.artifactJson(repo, x, true), _pt: x.pushTime })),
        '-_pt',
      );
      if (rows)
        sendPaged(ctx, rows, (r) => {
          const { _pt, ...rest } = r;
          void _pt;
          if (!withTag) delete (rest as { tags?: unknown }).tags;
          return rest;
        });
      return;
    }
    const art = env.state.resolve(repo.name, f!);
    if (!art) return sendErrors(ctx, 404, 'NOT_FOUND', `artifact ${repo.name}:${f} not found`);
    if (path.length === 6) return sendJson(ctx, 200, env.state.artifactJson(repo, art, withTag));
    if (g === 'tags' && path.length === 7) {
      const rows = queryRows(
        ctx,
        art.tags.map((t) => env.state.tagJson(art, t)),
        'id',
      );
      if (rows) sendPaged(ctx, rows, (r) => r);
      return;
    }
    return sendErrors(ctx, 404, 'NOT_FOUND', 'not found');
  }

  if (method === 'GET' && a === 'repositories' && path.length === 1) {
    if (!requireUser(ctx)) return;
    const repos = [...env.state.projects.values()].filter((p) => env.state.canRead(ctx.user, p)).flatMap((p) => [...p.repos.values()]);
    const rows = queryRows(
      ctx,
      repos.map((r) => env.state.repoJson(r)),
      'id',
    );
    if (rows) sendPaged(ctx, rows, (r) => r);
    return;
  }

  if (a === 'registries') {
    if (!requireAdmin(ctx)) return;
    if (method === 'GET' && path.length === 1) {
      const rows = queryRows(
        ctx,
        env.replication.registries.map((r) => registryJson(env, r)),
        'id',
      );
      if (rows) sendPaged(ctx, rows, (r) => r);
      return;
    }
    const reg = env.replication.registries.find((r) => String(r.id) === b);
    if (method === 'GET' && path.length === 2 && reg) return sendJson(ctx, 200, registryJson(env, reg));
    return sendErrors(ctx, 404, 'NOT_FOUND', `registry ${b} not found`);
  }

  if (a === 'replication') {
    if (!requireAdmin(ctx)) return;
    if (b === 'policies' && method === 'GET') {
      if (path.length === 2) {
        const rows = queryRows(
          ctx,
          env.replication.policies.filter((p) => !sp.get('name') || p.name === sp.get('name')).map((p) => policyJson(env, p)),
          'id',
        );
        if (rows) sendPaged(ctx, rows, (r) => r);
        return;
      }
      const p = env.replication.policies.find((x) => String(x.id) === c);
      if (p && path.length === 3) return sendJson(ctx, 200, policyJson(env, p));
      return sendErrors(ctx, 404, 'NOT_FOUND', `policy ${c} not found`);
    }
    if (b === 'executions') {
      if (path.length === 2 && method === 'POST') {
        let policyId: unknown;
        try {
          policyId = (JSON.parse(await readBody(ctx.req)) as { policy_id?: unknown }).policy_id;
        } catch {
          return sendErrors(ctx, 400, 'BAD_REQUEST', 'invalid JSON body');
        }
        const exec = typeof policyId === 'number' ? env.replication.startManual(policyId) : undefined;
        if (!exec) return sendErrors(ctx, 404, 'NOT_FOUND', `policy ${String(policyId)} not found`);
        ctx.res.writeHead(201, { Location: `/api/v2.0/replication/executions/${exec.id}`, 'X-Request-Id': String(exec.id) });
        ctx.res.end();
        return;
      }
      if (path.length === 2 && method === 'GET') {
        const rows = queryRows(
          ctx,
          env.replication.executions
            .map(executionJson)
            .filter(
              (x) =>
                (!sp.get('policy_id') || String(x.policy_id) === sp.get('policy_id')) &&
                (!sp.get('status') || x.status === sp.get('status')) &&
                (!sp.get('trigger') || x.trigger === sp.get('trigger')),
            ),
          '-id',
        );
        if (rows) sendPaged(ctx, rows, (r) => r);
        return;
      }
      const exec = env.replication.executions.find((x) => String(x.id) === c);
      if (!exec) return sendErrors(ctx, 404, 'NOT_FOUND', `execution ${c} not found`);
      if (path.length === 3 && method === 'GET') return sendJson(ctx, 200, executionJson(exec));
      if (path.length === 3 && method === 'PUT') {
        await readBody(ctx.req).catch(() => '');
        env.replication.stop(exec.id);
        ctx.res.writeHead(200, { 'X-Request-Id': String(exec.id) });
        ctx.res.end();
        return;
      }
      if (d === 'tasks' && method === 'GET') {
        if (path.length === 4) {
          const rows = queryRows(
            ctx,
            exec.tasks
              .map(taskJson)
              .filter(
                (x) =>
                  (!sp.get('status') || x.status === sp.get('status')) &&
                  (!sp.get('resource_type') || x.resource_type === sp.get('resource_type')),
              ),
            'id',
          );
          if (rows) sendPaged(ctx, rows, (r) => r);
          return;
        }
        const task = exec.tasks.find((t) => String(t.id) === e);
        if (task && f === 'log' && path.length === 6) {
          ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          ctx.res.end(task.log.join('\n') + '\n');
          return;
        }
        return sendErrors(ctx, 404, 'NOT_FOUND', `task ${e} not found`);
      }
    }
  }
  void h;
  return sendErrors(ctx, 404, 'NOT_FOUND', `no route for ${method} ${ctx.url.pathname}`);
}
