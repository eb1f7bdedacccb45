/**
 * Per-cluster log settings for the sandbox, kept beside the ObjectStore (a WeakMap, so the
 * datacenter API stays as it is). A pod can override the rate and profile with annotations:
 *   sandbox.capstan.io/log-rate: "100000"     lines per real second
 *   sandbox.capstan.io/log-profile: hostile   see generator.ts
 * Pods of a cluster that was never configured and carry no annotation get defaultLogConfig.
 */
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import type { LogProfile } from './generator';

export interface LogConfig {
  /** Lines per real second per container. */
  rate: number;
  profile: LogProfile;
  /** Lines of history kept per container instance (older lines are "rotated away"). Default 10,000. */
  history: number;
  /** Fault: the next follow stream is cut after this many bytes (mid-line), then this resets. */
  cutNextFollowAfterBytes?: number;
}

export const RATE_ANNOTATION = 'sandbox.capstan.io/log-rate';
export const PROFILE_ANNOTATION = 'sandbox.capstan.io/log-profile';
export const NO_SHELL_ANNOTATION = 'sandbox.capstan.io/no-shell';

const configs = new WeakMap<ObjectStore, LogConfig>();

/** Turn on the rich log generator for every pod of a cluster (rate, profile, faults). */
export function configureLogs(store: ObjectStore, cfg: Partial<LogConfig>): LogConfig {
  const next = { rate: 2, profile: 'java' as LogProfile, history: 10_000, ...configs.get(store), ...cfg };
  configs.set(store, next);
  return next;
}

export function logConfigFor(store: ObjectStore, pod: KubeObject): LogConfig | undefined {
  const base = configs.get(store);
  const a = pod.metadata.annotations ?? {};
  if (!base && a[RATE_ANNOTATION] === undefined && a[PROFILE_ANNOTATION] === undefined) return undefined;
  const rate = Number(a[RATE_ANNOTATION] ?? base?.rate ?? 2);
  return {
    rate: rate > 0 && rate <= 1_000_000 ? rate : 2,
    profile: a[PROFILE_ANNOTATION] === 'hostile' ? 'hostile' : (base?.profile ?? 'java'),
    history: base?.history ?? 10_000,
  };
}

/** Take (and clear) the one-shot cut fault of a cluster. */
export function takeCutFault(store: ObjectStore): number | undefined {
  const c = configs.get(store);
  const n = c?.cutNextFollowAfterBytes;
  if (c && n !== undefined) c.cutNextFollowAfterBytes = undefined;
  return n;
}

/**
 * Settings for a cluster nobody configured: one line per 5 simulated seconds (as a quiet service
 * logs), so logs are still one deterministic timeline per container instance.
 */
export function defaultLogConfig(clockSpeed: number): LogConfig {
  return { rate: Math.max(0.001, clockSpeed / 5), profile: 'java', history: 10_000 };
}
