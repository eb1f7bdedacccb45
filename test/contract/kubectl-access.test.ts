/**
 * The sandbox's access rules, refereed by kubectl: a permission taken away in one namespace of one
 * cluster is refused there (403 with kube-apiserver's RBAC wording), `kubectl auth can-i` says no
 * (a SelfSubjectAccessReview, sent as protobuf by kubectl), and everything else stays allowed.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('sandbox access rules, as kubectl sees them', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    sb.dc.denyAccess('pro-east', [{ verbs: ['patch'], resources: ['deployments'], groups: ['apps'], namespaces: ['shop'] }]);
  });
  afterAll(() => sb?.close());

  const canI = async (ctx: string, ...args: string[]) => (await sb.kubectl(['--context', ctx, 'auth', 'can-i', ...args])).stdout.trim();

  it('auth can-i answers per verb, resource, namespace and cluster', async () => {
    expect(await canI('pro-east', 'patch', 'deployments.apps', '-n', 'shop')).toBe('no');
    expect(await canI('pro-east', 'get', 'deployments.apps', '-n', 'shop')).toBe('yes');
    expect(await canI('pro-east', 'patch', 'deployments.apps', '-n', 'platform')).toBe('yes');
    expect(await canI('pro-west', 'patch', 'deployments.apps', '-n', 'shop')).toBe('yes');
    expect(await canI('pro-east', 'patch', 'replicasets.apps', '-n', 'shop')).toBe('yes');
  });

  it('the request itself is refused with the RBAC message, and nothing changes', async () => {
    const before = sb.dc.cluster('pro-east').store.get('deployments', 'shop', 'orders-pro-b')!.obj.metadata.resourceVersion;
    const r = await sb.kubectl(['--context', 'pro-east', '-n', 'shop', 'annotate', 'deploy', 'orders-pro-b', 'x=y']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'deployments.apps "orders-pro-b" is forbidden: User "system:serviceaccount:sandbox:capstan" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
    );
    expect(sb.dc.cluster('pro-east').store.get('deployments', 'shop', 'orders-pro-b')!.obj.metadata.resourceVersion).toBe(before);
    const west = await sb.kubectl(['--context', 'pro-west', '-n', 'shop', 'annotate', 'deploy', 'orders-pro', 'x=y']);
    expect(west.code).toBe(0);
  });

  it('an empty rule list gives the permission back', async () => {
    sb.dc.denyAccess('pro-east', []);
    expect(await canI('pro-east', 'patch', 'deployments.apps', '-n', 'shop')).toBe('yes');
  });
});
