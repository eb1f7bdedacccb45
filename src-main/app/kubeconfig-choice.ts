import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Sandbox or real clusters? `--sandbox` always means the sandbox; explicit `--kubeconfig` files
 * always mean those files; otherwise the user's kubeconfig (KUBECONFIG list, else ~/.kube/config,
 * plus paths they added in the app). Only when none of those exists do we start the built-in
 * sandbox datacenter, so a first start without a kubeconfig shows something real.
 */
export type KubeconfigChoice =
  { mode: 'sandbox'; reason: 'flag' | 'no-kubeconfig' } | { mode: 'explicit'; paths: string[] } | { mode: 'default' };

export interface ChoiceInput {
  sandboxFlag: boolean;
  explicitPaths: readonly string[];
  addedPaths: readonly string[];
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  exists?: (p: string) => boolean;
}

export function defaultKubeconfigCandidates(env: NodeJS.ProcessEnv = process.env, homeDir = os.homedir()): string[] {
  const list = env.KUBECONFIG?.split(path.delimiter).filter((p) => p.trim() !== '') ?? [];
  return list.length > 0 ? list : [path.join(homeDir, '.kube', 'config')];
}

export function chooseKubeconfig(input: ChoiceInput): KubeconfigChoice {
  if (input.sandboxFlag) return { mode: 'sandbox', reason: 'flag' };
  if (input.explicitPaths.length > 0) return { mode: 'explicit', paths: input.explicitPaths.map((p) => path.resolve(p)) };
  const exists = input.exists ?? ((p: string) => fs.existsSync(p));
  const candidates = [...defaultKubeconfigCandidates(input.env, input.homeDir), ...input.addedPaths];
  return candidates.some((p) => exists(p)) ? { mode: 'default' } : { mode: 'sandbox', reason: 'no-kubeconfig' };
}
