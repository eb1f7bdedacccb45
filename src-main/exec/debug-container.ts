/**
 * Ephemeral debug containers, as `kubectl debug -it POD --image=IMAGE --target=CONTAINER` adds
 * them: a strategic merge patch of pods/{pod}/ephemeralcontainers with one container named
 * `debugger-xxxxx` (stdin and tty on, termination message from the file, the target's process
 * namespace shared), then a wait until its status says running. The caller attaches to it.
 */
import { randomBytes } from 'node:crypto';
import type { DebugRequest } from '../../src-shared/exec/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { ExplainPod } from './container-explain';

/** kubectl's name: "debugger-" and five lower-case letters or digits. */
export const debuggerName = (): string => `debugger-${[...randomBytes(5)].map((b) => 'bcdfghjklmnpqrstvwxz2456789'[b % 27]).join('')}`;

/** The ephemeral container kubectl debug -it creates (the legacy/general profiles change nothing more). */
export function ephemeralContainer(name: string, image: string, target?: string): Record<string, unknown> {
  return {
    name,
    image,
    resources: {},
    terminationMessagePolicy: 'File',
    stdin: true,
    tty: true,
    ...(target ? { targetContainerName: target } : {}),
  };
}

export interface DebugDeps {
  connection(clusterId: string): ClusterConnection | undefined;
  /** How often the pod is read while waiting for the container to run. Default 500 ms. */
  pollMs?: number;
  /** How long to wait for it. Default 2 min (an image pull can be slow). */
  timeoutMs?: number;
}

const PULL_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerError',
  'CreateContainerConfigError',
]);

export async function startDebugContainer(
  deps: DebugDeps,
  req: DebugRequest,
  signal?: AbortSignal,
): Promise<Result<{ container: string; image: string }>> {
  const conn = deps.connection(req.clusterId);
  if (!conn) return err('not-found', `No cluster "${req.clusterId}". Reload the cluster list.`, { clusterId: req.clusterId });
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}`;
  const name = debuggerName();
  const patched = await conn.getJson<ExplainPod>(`${path}/ephemeralcontainers`, {
    method: 'PATCH',
    verb: 'patch',
    resource: 'pods/ephemeralcontainers',
    contentType: 'application/strategic-merge-patch+json',
    body: { spec: { ephemeralContainers: [ephemeralContainer(name, req.image, req.target)] } },
  });
  if (!patched.ok) return patched;
  const deadline = Date.now() + (deps.timeoutMs ?? 120_000);
  for (;;) {
    const pod = await conn.getJson<ExplainPod>(path, { verb: 'get', resource: 'pods', signal });
    if (!pod.ok) return pod;
    const st = pod.value.status?.ephemeralContainerStatuses?.find((s) => s.name === name)?.state;
    if (st?.running) return ok({ container: name, image: req.image });
    if (st?.terminated)
      return err(
        'unavailable',
        `Debug container ${name} ended at once (${st.terminated.reason ?? 'terminated'}, exit code ${st.terminated.exitCode ?? '?'}). Try another image.`,
        { clusterId: req.clusterId },
      );
    if (st?.waiting?.reason && PULL_FAILURES.has(st.waiting.reason))
      return err(
        'unavailable',
        `Debug container ${name} cannot start: ${st.waiting.reason}${st.waiting.message ? ` (${conn.scrub(st.waiting.message)})` : ''}. Check the image name and that the cluster can pull it.`,
        { clusterId: req.clusterId },
      );
    if (Date.now() > deadline || signal?.aborted)
      return err(
        'timeout',
        `Debug container ${name} was added but has not started yet${st?.waiting?.reason ? ` (${st.waiting.reason})` : ''}. Open a shell in it from the pod once it runs.`,
        { clusterId: req.clusterId },
      );
    await new Promise((r) => setTimeout(r, deps.pollMs ?? 500));
  }
}
