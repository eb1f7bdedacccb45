/**
 * kubectl's typed clients write built-in kinds as protobuf; the sandbox decodes them with the
 * official generated.proto files and stores what a real apiserver would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeValidator } from '../../src-sandbox/openapi/openapi-validator';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox } from './kube-sandbox-helpers';

describe('kubectl protobuf writes', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  const validator = kubeValidator();
  const store = () => sb.dc.cluster('uat').store;

  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb?.close());

  it('create namespace sends protobuf and gets an Active Namespace', async () => {
    const r = await sb.kubectl(['--context', 'uat', 'create', 'namespace', 'team-a', '-v=8']);
    expect(r.stderr).toContain('Content-Type: application/vnd.kubernetes.protobuf');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('namespace/team-a created');
    const ns = store().get('namespaces', undefined, 'team-a')!.obj;
    expect(ns.status.phase).toBe('Active');
    expect(validator.validate('io.k8s.api.core.v1.Namespace', ns)).toEqual([]);
  });

  it('create deployment sends protobuf; the Deployment is defaulted, conforms to the schema and rolls out', async () => {
    const r = await sb.kubectl([
      '--context',
      'uat',
      '-n',
      'team-a',
      'create',
      'deployment',
      'web',
      '--image=nginx:1.27',
      '--replicas=2',
      '-v=8',
    ]);
    expect(r.stderr).toContain('Content-Type: application/vnd.kubernetes.protobuf');
    expect(r.code).toBe(0);
    const d = store().get('deployments', 'team-a', 'web')!.obj;
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.metadata.generation).toBe(1);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' });
    expect(validator.validate('io.k8s.api.apps.v1.Deployment', d)).toEqual([]);
    const status = await sb.kubectl(['--context', 'uat', '-n', 'team-a', 'rollout', 'status', 'deploy/web', '--timeout=40s'], {
      timeoutMs: 50_000,
    });
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
  });

  it('a protobuf create with --dry-run=server stores nothing', async () => {
    const r = await sb.kubectl(['--context', 'uat', 'create', 'namespace', 'team-b', '--dry-run=server']);
    expect(r.stdout).toContain('namespace/team-b created (server dry run)');
    expect(store().get('namespaces', undefined, 'team-b')).toBeUndefined();
  });
});
