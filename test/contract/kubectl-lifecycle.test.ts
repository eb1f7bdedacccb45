/**
 * Object lifecycle as kubectl sees it on a real cluster: namespaces must exist, namespace deletion
 * finalizes its content, and owner references follow Background / Foreground / Orphan propagation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src-sandbox/kube/store';
import type { KubeObject } from '../../src-sandbox/kube/types';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe('kubectl and object lifecycle', { timeout: 90_000 }, () => {
  let sb: TestSandbox;
  const events: ChangeEvent[] = [];
  const store = () => sb.dc.cluster('uat').store;
  const ok = (args: string[], timeoutMs?: number) => sb.kubectlOk(['--context', 'uat', ...args], { timeoutMs });
  const objects = (resource: 'pods' | 'replicasets' | 'deployments', ns: string) => [...store().list(resource, ns)].map(([, s]) => s.obj);
  const ownedBy = (o: KubeObject, uid: string) => o.metadata.ownerReferences?.some((r) => r.uid === uid) ?? false;
  /** A Deployment whose pods are all running, with its ReplicaSet and pods. */
  const runningDeployment = async (ns: string, name: string) => {
    await ok(['-n', ns, 'create', 'deployment', name, '--image=nginx:1.27', '--replicas=2']);
    await ok(['-n', ns, 'rollout', 'status', `deploy/${name}`, '--timeout=40s'], 50_000);
    const d = store().get('deployments', ns, name)!.obj;
    const rs = objects('replicasets', ns).find((r) => ownedBy(r, d.metadata.uid!))!;
    const pods = objects('pods', ns).filter((p) => ownedBy(p, rs.metadata.uid!));
    expect(pods).toHaveLength(2);
    return { d, rs, pods };
  };

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 50 });
    sb.dc.cluster('uat').store.subscribe((e) => events.push(e));
    await ok(['create', 'namespace', 'life']);
  });
  afterAll(() => sb?.close());

  it('creating in a namespace that does not exist is a 404 NotFound', async () => {
    const r = await sb.kubectl(['--context', 'uat', '-n', 'nowhere', 'create', 'deployment', 'x', '--image=nginx:1.27']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('namespaces "nowhere" not found');
    const raw = await sb.request('uat', 'POST', '/api/v1/namespaces/nowhere/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    expect(raw.body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
      details: { name: 'nowhere', kind: 'namespaces' },
    });
    expect(store().get('deployments', 'nowhere', 'x')).toBeUndefined();
  });

  it('--cascade=orphan keeps the ReplicaSet and pods running, without the ownerReference', async () => {
    const { d, rs, pods } = await runningDeployment('life', 'orphan-me');
    expect(await ok(['-n', 'life', 'delete', 'deploy/orphan-me', '--cascade=orphan'])).toContain('deployment.apps "orphan-me" deleted');
    expect(store().get('deployments', 'life', 'orphan-me')).toBeUndefined();
    // Give the garbage collector its chance to (wrongly) act, then check nothing was collected.
    await ok(['-n', 'life', 'get', 'pods']);
    await new Promise((r) => setImmediate(r));
    const kept = store().get('replicasets', 'life', rs.metadata.name)!.obj;
    expect(kept.metadata.ownerReferences).toBeUndefined();
    for (const p of pods) {
      const pod = store().get('pods', 'life', p.metadata.name)!.obj;
      expect(pod.metadata.deletionTimestamp).toBeUndefined();
      expect(ownedBy(pod, rs.metadata.uid!)).toBe(true);
    }
    expect(objects('replicasets', 'life').some((r) => ownedBy(r, d.metadata.uid!))).toBe(false);
  });

  it('--cascade=foreground: the Deployment stays with a deletionTimestamp until its ReplicaSet and pods are gone', async () => {
    const { rs, pods } = await runningDeployment('life', 'fore');
    const from = events.length;
    expect(await ok(['-n', 'life', 'delete', 'deploy/fore', '--cascade=foreground', '--wait=false'])).toContain(
      'deployment.apps "fore" deleted',
    );
    await waitFor('the Deployment gone', () => (store().get('deployments', 'life', 'fore') ? undefined : true));
    const rvOfDeletion = (resource: string, name: string) =>
      events.slice(from).find((e) => e.type === 'DELETED' && e.resource === resource && e.object.obj.metadata.name === name)?.rv;
    const deploymentGone = rvOfDeletion('deployments', 'fore')!;
    // First it was marked, and stayed while its dependents went.
    const marked = events
      .slice(from)
      .find(
        (e) =>
          e.resource === 'deployments' &&
          e.object.obj.metadata.name === 'fore' &&
          e.type === 'MODIFIED' &&
          e.object.obj.metadata.deletionTimestamp,
      );
    expect(marked!.object.obj.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(marked!.rv).toBeLessThan(rvOfDeletion('replicasets', rs.metadata.name)!);
    expect(rvOfDeletion('replicasets', rs.metadata.name)).toBeLessThan(deploymentGone);
    for (const p of pods) expect(rvOfDeletion('pods', p.metadata.name)).toBeLessThan(deploymentGone);
  });

  it('background (default): the Deployment goes at once, the garbage collector removes the rest', async () => {
    const { rs, pods } = await runningDeployment('life', 'back');
    await ok(['-n', 'life', 'delete', 'deploy/back', '--wait=false']);
    expect(store().get('deployments', 'life', 'back')).toBeUndefined();
    await waitFor('ReplicaSet and pods gone', () =>
      store().get('replicasets', 'life', rs.metadata.name) || pods.some((p) => store().get('pods', 'life', p.metadata.name))
        ? undefined
        : true,
    );
  });

  it('deleting a namespace: Terminating, new content refused, its objects deleted (finalizers honoured), then the namespace goes', async () => {
    await ok(['create', 'namespace', 'doomed']);
    const { rs } = await runningDeployment('doomed', 'web');
    // A finalizer someone else owns keeps the Deployment, and so the namespace, until it is removed.
    await ok(['-n', 'doomed', 'patch', 'deploy/web', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await ok(['delete', 'namespace', 'doomed', '--wait=false']);
    expect(await ok(['get', 'namespace', 'doomed', '-o', 'jsonpath={.status.phase}'])).toBe('Terminating');
    const refused = await sb.kubectl(['--context', 'uat', '-n', 'doomed', 'create', 'deployment', 'late', '--image=nginx:1.27']);
    expect(refused.stderr).toContain('unable to create new content in namespace doomed because it is being terminated');
    await waitFor('the ReplicaSet and pods gone', () =>
      objects('pods', 'doomed').length + objects('replicasets', 'doomed').length === 0 ? true : undefined,
    );
    expect(store().get('replicasets', 'doomed', rs.metadata.name)).toBeUndefined();
    const held = store().get('deployments', 'doomed', 'web')!.obj;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(store().get('namespaces', undefined, 'doomed')!.obj.status.phase).toBe('Terminating');
    await ok(['-n', 'doomed', 'patch', 'deploy/web', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await ok(['wait', '--for=delete', 'namespace/doomed', '--timeout=40s'], 50_000);
    expect(objects('deployments', 'doomed')).toEqual([]);
    expect([...store().list('events', 'doomed')]).toEqual([]);
  });

  it('kubectl delete namespace waits until the namespace is gone', async () => {
    await ok(['create', 'namespace', 'doomed-2']);
    await runningDeployment('doomed-2', 'api');
    expect(await ok(['delete', 'namespace', 'doomed-2', '--timeout=40s'], 50_000)).toContain('namespace "doomed-2" deleted');
    expect(store().get('namespaces', undefined, 'doomed-2')).toBeUndefined();
    expect(objects('pods', 'doomed-2')).toEqual([]);
  });
});
