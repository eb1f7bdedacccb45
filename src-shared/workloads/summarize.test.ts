import { describe, expect, it } from 'vitest';
import type { Deployment, Pod } from '../k8s/types';
import { deploymentRolloutStatus, podStatusColumns, summarizeDeployment, summarizePod } from './summarize';

const basePod = (status: Pod['status'], extra: Partial<Pod> = {}): Pod => ({
  metadata: {
    name: 'p',
    namespace: 'ns',
    uid: 'u1',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { 'app.kubernetes.io/name': 'shop', 'capstan.io/group': 'pro' },
    resourceVersion: '5',
  },
  spec: {
    containers: [
      { name: 'a', image: 'img:1' },
      { name: 'b', image: 'side:2' },
    ],
  },
  status,
  ...extra,
});
const running = { running: { startedAt: '2026-01-01T00:00:10Z' } };

describe('podStatusColumns (kubectl STATUS)', () => {
  it('Running with all containers ready', () => {
    const p = basePod({
      phase: 'Running',
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 1, image: '', state: running },
        { name: 'b', ready: true, restartCount: 2, image: '', state: running },
      ],
    });
    expect(podStatusColumns(p)).toEqual({ status: 'Running', readyContainers: 2, totalContainers: 2, restarts: 3 });
  });
  it('CrashLoopBackOff from a waiting reason; OOMKilled from a terminated reason', () => {
    const p = basePod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 5,
          image: '',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
        { name: 'b', ready: true, restartCount: 0, image: '', state: running },
      ],
    });
    expect(podStatusColumns(p).status).toBe('CrashLoopBackOff');
    const q = basePod({
      phase: 'Running',
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 1, image: '', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } },
      ],
    });
    expect(podStatusColumns(q).status).toBe('OOMKilled');
    expect(summarizePod('c', p, 'shop').lastTerminationReason).toBe('OOMKilled');
    const withTime = basePod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'a',
          ready: true,
          restartCount: 1,
          image: '',
          state: running,
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-01-01T00:05:00Z' } },
        },
      ],
    });
    expect(summarizePod('c', withTime, undefined)).toMatchObject({
      lastTerminationReason: 'OOMKilled',
      lastTerminationAt: Date.parse('2026-01-01T00:05:00Z'),
    });
  });
  it('ExitCode / Signal when terminated without reason', () => {
    expect(
      podStatusColumns(
        basePod({
          phase: 'Running',
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: '', state: { terminated: { exitCode: 2 } } }],
        }),
      ).status,
    ).toBe('ExitCode:2');
    expect(
      podStatusColumns(
        basePod({
          phase: 'Running',
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: '', state: { terminated: { exitCode: 0, signal: 9 } } }],
        }),
      ).status,
    ).toBe('Signal:9');
  });
  it('Init container states', () => {
    const spec = { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }, { name: 'i2' }] };
    const waiting = basePod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', ready: false, restartCount: 0, image: '', state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
      { spec },
    );
    expect(podStatusColumns(waiting).status).toBe('Init:0/2');
    const failed = basePod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', ready: false, restartCount: 3, image: '', state: { terminated: { exitCode: 1, reason: 'Error' } } },
        ],
      },
      { spec },
    );
    expect(podStatusColumns(failed)).toMatchObject({ status: 'Init:Error', restarts: 3 });
    const crash = basePod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', ready: false, restartCount: 3, image: '', state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
      { spec },
    );
    expect(podStatusColumns(crash).status).toBe('Init:CrashLoopBackOff');
  });
  it('ContainerCreating, ImagePullBackOff, Pending, Terminating, Completed→Running', () => {
    expect(
      podStatusColumns(
        basePod({
          phase: 'Pending',
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: '', state: { waiting: { reason: 'ContainerCreating' } } }],
        }),
      ).status,
    ).toBe('ContainerCreating');
    expect(
      podStatusColumns(
        basePod({
          phase: 'Pending',
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: '', state: { waiting: { reason: 'ImagePullBackOff' } } }],
        }),
      ).status,
    ).toBe('ImagePullBackOff');
    expect(podStatusColumns(basePod({ phase: 'Pending' })).status).toBe('Pending');
    const term = basePod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: '', state: running }] });
    term.metadata.deletionTimestamp = '2026-01-01T00:01:00Z';
    expect(podStatusColumns(term).status).toBe('Terminating');
    expect(summarizePod('c', term, undefined).deleting).toBe(true);
    const mixed = basePod({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, image: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', ready: true, restartCount: 0, image: '', state: running },
      ],
    });
    expect(podStatusColumns(mixed).status).toBe('NotReady');
    expect(podStatusColumns(basePod({ phase: 'Failed', reason: 'Evicted' })).status).toBe('Evicted');
  });
  it('summarizes labels, ownership and readiness', () => {
    const p = basePod({
      phase: 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:30Z' }],
      containerStatuses: [],
    });
    const s = summarizePod('fat', p, 'shop', { app: 'app.kubernetes.io/name', group: 'capstan.io/group' });
    expect(s).toMatchObject({
      uid: 'u1',
      clusterId: 'fat',
      app: 'shop',
      group: 'pro',
      deployment: 'shop',
      ready: true,
      podIP: '10.0.0.1',
      images: ['img:1', 'side:2'],
      resourceVersion: '5',
    });
    expect(s.conditionSince).toBe(Date.parse('2026-01-01T00:00:30Z'));
    expect(summarizePod('fat', p, undefined, { app: 'x', group: 'y' }).app).toBeUndefined();
  });
});

