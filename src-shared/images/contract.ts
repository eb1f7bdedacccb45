import { z } from 'zod';
import { request, stream } from '../base/channels';
import { appErrorSchema } from '../result';

/**
 * Image sync status across regional Harbor registries and plain OCI registries.
 * Secrets travel renderer → main only when the user types them (`images.registries.add`); no
 * response ever carries one back.
 */

export const registryKinds = ['harbor', 'oci'] as const;
export type RegistryKind = (typeof registryKinds)[number];

const idSchema = z.string().min(1).max(128);
const urlSchema = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\/[^\s/]+/.test(u), 'must be an http(s) URL')
  // Credentials belong in username/secret (the vault): a URL is shown and logged.
  .refine((u) => !/^https?:\/\/[^/?#]*@/.test(u), 'must not contain user:password@ (use the username and secret fields)');

/** What the user enters to add a registry. */
export const registryInputSchema = z
  .object({
    /** Stable id; derived from the name when absent. */
    id: idSchema.optional(),
    name: z.string().min(1).max(128),
    kind: z.enum(registryKinds),
    url: urlSchema,
    /** Region (datacenter) this registry serves: the matrix column. */
    region: z.string().min(1).max(64),
    /** Harbor user or robot account (`robot$name`); empty for anonymous OCI access. */
    username: z.string().max(256).optional(),
    /** Password or robot secret: goes to the vault, never returned. */
    secret: z.string().max(4096).optional(),
    /** Repositories to follow in any case (OCI: read besides the catalog, or instead of it where the catalog is refused). */
    repositories: z.array(z.string().min(1).max(512)).max(5000).optional(),
    /** Harbor projects to follow; all visible projects when absent. */
    projects: z.array(z.string().min(1).max(256)).max(1000).optional(),
    /** Globs on repository names (`*`, `?`): only these are followed (all when absent). */
    include: z.array(z.string().min(1).max(256)).max(200).optional(),
    /** Globs on repository names never followed (wins over include). */
    exclude: z.array(z.string().min(1).max(256)).max(200).optional(),
    /** This registry's region is where CI pushes: the reference for every other region. */
    source: z.boolean().optional(),
  })
  .strict();
export type RegistryInput = z.infer<typeof registryInputSchema>;

/** Edit a registry in place: every field optional; `secret` with `username` replaces the stored secret; `username: ''` means anonymous. */
export const registryUpdateSchema = registryInputSchema.omit({ id: true, kind: true }).partial().extend({ registryId: idSchema }).strict();
export type RegistryUpdate = z.infer<typeof registryUpdateSchema>;

/** A configured registry as the renderer sees it (no secret, only whether one is stored). */
export const registryInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(registryKinds),
  url: z.string(),
  region: z.string(),
  username: z.string().optional(),
  hasSecret: z.boolean(),
  repositories: z.array(z.string()).optional(),
  projects: z.array(z.string()).optional(),
  /** SHA-256 fingerprint of a self-signed certificate the user chose to trust. */
  pinnedFingerprint: z.string().optional(),
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  source: z.boolean().optional(),
  /** Said on the registry's row: e.g. credentials over plain http. */
  warnings: z.array(z.string()).optional(),
});
export type RegistryInfo = z.infer<typeof registryInfoSchema>;

export const registryHealthSchema = z.object({
  registryId: z.string(),
  checkedAt: z.number(),
  reachable: z.boolean(),
  /** Harbor `/health` overall status, or 'healthy' when an OCI `/v2/` ping answers. */
  status: z.string().optional(),
  components: z.array(z.object({ name: z.string(), status: z.string(), error: z.string().optional() })),
  version: z.string().optional(),
  /** True when the credentials were accepted; false on 401; undefined when not checked (anonymous). */
  credentialsOk: z.boolean().optional(),
  /** What happened to the credentials in words, when not simply accepted or refused (e.g. withheld from a token service on another host). */
  authState: z.string().optional(),
  error: appErrorSchema.optional(),
  /** Set with a `tls-error` for an untrusted certificate, so the UI can ask for consent. */
  certificateFingerprint: z.string().optional(),
});
export type RegistryHealth = z.infer<typeof registryHealthSchema>;

