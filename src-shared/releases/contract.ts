/**
 * Channels of the releases feature: saved plans, offline checks against the snapshot, the drift
 * check, executions (one stream carries every execution and the snapshot's freshness) and board
 * row actions with their dry-run preview. Plans travel as YAML text: the file a person reads and
 * diffs is the one thing both sides agree on.
 */
import { z } from 'zod';
import { request, stream } from '../base/channels';
import { executionStateSchema } from './execution-model';

const id = z.string().min(1).max(128);
const yaml = z.string().max(200_000);
const name = z.string().min(1).max(253);

export const planFileSchema = z.object({
  name: z.string(),
  yaml: z.string(),
  updatedAt: z.number(),
});
export type PlanFile = z.infer<typeof planFileSchema>;

const issueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  message: z.string(),
  line: z.number().optional(),
});
export type CheckIssue = z.infer<typeof issueSchema>;

const batchSchema = z.object({ size: z.number(), fort: z.boolean().optional(), label: z.string() });

/** Image presence per region: present, missing, another digest, or cannot tell. */
export const imageCheckStates = ['present', 'missing', 'digest-differs', 'unknown', 'no-registry'] as const;
export type ImageCheckState = (typeof imageCheckStates)[number];
const imageCheckRowSchema = z.object({
  /** The target image without its registry host, as each region's registry names it. */
  image: z.string(),
  /** Region pulled from; absent when Capstan cannot tell which registry the groups use (no-registry). */
  region: z.string().optional(),
  registryId: z.string().optional(),
  /** Deployment keys (cluster/namespace/name) that pull it from there, and their datacenters. */
  groups: z.array(z.string()),
  datacenters: z.array(z.string()),
  state: z.enum(imageCheckStates),
  digest: z.string().optional(),
  message: z.string(),
});
export type ImageCheckRow = z.infer<typeof imageCheckRowSchema>;
export const imageCheckSchema = z.object({
  /** Epoch ms the registries answered (the oldest answer used). */
  checkedAt: z.number().optional(),
  /** Some registries had not answered yet: check again shortly (the answer is kept when it comes). */
  pending: z.boolean(),
  rows: z.array(imageCheckRowSchema),
});
export type ImageCheck = z.infer<typeof imageCheckSchema>;
/** Whether the user may do everything the release needs in every cluster it touches (SelfSubjectAccessReview). */
export const permissionCheckSchema = z.object({
  /** Epoch ms of the oldest answer used. */
  checkedAt: z.number().optional(),
  /** Some clusters had not answered yet: check again shortly. */
  pending: z.boolean(),
  missing: z.array(
    z.object({ clusterId: z.string(), namespace: z.string(), verb: z.string(), group: z.string(), resource: z.string(), why: z.string() }),
  ),
  /** Clusters that could not be asked (not connected, the review failed). */
  unknown: z.array(z.object({ clusterId: z.string(), message: z.string() })),
  /** A Role and RoleBinding per cluster and namespace granting exactly what is missing. */
  snippets: z.array(z.object({ clusterId: z.string(), namespace: z.string(), yaml: z.string() })),
});
export type PermissionCheck = z.infer<typeof permissionCheckSchema>;
export const planCheckSchema = z.object({
  ok: z.boolean(),
  issues: z.array(issueSchema),
  /** Epoch ms of the oldest cluster capture the check used. */
  snapshotTakenAt: z.number().optional(),
  /** The snapshot date the plan itself carries (when it was made). */
  planSnapshotDate: z.string().optional(),
  summary: z.string().optional(),
  totalDurationSec: z.number().optional(),
  /** Every step in order, saying what it changes ("… 1.4.2 → 1.5.0 on 2 instance(s), 3/6 updated, then soak 30s"). */
  steps: z.array(z.object({ stageIndex: z.number(), key: z.string(), label: z.string(), description: z.string() })).optional(),
  stages: z.array(
    z.object({
      name: z.string(),
      approvalBefore: z.boolean(),
      durationSec: z.number(),
      groups: z.array(
        z.object({
          key: z.string(),
          datacenter: z.string(),
          replicas: z.number(),
          fromImage: z.string().optional(),
          toImage: z.string(),
          batches: z.array(batchSchema),
        }),
      ),
    }),
  ),
  /** Whether the target image is in the registry of every region the groups pull from; absent when no registry is configured. */
  images: imageCheckSchema.optional(),
  /** The user's permissions in every cluster the plan touches; absent when nothing resolved. */
  permissions: permissionCheckSchema.optional(),
});
export type PlanCheck = z.infer<typeof planCheckSchema>;