const dep = (spec: Partial<NonNullable<Deployment['spec']>>, status: NonNullable<Deployment['status']>, generation = 2): Deployment => ({
  metadata: { name: 'shop', namespace: 'ns', uid: 'd1', generation, annotations: { 'deployment.kubernetes.io/revision': '7' } },
  spec: { replicas: 3, ...spec },
  status,
});

describe('deploymentRolloutStatus (kubectl rollout status)', () => {
  it('follows kubectl order', () => {
    expect(deploymentRolloutStatus(dep({}, { observedGeneration: 1 }))).toEqual({
      rollout: 'progressing',
      message: 'Waiting for deployment spec update to be observed...',
    });
    expect(
      deploymentRolloutStatus(
        dep({}, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      ),
    ).toEqual({
      rollout: 'failed',
      message: 'deployment "shop" exceeded its progress deadline',
    });
    expect(deploymentRolloutStatus(dep({}, { observedGeneration: 2, updatedReplicas: 1, replicas: 4 })).message).toBe(
      'Waiting for deployment "shop" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(deploymentRolloutStatus(dep({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 })).message).toBe(
      'Waiting for deployment "shop" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(deploymentRolloutStatus(dep({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toBe(
      'Waiting for deployment "shop" rollout to finish: 2 of 3 updated replicas are available...',
    );
    expect(deploymentRolloutStatus(dep({}, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({
      rollout: 'done',
      message: 'deployment "shop" successfully rolled out',
    });
    expect(deploymentRolloutStatus(dep({ paused: true }, { observedGeneration: 2, updatedReplicas: 1, replicas: 3 })).rollout).toBe(
      'paused',
    );
  });
  it('summarizes', () => {
    const s = summarizeDeployment(
      'uat',
      dep(
        {
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'shop', 'capstan.io/group': 'uat' } },
            spec: { containers: [{ name: 'a', image: 'shop:2' }] },
          },
        },
        { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3, readyReplicas: 3 },
      ),
    );
    expect(s).toMatchObject({
      clusterId: 'uat',
      app: 'shop',
      group: 'uat',
      replicas: 3,
      readyReplicas: 3,
      images: ['shop:2'],
      revision: '7',
      rollout: 'done',
      paused: false,
    });
  });
});

describe('lastSpecManager', () => {
  it('names the newest writer of the object, not the controller writing status', async () => {
    const { lastSpecManager } = await import('./summarize');
    const fields = [
      { manager: 'capstan', operation: 'Update', time: '2026-12-06T04:00:00Z' },
      { manager: 'kubectl-rollout', operation: 'Update', time: '2026-12-06T04:05:00Z' },
      { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-12-06T04:06:00Z' },
    ];
    expect(lastSpecManager(fields)?.manager).toBe('kubectl-rollout');
    expect(lastSpecManager(undefined)).toBeUndefined();
  });
});
