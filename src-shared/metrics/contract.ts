/**
 * Container metrics channels: a live top list across clusters (with each cluster's sources said
 * plainly), one container's history for the chart, its OOM forensics, CSV export and settings.
 * Memory is the working set (what the kubelet's OOM logic and `kubectl top` use), never
 * usage + cache, so nothing shows doubled.
 */
import { z } from 'zod';
import { request, stream } from '../base/channels';

export const sourceKinds = ['kubelet-summary', 'metrics-api', 'prometheus'] as const;
export const sourceStates = ['ok', 'absent', 'forbidden', 'timeout', 'error', 'unconfigured', 'unknown'] as const;
export const sourceStatusSchema = z.object({
  kind: z.enum(sourceKinds),
  state: z.enum(sourceStates),
  /** What happened and what it means for the charts, in plain words. */
  message: z.string().optional(),
});
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

export const clusterMetricsSchema = z.object({
  clusterId: z.string(),
  sources: z.array(sourceStatusSchema),
  /** Epoch ms of the last completed sample round. */
  lastRoundAt: z.number().optional(),
  containers: z.number(),
});
export type ClusterMetrics = z.infer<typeof clusterMetricsSchema>;

export const containerRefSchema = z
  .object({
    clusterId: z.string().min(1).max(256),
    namespace: z.string().min(1).max(253),
    pod: z.string().min(1).max(253),
    container: z.string().min(1).max(253),
  })
  .strict();
export type ContainerRef = z.infer<typeof containerRefSchema>;

export const topRowSchema = containerRefSchema.extend({
  app: z.string().optional(),
  workingSet: z.number().optional(),
  memoryLimit: z.number().optional(),
  memoryRequest: z.number().optional(),
  /** Working set as % of the memory limit. */
  memoryPct: z.number().optional(),
  /** Working-set growth over the last minutes of the current container instance, bytes/min. */
  growthPerMin: z.number().optional(),
  cpuCores: z.number().optional(),
  cpuRequest: z.number().optional(),
  cpuLimit: z.number().optional(),
  /** CPU as % of the limit (else of the request): the nearest thing to throttling without Prometheus. */
  cpuPct: z.number().optional(),
  /** % of CFS periods throttled over 5 min (Prometheus only). */
  throttledPct: z.number().optional(),
  restarts: z.number(),
  oomKills: z.number(),
  lastReason: z.string().optional(),
  /**
   * The instance these usage values were taken from no longer runs (the pod watch said so: killed,
   * exited, restarted or the pod deleted): they are its last values, not current ones.
   */
  ended: z.object({ reason: z.string(), at: z.number().optional() }).optional(),
});
export type TopRow = z.infer<typeof topRowSchema>;

export const topListKinds = ['memory', 'growth', 'restarts', 'cpu', 'throttled'] as const;
export type TopListKind = (typeof topListKinds)[number];

/** How often samples are taken now, and why (it stretches to keep rounds within a CPU share). */
export const metricsPacingSchema = z.object({
  /** The interval asked for in the settings. */
  wantedMs: z.number(),
  /** The interval rounds run at now (≥ wantedMs). */
  intervalMs: z.number(),
  /** CPU a round costs (median of the last rounds), ms. */
  roundCpuMs: z.number(),
  maxCpuPercent: z.number(),
  /** Containers sampled in the last round, all clusters. */
  containers: z.number(),
});
export type MetricsPacing = z.infer<typeof metricsPacingSchema>;

/** What the history holds against its memory budget, and at which resolution. */
export const metricsHistoryStatusSchema = z.object({
  bytes: z.number(),
  budgetBytes: z.number(),
  containers: z.number(),
  /** Containers kept at full resolution. */
  fullResolution: z.number(),
  /** Bucket size of the others' older samples; 0 = everyone at full resolution. */
  coarseMs: z.number(),
  /** Minutes the others keep as taken before they are merged into buckets. */
  fineMinutes: z.number(),
  overBudget: z.boolean(),
});
export type MetricsHistoryStatus = z.infer<typeof metricsHistoryStatusSchema>;

export const metricsTopSchema = z.object({
  at: z.number(),
  intervalMs: z.number(),
  pacing: metricsPacingSchema,
  history: metricsHistoryStatusSchema,
  clusters: z.array(clusterMetricsSchema),
  lists: z.object({
    memory: z.array(topRowSchema),
    growth: z.array(topRowSchema),
    restarts: z.array(topRowSchema),
    cpu: z.array(topRowSchema),
    throttled: z.array(topRowSchema),
  }),
});
export type MetricsTop = z.infer<typeof metricsTopSchema>;

