import { z } from 'zod';

/**
 * Harbor API v2.0 response shapes we read (swagger definitions, loosely: unknown fields pass,
 * fields we rely on are checked). Nullable where Harbor is known to send null.
 */

const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const healthSchema = z.object({
  status: opt(z.string()),
  components: opt(z.array(z.object({ name: z.string(), status: z.string(), error: opt(z.string()) }))),
});
export type HarborHealth = z.infer<typeof healthSchema>;

export const systemInfoSchema = z.object({
  harbor_version: opt(z.string()),
  auth_mode: opt(z.string()),
  registry_url: opt(z.string()),
  external_url: opt(z.string()),
  read_only: opt(z.boolean()),
});
export type HarborSystemInfo = z.infer<typeof systemInfoSchema>;

export const projectSchema = z.object({
  project_id: z.number(),
  name: z.string(),
  repo_count: opt(z.number()),
  metadata: opt(z.object({ public: opt(z.string()) })),
});
export type HarborProject = z.infer<typeof projectSchema>;

export const repositorySchema = z.object({
  id: z.number(),
  project_id: opt(z.number()),
  name: z.string(),
  artifact_count: opt(z.number()),
  update_time: opt(z.string()),
  creation_time: opt(z.string()),
});
export type HarborRepository = z.infer<typeof repositorySchema>;

export const tagSchema = z.object({ id: opt(z.number()), name: z.string(), push_time: opt(z.string()) });

export const artifactSchema = z.object({
  id: z.number(),
  digest: z.string(),
  manifest_media_type: opt(z.string()),
  media_type: opt(z.string()),
  repository_name: opt(z.string()),
  push_time: opt(z.string()),
  size: opt(z.number()),
  tags: opt(z.array(tagSchema)),
});
export type HarborArtifact = z.infer<typeof artifactSchema>;

export const registrySchema = z.object({
  id: z.number(),
  name: z.string(),
  url: z.string(),
  type: opt(z.string()),
  status: opt(z.string()),
  insecure: opt(z.boolean()),
});
export type HarborRegistryEndpoint = z.infer<typeof registrySchema>;

export const policySchema = z.object({
  id: z.number(),
  name: z.string(),
  description: opt(z.string()),
  src_registry: opt(registrySchema.partial({ name: true, url: true })),
  dest_registry: opt(registrySchema.partial({ name: true, url: true })),
  dest_namespace: opt(z.string()),
  trigger: opt(z.object({ type: opt(z.string()) })),
  filters: opt(z.array(z.object({ type: opt(z.string()), value: z.unknown().optional() }))),
  enabled: opt(z.boolean()),
});
export type HarborPolicy = z.infer<typeof policySchema>;

export const executionSchema = z.object({
  id: z.number(),
  policy_id: z.number(),
  status: z.string(),
  status_text: opt(z.string()),
  trigger: opt(z.string()),
  start_time: opt(z.string()),
  end_time: opt(z.string()),
  total: opt(z.number()),
  failed: opt(z.number()),
  succeed: opt(z.number()),
  in_progress: opt(z.number()),
  stopped: opt(z.number()),
});
export type HarborExecution = z.infer<typeof executionSchema>;

export const taskSchema = z.object({
  id: z.number(),
  execution_id: z.number(),
  status: z.string(),
  job_id: opt(z.string()),
  operation: opt(z.string()),
  resource_type: opt(z.string()),
  src_resource: opt(z.string()),
  dst_resource: opt(z.string()),
  start_time: opt(z.string()),
  end_time: opt(z.string()),
});
export type HarborTask = z.infer<typeof taskSchema>;

/** Harbor's zero time ("0001-01-01T00:00:00Z") and absent times are undefined. */
export function harborTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
