import type { ClusterInfo } from '../clusters/contract';
import type { DeploymentSummary, PodSummary } from '../workloads/contract';

/** kubectl's jsonpath of a Deployment's first container image (the release proofs read it). */
export const IMAGE = '{.spec.template.spec.containers[0].image}';

/** Every Deployment the sandbox's `orders` release plan rolls, as [context, name] (namespace shop). */
export const ORDERS_DEPLOYMENTS = [
  ['pro-east', 'orders-pro'],
  ['pro-east', 'orders-pro-b'],
  ['pro-west', 'orders-pro'],
  ['uat', 'orders-uat'],
] as const;

/** Test data builders (used by unit tests, and by benches that build large inputs). */
export function pod(over: Partial<PodSummary> & { uid: string }): PodSummary {
  return {
    clusterId: 'fat',
    namespace: 'shop',
    name: `pod-${over.uid}`,
    app: 'cart',
    group: 'fat',
    phase: 'Running',
    status: 'Running',
    readyContainers: 1,
    totalContainers: 1,
    ready: true,
    restarts: 0,
    images: ['harbor.example/shop/cart:1.0.0'],
    createdAt: 1_000,
    deleting: false,
    resourceVersion: '1',
    ...over,
  };
}

/** Pod `pod-crash`, in CrashLoopBackOff after 7 restarts (last exit: Error) since `since`. */
export function crashLoopPod(since: number, over: Partial<PodSummary> = {}): PodSummary {
  return pod({
    uid: 'crash',
    status: 'CrashLoopBackOff',
    ready: false,
    restarts: 7,
    lastTerminationReason: 'Error',
    conditionSince: since,
    ...over,
  });
}

export function deployment(over: Partial<DeploymentSummary> & { uid: string }): DeploymentSummary {
  return {
    clusterId: 'fat',
    namespace: 'shop',
    name: `deploy-${over.uid}`,
    app: 'cart',
    group: 'fat',
    replicas: 2,
    readyReplicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    images: ['harbor.example/shop/cart:1.0.0'],
    paused: false,
    rollout: 'done',
    rolloutMessage: 'successfully rolled out',
    createdAt: 1_000,
    resourceVersion: '1',
    ...over,
  };
}

export function cluster(over: Partial<ClusterInfo> & { id: string }): ClusterInfo {
  return {
    contextName: over.id,
    clusterName: over.id,
    server: 'https://127.0.0.1:6443',
    source: '/tmp/kubeconfig',
    datacenter: 'dc1',
    state: 'live',
    since: 0,
    counts: { nodes: 3, pods: 10, deployments: 2, problems: 0 },
    ...over,
  };
}

/** A Deployment manifest of `replicas` nginx pods labelled app.kubernetes.io/name=`name`, to create in a sandbox. */
export function nginxDeployment(name: string, namespace: string, replicas: number) {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
}
