/**
 * Scenario files: which clusters exist, their datacenters, the apps with their release groups,
 * versions and version behaviours. Validated with zod so a bad file gets a message naming the
 * field, not a crash somewhere in a controller.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { imageName, imageTag } from '../src-shared/base/image-ref';

export const BEHAVIOURS = ['good', 'crashloop', 'oom', 'pull-error', 'unschedulable'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-")');

const clusterSchema = z.object({
  name,
  datacenter: z.string().min(1),
  nodes: z.number().int().min(1).max(1000).default(3),
  nodeCpu: z.string().default('16'),
  nodeMemory: z.string().default('64Gi'),
});

const versionSchema = z.object({
  behaviour: z.enum(BEHAVIOURS).default('good'),
  note: z.string().optional(),
});

const groupSchema = z.object({
  group: name,
  cluster: name,
  /** Deployment name; defaults to `<app>-<group>`. */
  deployment: name.optional(),
  replicas: z.number().int().min(0),
  version: z.string().min(1),
  /** Earlier versions, oldest first: become older ReplicaSets (revisions 1..n) scaled to 0. */
  history: z.array(z.string().min(1)).default([]),
  maxSurge: z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)]).optional(),
  maxUnavailable: z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)]).optional(),
  minReadySeconds: z.number().int().min(0).optional(),
});

const appSchema = z.object({
  name,
  namespace: name,
  /** Harbor project holding the image. */
  project: name.default('shop'),
  port: z.number().int().min(1).max(65535).default(8080),
  /** Simulated seconds from container start to ready (a Tomcat warming up). */
  readySeconds: z.number().min(0).default(8),
  memoryLimit: z.string().default('1Gi'),
  versions: z.record(z.string(), versionSchema.default({ behaviour: 'good' })),
  groups: z.array(groupSchema).min(1),
});

export const scenarioSchema = z
  .object({
    name: z.string().default('sandbox'),
    /** Registry host per datacenter. */
    registries: z.record(z.string(), z.string().min(1)),
    clusters: z.array(clusterSchema).min(1),
    namespaces: z.array(name).default([]),
    apps: z.array(appSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const clusters = new Set(s.clusters.map((c) => c.name));
    if (clusters.size !== s.clusters.length) ctx.addIssue({ code: 'custom', path: ['clusters'], message: 'cluster names must be unique' });
    s.clusters.forEach((c, i) => {
      if (!s.registries[c.datacenter]) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', i, 'datacenter'],
          message: `no registry configured for datacenter "${c.datacenter}" (add it under registries)`,
        });
      }
    });
    s.apps.forEach((a, i) =>
      a.groups.forEach((g, j) => {
        if (!clusters.has(g.cluster))
          ctx.addIssue({ code: 'custom', path: ['apps', i, 'groups', j, 'cluster'], message: `unknown cluster "${g.cluster}"` });
        for (const v of [g.version, ...g.history]) {
          if (!a.versions[v])
            ctx.addIssue({
              code: 'custom',
              path: ['apps', i, 'groups', j],
              message: `version "${v}" is not listed under apps[${i}].versions`,
            });
        }
      }),
    );
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioApp = Scenario['apps'][number];
export type ScenarioCluster = Scenario['clusters'][number];
export type ScenarioGroup = ScenarioApp['groups'][number];

export class ScenarioError extends Error {}

export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ScenarioError(`Invalid scenario ${source}:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`Cannot read scenario file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ScenarioError(`Scenario file ${path} is not valid YAML: ${(e as Error).message}`);
  }
  return parseScenario(doc, `file ${path}`);
}

export const DEFAULT_SCENARIO_PATH = new URL('../resources/scenarios/default.yaml', import.meta.url);

/** Behaviour of an image, looked up by `<repository basename>:<tag>` (registry and project ignored). */
export function behaviourIndex(s: Scenario): Map<string, Behaviour> {
  const m = new Map<string, Behaviour>();
  for (const app of s.apps) for (const [v, spec] of Object.entries(app.versions)) m.set(`${app.name}:${v}`, spec.behaviour);
  return m;
}

export function imageKey(image: string): string {
  const name = imageName(image);
  return `${name.slice(name.lastIndexOf('/') + 1)}:${imageTag(image)}`;
}