/** `not-followed`: the region's registry does not follow this repository (patterns, projects, list); never counted as missing. */
/** What a registry follows and what it found at its last refresh. */
export const registryCoverageSchema = z.object({
  registryId: z.string(),
  /** catalog: /v2/_catalog; harbor: projects and repositories API; listed: the catalog was refused, a list is followed. */
  mode: z.enum(['catalog', 'harbor', 'listed']).optional(),
  note: z.string().optional(),
  fetchedAt: z.number().optional(),
  /** Repositories read, with how each was found (capped at 2,000; `repositoryCount` is the whole number). */
  repositories: z.array(z.object({ name: z.string(), sources: z.array(z.string()), tags: z.number() })),
  repositoryCount: z.number(),
  tagCount: z.number(),
  error: appErrorSchema.optional(),
});
export type RegistryCoverage = z.infer<typeof registryCoverageSchema>;

export const cellStates = ['synced', 'missing', 'mismatch', 'replicating', 'failed', 'unknown', 'not-followed'] as const;
export type CellState = (typeof cellStates)[number];

export const matrixCellSchema = z.object({
  region: z.string(),
  state: z.enum(cellStates),
  digest: z.string().optional(),
  /** Epoch ms when this region got the tag (Harbor push_time). */
  pushedAt: z.number().optional(),
  /** For synced cells: how long the copy took; otherwise: time since the source push (still behind). */
  lagMs: z.number().optional(),
  /** An execution concerning this cell is InProgress beyond the stuck threshold. */
  stuck: z.boolean(),
  /** Registry error that made the cell unknown. */
  error: appErrorSchema.optional(),
});
export type MatrixCell = z.infer<typeof matrixCellSchema>;

export const matrixRowSchema = z.object({
  repository: z.string(),
  tag: z.string(),
  project: z.string(),
  /** Digest of the newest push of this tag (the one every region should have). */
  digest: z.string().optional(),
  sourceRegion: z.string().optional(),
  sourcePushedAt: z.number().optional(),
  /** Listed first: used by running workloads or release plans. */
  priority: z.boolean(),
  cells: z.array(matrixCellSchema),
  /** Regions hold different digests and no source region decides which is right. */
  conflict: z.boolean().optional(),
  /** How the repository was found: catalog, harbor, named (by the user), cluster (a running image), plan (a saved plan's target). */
  sources: z.array(z.string()).optional(),
});
export type MatrixRow = z.infer<typeof matrixRowSchema>;

export const matrixSchema = z.object({
  computedAt: z.number(),
  regions: z.array(z.string()),
  rows: z.array(matrixRowSchema),
  /**
   * Per region: `in-sync` only when the region was read and every followed cell is synced;
   * `unknown` when it could not be read (since `unreadableSince`) or some cells are unknown.
   */
  summary: z.array(
    z.object({
      region: z.string(),
      state: z.enum(['in-sync', 'out-of-sync', 'unknown']),
      outOfSync: z.number(),
      unknown: z.number(),
      notFollowed: z.number(),
      oldestLagMs: z.number().optional(),
      stuck: z.number(),
      unreadableSince: z.number().optional(),
      error: appErrorSchema.optional(),
    }),
  ),
  /** Region where CI pushes (user-chosen, else from Harbor replication policies); mismatches are relative to it. */
  sourceRegion: z.string().optional(),
  /** Registries that could not be read; their cells are 'unknown'. */
  errors: z.array(z.object({ registryId: z.string(), error: appErrorSchema })),
  /** True when the row limit cut the list. */
  truncated: z.boolean(),
});
export type SyncMatrix = z.infer<typeof matrixSchema>;

/** What changed between two matrices: rows added or changed (by `repository:tag`), rows gone, and the small parts whole. */
export const matrixDiffSchema = matrixSchema.omit({ rows: true }).extend({
  upserts: z.array(matrixRowSchema),
  removed: z.array(z.string()),
});
export type MatrixDiff = z.infer<typeof matrixDiffSchema>;