export const driftReportSchema = z.object({
  items: z.array(
    z.object({
      kind: z.string(),
      clusterId: z.string(),
      key: z.string().optional(),
      before: z.string().optional(),
      after: z.string().optional(),
      message: z.string(),
    }),
  ),
  fingerprint: z.string(),
  /** Clusters whose live state could not be read (they show as missing). */
  unreachable: z.array(z.string()),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

export const snapshotInfoSchema = z.array(
  z.object({ clusterId: z.string(), datacenter: z.string(), takenAt: z.number(), deployments: z.number(), live: z.boolean() }),
);

/** Who drives a team release: its Lease in the home cluster, as this process sees it. */
export const ownerSchema = z.object({
  home: z.string(),
  /** holderIdentity (user@host/pid-random); empty when released. */
  holder: z.string(),
  holderLabel: z.string(),
  /** This process holds it (it drives the release). */
  mine: z.boolean(),
  acquiredAt: z.number().optional(),
  renewedAt: z.number().optional(),
  durationSec: z.number(),
  /** No renewal seen for a lease duration (judged on this machine's clock): it may be taken over. */
  expired: z.boolean(),
  expiresAt: z.number().optional(),
  /** Who handed it back (empty holder), when released. */
  releasedBy: z.string().optional(),
  /** This process drove it and lost it: why (it writes nothing). */
  lost: z.string().optional(),
});
export type Owner = z.infer<typeof ownerSchema>;

export const releasesEventSchema = z.object({
  executions: z.array(executionStateSchema),
  /** Executions this process does not drive (another window holds the lock), by id → holder. */
  lockedElsewhere: z.record(z.string(), z.string()),
  /** Team releases by id: holder, last renewal, read-only, lost (absent for local-only ones). */
  owners: z.record(z.string(), ownerSchema).optional(),
  /** Team releases are on: a release is local only when chosen so (and then says teammates cannot see it). */
  teamReleases: z.boolean().optional(),
  snapshot: snapshotInfoSchema,
  problems: z.array(z.string()),
});
export type ReleasesEvent = z.infer<typeof releasesEventSchema>;

/** What a person can do to an execution (the service adds who and when). */
const groupKey = z.string().max(512);
export const userEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }).strict(),
  z.object({ type: z.literal('pause'), group: groupKey.optional(), note: z.string().max(500).optional() }).strict(),
  z.object({ type: z.literal('resume'), group: groupKey.optional() }).strict(),
  z.object({ type: z.literal('retry'), group: groupKey }).strict(),
  /** Someone else moved the rollout past a boundary: accept it as batch `batch` (0-based) and go on gating. */
  z.object({ type: z.literal('acceptProgress'), group: groupKey, batch: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ type: z.literal('abort') }).strict(),
  z.object({ type: z.literal('rollback'), group: groupKey.optional() }).strict(),
  z
    .object({
      type: z.literal('approvalGiven'),
      group: groupKey.optional(),
      version: z.number().int(),
      override: z.string().min(3).max(500).optional(),
    })
    .strict(),
  z.object({ type: z.literal('overrideDegraded'), reason: z.string().min(3).max(500) }).strict(),
  z.object({ type: z.literal('stopTheLine'), note: z.string().max(500).optional() }).strict(),
]);
export type UserEvent = z.infer<typeof userEventSchema>;

const deploymentRef = { clusterId: z.string().min(1).max(256), namespace: name, name };
export const rowActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('restart'), ...deploymentRef }).strict(),
  z.object({ kind: z.literal('pause'), ...deploymentRef }).strict(),
  z.object({ kind: z.literal('resume'), ...deploymentRef }).strict(),
  z.object({ kind: z.literal('scale'), ...deploymentRef, replicas: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ kind: z.literal('undo'), ...deploymentRef, toRevision: z.string().max(20).regex(/^\d+$/) }).strict(),
]);
export type RowAction = z.infer<typeof rowActionSchema>;

