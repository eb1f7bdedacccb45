/**
 * The release plan model (DESIGN.md "Release plan"). The schema is strict (unknown fields are
 * reported, never dropped silently: a typo such as `soakk` must not turn a gate off) and keeps
 * values in the form a person writes them (`10m`, `25%`, `75%`) so that a plan read from YAML and
 * written back is the same text. Helpers below turn them into numbers where needed.
 * YAML reading/writing lives in plan-yaml.ts.
 */
import { z } from 'zod';
import { parseBatchPattern, parseMinOnline } from './batch-pattern';
import { DIGEST_RE, imageName, isDigest, NAME_RE, splitRegistry, TAG_RE } from '../base/image-ref';
import { parseDurationSpec } from '../base/duration';

const duration = z.string().refine((s) => parseDurationSpec(s) !== undefined, { message: 'not a duration: write e.g. 90s, 10m or 1h30m' });
const batchPattern = z.string().superRefine((s, ctx) => {
  const r = parseBatchPattern(s);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error.message });
});
const minOnline = z.union([z.number(), z.string()]).superRefine((v, ctx) => {
  const r = parseMinOnline(v);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error.message });
});
const name = z.string().min(1, 'must not be empty').max(253);

export const imageRefSchema = z.strictObject({
  repository: z.string().regex(NAME_RE, 'not a valid image repository (lowercase path such as harbor.example.com/shop/orders)'),
  tag: z.string().regex(TAG_RE, 'illegal image tag: 1 to 128 characters from letters, digits, _ . - and not starting with . or -'),
  digest: z
    .string()
    .regex(DIGEST_RE, 'not a digest such as sha256:<64 hex digits>')
    .refine(isDigest, 'not a digest such as sha256:<64 lower-case hex digits>')
    .optional(),
});
export type ImageRef = z.infer<typeof imageRefSchema>;

/**
 * A group in a stage: either one Deployment (`cluster`, `namespace`, `deployment`) or every
 * Deployment of the plan's app labelled with `group` (optionally only in `datacenter`), resolved
 * against a snapshot. One flat object rather than a union so that errors stay readable.
 */
export const groupRefSchema = z
  .strictObject({
    cluster: name.optional(),
    namespace: name.optional(),
    deployment: name.optional(),
    group: name.optional(),
    datacenter: name.optional(),
    batchPattern: batchPattern.optional(),
    minOnline: minOnline.optional(),
    /** Override: update one fort instance first. Default: only for the `pro` group. */
    fort: z.boolean().optional(),
  })
  .superRefine((g, ctx) => {
    const explicit = [g.cluster, g.namespace, g.deployment].filter((v) => v !== undefined).length;
    if (g.group !== undefined && explicit > 0) {
      ctx.addIssue({ code: 'custom', message: 'give either group (+ datacenter) or cluster + namespace + deployment, not both' });
    } else if (g.group === undefined && explicit < 3) {
      ctx.addIssue({ code: 'custom', message: 'a group ref needs cluster, namespace and deployment, or group (+ datacenter)' });
    } else if (g.group === undefined && g.datacenter !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'datacenter only applies with group; a cluster already has one' });
    }
  });
export type GroupRef = z.infer<typeof groupRefSchema>;

export const stageSchema = z.strictObject({
  name,
  /** A person approves before this stage starts (default: gates.approval.beforeStage). */
  approval: z.boolean().optional(),
  groups: z.array(groupRefSchema).min(1, 'a stage needs at least one group'),
});
export type Stage = z.infer<typeof stageSchema>;

export const gatesSchema = z.strictObject({
  /**
   * After a stage's groups succeeded, their health is still watched this long before the next
   * stage may start (and, after the last stage, before the release counts as succeeded). A group
   * that OOMs, crash-loops, restarts or loses readiness meanwhile is degraded and blocks the way on.
   */
  bake: duration.optional(),
  approval: z.strictObject({ beforeStage: z.boolean().optional(), afterFort: z.boolean().optional() }).optional(),
  soak: z.strictObject({ afterFort: duration.optional(), afterBatch: duration.optional(), afterStage: duration.optional() }).optional(),
  health: z
    .strictObject({
      noNewRestarts: z.boolean().optional(),
      noOOMKilled: z.boolean().optional(),
      noCrashLoop: z.boolean().optional(),
      readyWithin: duration.optional(),
    })
    .optional(),
});
export type Gates = z.infer<typeof gatesSchema>;