/** A watch sends the whole matrix first, then diffs (apply with `applyMatrixDiff`). */
export const matrixEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('full'), matrix: matrixSchema }),
  z.object({ kind: z.literal('diff'), diff: matrixDiffSchema }),
]);
export type MatrixEvent = z.infer<typeof matrixEventSchema>;

export const matrixFilterSchema = z
  .object({
    project: z.string().max(256).optional(),
    /** Repository substring (an app name usually is the repository's last segment). */
    app: z.string().max(256).optional(),
    /** Glob on the tag: `*` and `?`. */
    tagPattern: z.string().max(256).optional(),
    onlyOutOfSync: z.boolean().optional(),
    limit: z.number().int().min(1).max(20_000).optional(),
  })
  .strict();
export type MatrixFilter = z.infer<typeof matrixFilterSchema>;

export const executionStatuses = ['InProgress', 'Succeed', 'Failed', 'Stopped'] as const;

export const executionSummarySchema = z.object({
  registryId: z.string(),
  id: z.number(),
  policyId: z.number(),
  policyName: z.string().optional(),
  status: z.string(),
  statusText: z.string().optional(),
  trigger: z.string(),
  startTime: z.number().optional(),
  endTime: z.number().optional(),
  total: z.number(),
  failed: z.number(),
  succeed: z.number(),
  inProgress: z.number(),
  stopped: z.number(),
  stuck: z.boolean(),
});
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