export const timelineEventSchema = z.object({
  at: z.number(),
  kind: z.enum(['oom', 'restart']),
  reason: z.string().optional(),
  exitCode: z.number().optional(),
  startedAt: z.number().optional(),
  restartCount: z.number(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const terminatedSchema = z.object({
  reason: z.string().optional(),
  exitCode: z.number().optional(),
  signal: z.number().optional(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});

export const seriesSchema = z.object({
  ref: containerRefSchema,
  source: z.enum(sourceKinds).optional(),
  /** Epoch ms per sample; NaN values in the arrays below are gaps (null on the wire). */
  t: z.array(z.number()),
  cpu: z.array(z.number().nullable()),
  workingSet: z.array(z.number().nullable()),
  rss: z.array(z.number().nullable()),
  memoryRequest: z.number().optional(),
  memoryLimit: z.number().optional(),
  cpuRequest: z.number().optional(),
  cpuLimit: z.number().optional(),
  restarts: z.number(),
  events: z.array(timelineEventSchema),
  lastTerminated: terminatedSchema.optional(),
  state: z.string().optional(),
  /** Owning Deployment, when there is one (for its aggregate). */
  deployment: z.string().optional(),
});
export type Series = z.infer<typeof seriesSchema>;

export const aggregateRefSchema = z
  .object({
    clusterId: z.string().min(1).max(256),
    namespace: z.string().min(1).max(253),
    scope: z.enum(['pod', 'deployment']),
    name: z.string().min(1).max(253),
  })
  .strict();
export type AggregateRef = z.infer<typeof aggregateRefSchema>;

/** Sum over the containers of a pod or of a Deployment's pods, per sample round. */
export const aggregateSchema = seriesSchema.omit({ ref: true, source: true, lastTerminated: true, state: true, deployment: true }).extend({
  ref: aggregateRefSchema,
  containers: z.number(),
});
export type Aggregate = z.infer<typeof aggregateSchema>;

export const forensicsSchema = z.object({
  ref: containerRefSchema,
  memoryLimit: z.number().optional(),
  kills: z.array(
    z.object({
      event: timelineEventSchema,
      /** Working set over the minutes before the kill (as far as history goes). */
      t: z.array(z.number()),
      workingSet: z.array(z.number().nullable()),
    }),
  ),
  lastTerminated: terminatedSchema.optional(),
  events: z.array(
    z.object({ type: z.string(), reason: z.string(), message: z.string(), count: z.number(), lastSeen: z.string().optional() }),
  ),
  eventsError: z.string().optional(),
  previousLog: z.array(z.string()),
  previousLogError: z.string().optional(),
});
export type Forensics = z.infer<typeof forensicsSchema>;

/** What main agrees to fetch as a Prometheus base URL: http or https, no userinfo (it would be shown and logged). */
export function isPrometheusUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

export const metricsSettingsSchema = z.object({
  /** The interval wanted; rounds stretch it when they would cost more than maxCpuPercent of a core. */
  intervalMs: z.number().int().min(1000).max(600_000),
  historyMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  /** Memory the history may take; beyond it, containers nobody needs to look at closely are kept coarser. */
  historyBudgetMB: z.number().int().min(16).max(4096),
  /** Share of one core sample rounds may use (the interval stretches to stay within it). */
  maxCpuPercent: z.number().min(0.5).max(50),
  /** Prometheus base URL per cluster id (optional source). Main fetches it: http(s) only, no credentials in it. */
  prometheus: z
    .record(z.string().min(1).max(256), z.string().max(2048).refine(isPrometheusUrl, 'an http:// or https:// URL without user:password@'))
    .refine((o) => Object.keys(o).length <= 256, 'at most 256 clusters'),
});
export type MetricsSettings = z.infer<typeof metricsSettingsSchema>;

export const metricsContract = {
  /** The top lists across every cluster, sent after each sample round. */
  'metrics.subscribe': stream(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), metricsTopSchema),
  'metrics.series': request(containerRefSchema, seriesSchema),
  'metrics.forensics': request(containerRefSchema, forensicsSchema),
  'metrics.aggregate': request(aggregateRefSchema, aggregateSchema),
  'metrics.exportCsv': request(containerRefSchema.partial().strict(), z.object({ filename: z.string(), csv: z.string() })),
  'metrics.getSettings': request(z.object({}).strict(), metricsSettingsSchema),
  'metrics.setSettings': request(metricsSettingsSchema.partial().strict(), metricsSettingsSchema),
};
