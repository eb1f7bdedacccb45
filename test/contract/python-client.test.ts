/**
 * A second real client nobody here wrote: the official Kubernetes Python client (Debian package
 * python3-kubernetes) runs test/contract/python/official_client_check.py against the sandbox.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox } from './kube-sandbox-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/official_client_check.py', import.meta.url));

function hasPythonClient(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasPythonClient())('the official Kubernetes Python client against the sandbox', { timeout: 120_000 }, () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 50 });
  });
  afterAll(() => sb?.close());

  it('lists, watches, creates, patches three ways, dry-runs, reads logs and deletes with propagation, all typed', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(PYTHON, [SCRIPT, sb.kubeconfig, 'uat'], { timeout: 110_000 }, (err, out, errOut) =>
        resolve({ code: err ? 1 : 0, stdout: out, stderr: errOut }),
      );
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen.pods_listed).toBeGreaterThan(5);
    expect(seen.log_lines).toHaveLength(3);
    expect(seen.orphan_pods_deleted).toBe(1);
    const store = sb.dc.cluster('uat').store;
    expect(store.get('deployments', 'py', 'web')).toBeUndefined();
    expect(store.get('deployments', 'py', 'ghost')).toBeUndefined();
  });
});
