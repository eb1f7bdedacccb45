import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarbor, type SandboxHarbor } from '../../src-sandbox/harbor';
import { responseSchema, validate, type Spec } from './harbor-swagger-validator';

/** Sandbox Harbor responses validated against the official Harbor v2.0 swagger (src-sandbox/openapi). */

const specPath = new URL('../../src-sandbox/openapi/harbor-v2.0-swagger.yaml', import.meta.url);
type FullSpec = Parameters<typeof responseSchema>[0];
const spec = parse(readFileSync(process.env.HARBOR_SWAGGER ?? specPath, 'utf8')) as FullSpec;

let east: SandboxHarbor;
let west: SandboxHarbor;
const auth = { Authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}` };

beforeAll(async () => {
  west = await startHarbor({ name: 'harbor-west', region: 'west', clockSpeed: 1000, seed: 1, failRate: 0, stuckRate: 0 });
  east = await startHarbor({
    name: 'harbor-east',
    region: 'east',
    clockSpeed: 1000,
    peers: [west],
    projects: [{ name: 'library', repositories: { app: ['1.0'], 'team/svc': ['2.0'] } }],
  });
  east.scriptReplication('fail');
  east.push('library/app', '1.1');
  east.push('library/app', '1.2');
  await new Promise((r) => setTimeout(r, 200));
});
afterAll(async () => {
  await Promise.all([east?.close(), west?.close()]);
});

async function check(url: string, specPathKey: string, opts: { method?: string; status?: number; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${east.url}/api/v2.0${url}`, { method: opts.method ?? 'GET', headers: opts.headers ?? auth });
  const status = opts.status ?? 200;
  expect(res.status, url).toBe(status);
  const schema = responseSchema(spec, specPathKey, (opts.method ?? 'get').toLowerCase(), String(status));
  expect(schema, `${specPathKey} ${status} has a schema`).toBeDefined();
  const body = (await res.json()) as unknown;
  const errors = validate(spec as unknown as Spec, schema!, body);
  expect(errors, url).toEqual([]);
  return body;
}

describe('sandbox Harbor responses match the swagger', () => {
  it('health and systeminfo (anonymous and authenticated)', async () => {
    await check('/health', '/health');
    await check('/systeminfo', '/systeminfo', { headers: {} });
    await check('/systeminfo', '/systeminfo');
  });

  it('projects, repositories, artifacts, tags', async () => {
    const projects = (await check('/projects', '/projects')) as unknown[];
    expect(projects.length).toBeGreaterThan(0);
    await check('/projects/library', '/projects/{project_name_or_id}');
    await check('/projects/library/repositories', '/projects/{project_name}/repositories');
    await check('/projects/library/repositories/team%252Fsvc', '/projects/{project_name}/repositories/{repository_name}');
    const arts = (await check(
      '/projects/library/repositories/app/artifacts?with_tag=true',
      '/projects/{project_name}/repositories/{repository_name}/artifacts',
    )) as { tags?: unknown[] }[];
    expect(arts[0]?.tags?.length).toBeGreaterThan(0);
    await check(
      '/projects/library/repositories/app/artifacts/1.0',
      '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}',
    );
    await check(
      '/projects/library/repositories/app/artifacts/1.0/tags',
      '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags',
    );
    await check('/repositories', '/repositories');
  });

  it('registries, policies, executions, tasks', async () => {
    await check('/registries', '/registries');
    const policies = (await check('/replication/policies', '/replication/policies')) as { id: number }[];
    await check(`/replication/policies/${policies[0]!.id}`, '/replication/policies/{id}');
    const execs = (await check('/replication/executions', '/replication/executions')) as { id: number; status: string }[];
    expect(execs.map((e) => e.status).sort()).toEqual(['Failed', 'Succeed']);
    await check(`/replication/executions/${execs[0]!.id}`, '/replication/executions/{id}');
    await check(`/replication/executions/${execs[0]!.id}/tasks`, '/replication/executions/{id}/tasks');
  });

  it('error bodies (401, 403, 404) are Errors', async () => {
    await check('/projects', '/projects', {
      status: 401,
      headers: { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` },
    });
    await check('/replication/policies', '/replication/policies', {
      status: 403,
      headers: { Authorization: `Basic ${Buffer.from('dev:dev-password').toString('base64')}` },
    });
    await check('/projects/library/repositories/nope', '/projects/{project_name}/repositories/{repository_name}', { status: 404 });
    await check('/projects?page_size=500', '/projects', { status: 422 });
  });

  it('variants: unhealthy components, artifacts without tags, queried lists', async () => {
    east.setFaults({ unhealthy: ['jobservice'] });
    const health = (await check('/health', '/health')) as { status: string; components: { name: string; error?: string }[] };
    east.setFaults({});
    expect(health.status).toBe('unhealthy');
    expect(health.components.find((c) => c.name === 'jobservice')?.error).toBeDefined();
    const arts = (await check(
      '/projects/library/repositories/app/artifacts?with_tag=false&q=tags%3D*',
      '/projects/{project_name}/repositories/{repository_name}/artifacts',
    )) as object[];
    expect(arts.every((a) => !('tags' in a))).toBe(true);
    await check('/projects?q=name%3D~lib&page=1&page_size=1', '/projects');
    const failed = ((await check('/replication/executions?status=Failed', '/replication/executions')) as { id: number }[])[0]!;
    const tasks = (await check(`/replication/executions/${failed.id}/tasks`, '/replication/executions/{id}/tasks')) as { id: number }[];
    const log = await fetch(`${east.url}/api/v2.0/replication/executions/${failed.id}/tasks/${tasks[0]!.id}/log`, { headers: auth });
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await log.text()).toContain('failed to push manifest');
  });

  it('the validator itself rejects unknown properties, wrong types and bad dates', () => {
    const s = spec as unknown as Spec;
    expect(validate(s, { $ref: '#/definitions/Repository' }, { id: 1, name: 'x', extra: 1 })).toEqual(['$: unknown property extra']);
    expect(validate(s, { $ref: '#/definitions/Repository' }, { id: '1' })).toEqual(['$.id: expected integer']);
    expect(validate(s, { $ref: '#/definitions/Repository' }, { update_time: 'yesterday' })).toEqual([
      '$.update_time: not a date-time: yesterday',
    ]);
    expect(validate(s, { type: 'string', enum: ['a'] }, 'b')).toHaveLength(1);
    expect(validate(s, { type: 'array', items: { type: 'integer' } }, [1, 'x'])).toEqual(['$[1]: expected integer']);
  });
});