export const rollbackPolicies = ['auto', 'manual'] as const;
export const clusterLostPolicies = ['pause-group', 'stop-the-line'] as const;
const isoDate = z.iso.datetime({ offset: true, message: 'not an ISO 8601 date-time such as 2026-11-26T20:00:00Z' });

export const planSchema = z.strictObject({
  name,
  app: name,
  description: z.string().optional(),
  image: imageRefSchema,
  snapshotDate: isoDate,
  createdAt: isoDate,
  maxParallelGroups: z.number().int().min(1, 'at least 1').max(100),
  defaults: z.strictObject({ batchPattern: batchPattern.optional(), minOnline: minOnline.optional() }).optional(),
  stages: z.array(stageSchema).min(1, 'a plan needs at least one stage'),
  gates: gatesSchema.optional(),
  /** auto: a failed gate rolls the group back at once; manual: it pauses and waits for a person. */
  rollback: z.enum(rollbackPolicies),
  /** What a cluster going unreachable mid-release does to the other groups. */
  onClusterLost: z.enum(clusterLostPolicies).optional(),
});
export type ReleasePlan = z.infer<typeof planSchema>;

export const DEFAULT_BATCH_PATTERN = '25%';
/** Default post-stage bake: long enough for a leak or a slow crash to show before promotion. */
export const DEFAULT_BAKE_SEC = 600;
export const FORT_GROUPS = ['pro'];

/** Gates with every default filled in (what the executor and the preview use). */
export interface EffectiveGates {
  approvalBeforeStage: boolean;
  approvalAfterFort: boolean;
  soakAfterFortSec: number;
  soakAfterBatchSec: number;
  soakAfterStageSec: number;
  /** Post-stage bake (gates.bake; soak.afterStage is read as its older name). */
  bakeSec: number;
  noNewRestarts: boolean;
  noOOMKilled: boolean;
  noCrashLoop: boolean;
  readyWithinSec: number;
}

export function effectiveGates(g: Gates | undefined): EffectiveGates {
  const d = (s: string | undefined, fallback: number) => (s === undefined ? fallback : (parseDurationSpec(s) ?? fallback));
  return {
    approvalBeforeStage: g?.approval?.beforeStage ?? false,
    approvalAfterFort: g?.approval?.afterFort ?? false,
    soakAfterFortSec: d(g?.soak?.afterFort, 0),
    soakAfterBatchSec: d(g?.soak?.afterBatch, 0),
    soakAfterStageSec: d(g?.soak?.afterStage, 0),
    bakeSec: d(g?.bake, d(g?.soak?.afterStage, DEFAULT_BAKE_SEC)),
    noNewRestarts: g?.health?.noNewRestarts ?? true,
    noOOMKilled: g?.health?.noOOMKilled ?? true,
    noCrashLoop: g?.health?.noCrashLoop ?? true,
    readyWithinSec: d(g?.health?.readyWithin, 600),
  };
}

export const stageNeedsApproval = (plan: ReleasePlan, stageIndex: number): boolean =>
  plan.stages[stageIndex]?.approval ?? (stageIndex > 0 && effectiveGates(plan.gates).approvalBeforeStage);

export const imageString = (img: ImageRef): string => `${img.repository}:${img.tag}${img.digest ? `@${img.digest}` : ''}`;

/**
 * Does a container image belong to the plan's repository? A plan repository without a registry
 * host (`shop/orders`) matches that path in any registry: with a Harbor per region, each
 * datacenter pulls the same image from its own registry.
 */
export function imageMatches(containerImage: string, plan: ImageRef): boolean {
  const repo = imageName(containerImage);
  return splitRegistry(plan.repository).registry !== undefined ? repo === plan.repository : splitRegistry(repo).path === plan.repository;
}

/** The image a container moves to: the plan's image, in the container's own regional registry when the plan names none. */
export function targetImageFor(containerImage: string, plan: ImageRef): string {
  if (splitRegistry(plan.repository).registry !== undefined) return imageString(plan);
  const { registry } = splitRegistry(imageName(containerImage));
  return imageString({ ...plan, repository: registry ? `${registry}/${plan.repository}` : plan.repository });
}

export const groupRefLabel = (g: GroupRef): string =>
  g.group !== undefined ? `group ${g.group}${g.datacenter ? ` in ${g.datacenter}` : ''}` : `${g.cluster}/${g.namespace}/${g.deployment}`;