export const rowActionPlanSchema = z.object({
  /** metadata.generation of the Deployment the preview was made from; apply refuses if its spec moved since. */
  generation: z.string(),
  changes: z.array(z.string()),
  refused: z.string().optional(),
});
export type RowActionPlan = z.infer<typeof rowActionPlanSchema>;

/** Per group of a plan: what its Deployment's first write would change, as the API server answered a dry run of it (nothing stored). */
export const startPreviewSchema = z.object({
  groups: z.array(
    z.object({
      key: z.string(),
      stage: z.number().int(),
      /** Pods per batch, the fort first when there is one. */
      batches: z.array(z.number().int()),
      /** "field: before → after", from the dry run's answer. */
      changes: z.array(z.string()),
      /** The API server refused the write (its words): starting would stop this group before anything changes. */
      refused: z.string().optional(),
      /** Nothing to write (already on the target), or why the group cannot be previewed. */
      note: z.string().optional(),
    }),
  ),
  /**
   * The permission check, asked again without the cache when the start is previewed: every missing
   * permission with its cluster, namespace, verb and resource. Starting would be refused.
   */
  refusedPermissions: z.string().optional(),
});
export type StartPreview = z.infer<typeof startPreviewSchema>;

export const revisionInfoSchema = z.object({
  revision: z.string(),
  images: z.array(z.string()),
  replicas: z.number(),
  current: z.boolean(),
});
export type RevisionInfo = z.infer<typeof revisionInfoSchema>;

export const releasesContract = {
  'releases.subscribe': stream(z.object({}).strict(), releasesEventSchema),
  'releases.plans.list': request(z.object({}).strict(), z.array(planFileSchema)),
  /** Save (or import) a plan; the file name comes from the plan's name. Parse errors refuse. */
  'releases.plans.save': request(z.object({ yaml }).strict(), planFileSchema),
  'releases.plans.delete': request(z.object({ name }).strict(), z.null()),
  /** Parse + validate + preview against the snapshot on disk; works with every cluster down. */
  'releases.plans.check': request(z.object({ yaml }).strict(), planCheckSchema),
  /** A draft plan for an app from the board (every group the snapshot knows, FAT → UAT → PRO). */
  'releases.plans.draft': request(z.object({ app: name, tag: z.string().min(1).max(128) }).strict(), z.object({ yaml: z.string() })),
  'releases.drift': request(z.object({ yaml }).strict(), driftReportSchema),
  /** Start a new execution of a plan. `driftFingerprint` signs off the drift the person saw. */
  'releases.execution.create': request(
    z.object({ yaml, driftFingerprint: z.string().max(200), localOnly: z.boolean().optional() }).strict(),
    z.object({ id: z.string() }),
  ),
  /** The start confirmation: each group's first write as a server-side dry run. */
  'releases.execution.preview': request(z.object({ yaml, localOnly: z.boolean().optional() }).strict(), startPreviewSchema),
  /** The stage approval's confirmation: the stage's groups' first writes as a server-side dry run. */
  'releases.execution.previewStage': request(z.object({ id }).strict(), startPreviewSchema),
  /** Take over a team release whose holder's Lease expired (after a confirmation); it continues from its recorded batch. */
  'releases.execution.takeOver': request(z.object({ id }).strict(), executionStateSchema),
  /** Give a team release this window drives back to the team without finishing it: paused, Lease emptied. */
  'releases.execution.handBack': request(z.object({ id }).strict(), executionStateSchema),
  'releases.execution.act': request(z.object({ id, event: userEventSchema }).strict(), executionStateSchema),
  'releases.stopTheLine': request(z.object({ note: z.string().max(500).optional() }).strict(), z.object({ stopped: z.array(z.string()) })),
  'releases.history.export': request(z.object({ id, format: z.enum(['json', 'csv']) }).strict(), z.object({ text: z.string() })),
  'releases.row.revisions': request(z.object(deploymentRef).strict(), z.array(revisionInfoSchema)),
  'releases.row.preview': request(z.object({ action: rowActionSchema }).strict(), rowActionPlanSchema),
  'releases.row.apply': request(z.object({ action: rowActionSchema, generation: z.string().max(32) }).strict(), rowActionPlanSchema),
};
