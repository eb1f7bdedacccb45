/**
 * Container and pod status fragments in the kubelet's wording, plus kube's crash back-off
 * (10 s doubling to 5 min) and Go-style duration strings ("1m20s") used in its messages.
 */
import { randomBytes } from 'node:crypto';
import { canonicalRepository, DOCKER_HUB, imageName, imageTag, splitRegistry } from '../../src-shared/base/image-ref';
import { makeImage } from '../harbor/content';
import type { Condition, KubeObject } from '../kube/types';

export const BACKOFF_START_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

export function crashBackoffMs(restartCount: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, restartCount - 1));
}

export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

export function newContainerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

const imageIds = new Map<string, string>();

/**
 * The digest-pinned reference the runtime reports for an image: the manifest digest the sandbox
 * Harbors serve for the same repository and tag (both build it from the seed `<repository>:<tag>`),
 * under the registry host (docker.io/library for short names), as containerd does.
 */
export function imageId(image: string): string {
  let id = imageIds.get(image);
  if (id) return id;
  const { registry, path } = splitRegistry(imageName(image));
  const repository = canonicalRepository(registry, path);
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : makeImage(`${repository}:${imageTag(image)}`).digest;
  id = `${registry ?? DOCKER_HUB}/${repository}@${digest}`;
  imageIds.set(image, id);
  return id;
}

/** `nginx` → `docker.io/library/nginx`, `team/app` → `docker.io/team/app`; a registry host stays. */
export function setPodCondition(
  pod: KubeObject,
  type: string,
  status: 'True' | 'False',
  now: string,
  reason?: string,
  message?: string,
): void {
  const conditions: Condition[] = (pod.status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === type);
  const existing = conditions[i];
  const next: Condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now,
  };
  if (reason) next.reason = reason;
  if (message) next.message = message;
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

/** Ready / ContainersReady from the container statuses, with kube's "unready status" message. */
export function syncReadyConditions(pod: KubeObject, now: string): void {
  const statuses = (pod.status.containerStatuses ?? []) as { name: string; ready: boolean }[];
  const unready = statuses.filter((c) => !c.ready).map((c) => c.name);
  if (unready.length === 0 && statuses.length > 0) {
    setPodCondition(pod, 'ContainersReady', 'True', now);
    setPodCondition(pod, 'Ready', 'True', now);
  } else {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    setPodCondition(pod, 'ContainersReady', 'False', now, 'ContainersNotReady', msg);
    setPodCondition(pod, 'Ready', 'False', now, 'ContainersNotReady', msg);
  }
}

/** The order kube lists pod conditions in. */
const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
export function sortConditions(pod: KubeObject): void {
  (pod.status.conditions as Condition[] | undefined)?.sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
}