export const taskSummarySchema = z.object({
  registryId: z.string(),
  id: z.number(),
  executionId: z.number(),
  status: z.string(),
  operation: z.string().optional(),
  resourceType: z.string().optional(),
  srcResource: z.string().optional(),
  dstResource: z.string().optional(),
  startTime: z.number().optional(),
  endTime: z.number().optional(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

const cellRef = z
  .object({ repository: z.string().min(1).max(512), tag: z.string().min(1).max(128), region: z.string().min(1).max(64) })
  .strict();

export const policySummarySchema = z.object({
  registryId: z.string(),
  id: z.number(),
  name: z.string(),
  /** Region the policy copies into. */
  destRegion: z.string(),
  trigger: z.string().optional(),
  enabled: z.boolean(),
});
export type PolicySummary = z.infer<typeof policySummarySchema>;

export const cellDetailSchema = z.object({
  row: matrixRowSchema.optional(),
  cell: matrixCellSchema.optional(),
  /** Replication policies into this cell's region: what "start an execution" can run. */
  policies: z.array(policySummarySchema),
  /** Executions of policies replicating into this cell's region, newest first. */
  executions: z.array(executionSummarySchema),
  /** Tasks for this image, failed first. */
  tasks: z.array(taskSummarySchema),
  errors: z.array(z.object({ registryId: z.string(), error: appErrorSchema })),
});
export type CellDetail = z.infer<typeof cellDetailSchema>;

export const presenceSchema = z.object({
  image: z.string(),
  digest: z.string().optional(),
  allPresent: z.boolean(),
  regions: z.array(
    z.object({
      region: z.string(),
      present: z.boolean(),
      digest: z.string().optional(),
      /** Present but with another digest than asked for. */
      mismatch: z.boolean(),
      error: appErrorSchema.optional(),
    }),
  ),
});
export type ImagePresence = z.infer<typeof presenceSchema>;

/** One image in one region, with its base image as the registry records it. */
export const imageLineageSchema = z.object({
  repository: z.string(),
  tag: z.string(),
  region: z.string(),
  registryId: z.string(),
  digest: z.string(),
  /** `org.opencontainers.image.base.name` (e.g. `eclipse-temurin:17-jre`). */
  baseName: z.string().optional(),
  /** `org.opencontainers.image.base.digest`. */
  baseDigest: z.string().optional(),
  /** The image config's history (build steps, base first), truncated. */
  history: z.array(z.string()),
});
export type ImageLineage = z.infer<typeof imageLineageSchema>;

/** Which images run on which base image, across regions. */
export const lineageReportSchema = z.object({
  bases: z.array(
    z.object({
      baseName: z.string().optional(),
      baseDigest: z.string().optional(),
      images: z.array(imageLineageSchema),
    }),
  ),
  /** Images whose registry records no base image. */
  unannotated: z.array(imageLineageSchema),
  errors: z.array(z.object({ registryId: z.string(), image: z.string(), error: appErrorSchema })),
});
export type LineageReport = z.infer<typeof lineageReportSchema>;

const empty = z.object({}).strict();
const registryRef = z.object({ registryId: idSchema }).strict();
const executionRef = z.object({ registryId: idSchema, executionId: z.number().int().nonnegative() }).strict();

export const imagesContract = {
  'images.registries.list': request(empty, z.array(registryInfoSchema)),
  'images.registries.add': request(registryInputSchema, registryInfoSchema),
  'images.registries.remove': request(registryRef, z.null()),
  /** Edit URL, region, patterns, repositories, projects, source flag and credentials in place. */
  'images.registries.update': request(registryUpdateSchema, registryInfoSchema),
  /** What each registry follows and found (discovery mode, repositories with their sources). */
  'images.registries.coverage': request(empty, z.array(registryCoverageSchema)),
  /** After a 401: a new username and/or secret (the secret goes to the vault). */
  'images.registries.setCredentials': request(
    z.object({ registryId: idSchema, username: z.string().max(256).optional(), secret: z.string().max(4096).optional() }).strict(),
    registryInfoSchema,
  ),
  /** Health, version and whether the credentials work; a tls-error carries the fingerprint to trust. */
  'images.registries.test': request(registryRef, registryHealthSchema),
  /** Explicit user consent: trust this self-signed certificate for this registry only. */
  'images.registries.trust': request(
    z.object({ registryId: idSchema, fingerprint: z.string().regex(/^[A-F0-9:]{95}$/) }).strict(),
    registryInfoSchema,
  ),
  'images.registries.untrust': request(registryRef, registryInfoSchema),
  /** Images the rest of Capstan cares about (running workloads, release plans): listed first. */
  'images.priority.set': request(z.object({ images: z.array(z.string().max(1024)).max(10_000) }).strict(), z.null()),
  'images.matrix.get': request(z.object({ filter: matrixFilterSchema.optional(), refresh: z.boolean().optional() }).strict(), matrixSchema),
  /** The matrix, then a diff after every refresh that changed it (interval bounded by main to ≥ 5 s). */
  'images.matrix.watch': stream(
    z.object({ filter: matrixFilterSchema.optional(), intervalMs: z.number().int().min(5_000).max(3_600_000).optional() }).strict(),
    matrixEventSchema,
  ),
  'images.cell.detail': request(cellRef, cellDetailSchema),
  'images.task.log': request(
    z.object({ registryId: idSchema, executionId: z.number().int().nonnegative(), taskId: z.number().int().nonnegative() }).strict(),
    z.object({ text: z.string(), truncated: z.boolean() }),
  ),
  'images.execution.start': request(
    z.object({ registryId: idSchema, policyId: z.number().int().nonnegative() }).strict(),
    z.object({ executionId: z.number().optional() }),
  ),
  /** Harbor sometimes ignores the first stop: the response says what the execution's status is now. */
  'images.execution.stop': request(executionRef, z.object({ status: z.string(), stopped: z.boolean() })),
  /** Retry failed tasks: a new execution of the same policy. */
  'images.execution.retry': request(executionRef, z.object({ executionId: z.number().optional() })),
  /** Base images of the given images (default: what the clusters run and the plans target), in every region. */
  'images.lineage.get': request(
    z.object({ images: z.array(z.string().min(1).max(1024)).max(500).optional() }).strict(),
    lineageReportSchema,
  ),
  'images.checkPresent': request(
    z
      .object({ image: z.string().min(1).max(1024), digest: z.string().max(100).optional(), regions: z.array(z.string().max(64)).max(100) })
      .strict(),
    presenceSchema,
  ),
};
