import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine's real kubectl, against a kubeconfig file; returns stdout. */
export async function kubectl(kubeconfig: string, context: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], {
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** One object as `kubectl get <object> -o jsonpath=<template>` prints it (`object`: `pod/x`, `deployment/y`), trimmed. */
export async function kubectlJsonpath(
  kubeconfig: string,
  context: string,
  namespace: string,
  object: string,
  template: string,
): Promise<string> {
  return (await kubectl(kubeconfig, context, '-n', namespace, 'get', object, '-o', `jsonpath=${template}`)).trim();
}

/** The jsonpath of a workload's first container image, for `kubectlJsonpath`. */
export { IMAGE } from '../../src-shared/testing/fixtures';

/** `kubectl rollout status` of a Deployment as it prints it; rejects when it is not rolled out within `timeout`. */
export function rolloutStatus(
  kubeconfig: string,
  context: string,
  namespace: string,
  deployment: string,
  timeout = '10s',
): Promise<string> {
  return kubectl(kubeconfig, context, '-n', namespace, 'rollout', 'status', `deployment/${deployment}`, `--timeout=${timeout}`);
}

/** `kubectl set image` of one container of a Deployment (a new version rolls out). */
export function setImage(
  kubeconfig: string,
  context: string,
  namespace: string,
  deployment: string,
  container: string,
  image: string,
): Promise<string> {
  return kubectl(kubeconfig, context, '-n', namespace, 'set', 'image', `deployment/${deployment}`, `${container}=${image}`);
}

/**
 * `kubectl create -f` of one manifest written to `dir` as JSON (the sandbox does not read the
 * protobuf bodies that `kubectl create <kind>` sends).
 */
export async function kubectlCreate(kubeconfig: string, context: string, dir: string, manifest: object): Promise<string> {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  return kubectl(kubeconfig, context, 'create', '-f', file);
}
