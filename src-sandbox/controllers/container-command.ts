/**
 * What a container's command line makes it do, read the way a person reads `sh -c` one-liners:
 * `exit N`, `false` and `true` decide the exit code, `sleep N` how long it runs first (`sleep
 * infinity` forever). Without those, a restartPolicy Always container runs until stopped (its
 * image's scenario behaviour applies) and a Job's container finishes successfully after a moment.
 */
import type { KubeObject } from '../kube/types';

export interface CommandOutcome {
  exitCode: number;
  afterMs: number;
}

/** Simulated ms a run-to-completion container with nothing to say about it runs. */
const DEFAULT_RUN_MS = 2000;

export function commandOutcome(
  pod: KubeObject,
  container: { command?: string[]; args?: string[] } | undefined = pod.spec?.containers?.[0],
): CommandOutcome | undefined {
  const line = [...(container?.command ?? []), ...(container?.args ?? [])].join(' ');
  const restartAlways = (pod.spec?.restartPolicy ?? 'Always') === 'Always';
  const sleep = /\bsleep\s+(\d+(?:\.\d+)?|infinity)\b/.exec(line);
  if (sleep?.[1] === 'infinity') return undefined;
  const exit = /\bexit\s+(\d+)/.exec(line);
  let exitCode: number | undefined;
  if (exit) exitCode = Number(exit[1]) & 255;
  else if (/(^|[\s;&|(])false(\s|$|;)/.test(line)) exitCode = 1;
  else if (/(^|[\s;&|(])true(\s|$|;)/.test(line) && !/while\s+true/.test(line)) exitCode = 0;
  const afterMs = sleep ? Number(sleep[1]) * 1000 : DEFAULT_RUN_MS;
  if (exitCode !== undefined) return { exitCode, afterMs };
  if (sleep) return { exitCode: 0, afterMs };
  return restartAlways ? undefined : { exitCode: 0, afterMs };
}
