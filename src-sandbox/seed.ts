/**
 * Builds a cluster's initial objects from the scenario: nodes, namespaces, and for every release
 * group a Deployment with its ReplicaSet history and pods already running (so a 50,000-pod start
 * costs object creation, not a simulated rollout). Pods of a faulty version start from scratch
 * and are played out by the kubelet simulation.
 */
import { defaultDeployment, defaultPod, defaultPodSpec } from './kube/defaults';
import { controllerRef } from './kube/owner-ref';
import { podTemplateHash } from './kube/template-hash';
import type { ObjectStore } from './kube/store';
import { randomSuffix } from './kube/store';
import type { KubeObject } from './kube/types';
import { KUBE_VERSION } from './server/discovery';
import type { Scenario, ScenarioApp, ScenarioCluster, ScenarioGroup } from './scenario';
import { imageId, newContainerId } from './controllers/container-states';
import { replicaSetFor } from './controllers/deployment-controller';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export interface SeedContext {
  store: ObjectStore;
  scenario: Scenario;
  cluster: ScenarioCluster;
  scale: number;
  nodeNames: string[];
  nodeIp: (node: string) => string;
  nextPodIp: () => string;
}

export function nodeCount(scenario: Scenario, cluster: ScenarioCluster, scale: number): number {
  const pods = groupsIn(scenario, cluster.name).reduce((n, { group }) => n + Math.round(group.replicas * scale), 0);
  return Math.max(cluster.nodes, Math.ceil(pods / 100));
}

export function groupsIn(scenario: Scenario, cluster: string): { app: ScenarioApp; group: ScenarioGroup }[] {
  return scenario.apps.flatMap((app) => app.groups.filter((g) => g.cluster === cluster).map((group) => ({ app, group })));
}

export function seedCluster(ctx: SeedContext): void {
  const { store, scenario, cluster } = ctx;
  const now = Date.now();
  const born = iso(now - 30 * DAY);
  ctx.nodeNames.forEach((name, i) => store.create('nodes', nodeObject(name, i, cluster, ctx.nodeIp(name)), born));
  const namespaces = new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...scenario.namespaces,
    ...scenario.apps.map((a) => a.namespace),
  ]);
  for (const ns of namespaces) {
    store.create(
      'namespaces',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      born,
    );
  }
  let nodeCursor = 0;
  groupsIn(scenario, cluster.name).forEach(({ app, group }, gi) => {
    const registry = scenario.registries[cluster.datacenter]!;
    const name = group.deployment ?? `${app.name}-${group.group}`;
    const deployedAt = now - ((gi % 9) + 1) * DAY - gi * 3_600_000;
    const versions = [...group.history, group.version];
    const templates = versions.map((v) => template(app, group, name, `${registry}/${app.project}/${app.name}:${v}`));
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: app.namespace,
        labels: labelsOf(app, group, name),
        annotations: { 'deployment.kubernetes.io/revision': String(versions.length) },
      },
      spec: {
        replicas: Math.round(group.replicas * ctx.scale),
        selector: { matchLabels: { 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/instance': name } },
        template: templates[templates.length - 1],
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: group.maxSurge ?? '25%', maxUnavailable: group.maxUnavailable ?? '25%' },
        },
      },
    };
    if (group.minReadySeconds) d.spec.minReadySeconds = group.minReadySeconds;
    defaultDeployment(d);
    const dep = store.create('deployments', d, iso(deployedAt - versions.length * DAY)).obj;
    versions.forEach((_, i) => {
      const current = i === versions.length - 1;
      const replicas = current ? dep.spec.replicas : 0;
      const rs = replicaSet(dep, templates[i]!, i + 1, replicas);
      const created = store.create('replicasets', rs, iso(deployedAt - (versions.length - 1 - i) * DAY)).obj;
      if (!current) return;
      for (let p = 0; p < replicas; p++) {
        const node = ctx.nodeNames[nodeCursor++ % ctx.nodeNames.length]!;
        store.create('pods', runningPod(created, node, ctx, iso(deployedAt)), iso(deployedAt));
      }
    });
  });
}

function labelsOf(app: ScenarioApp, group: ScenarioGroup, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/instance': name, 'capstan.io/group': group.group };
}

function template(app: ScenarioApp, group: ScenarioGroup, name: string, image: string) {
  const probe = (path: string) => ({
    httpGet: { path, port: app.port, scheme: 'HTTP' },
    initialDelaySeconds: 10,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  const tpl = {
    metadata: { labels: labelsOf(app, group, name) },
    spec: {
      containers: [
        {
          name: app.name,
          image,
          ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
          env: [
            { name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=75' },
            { name: 'CAPSTAN_GROUP', value: group.group },
          ],
          resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: app.memoryLimit } },
          readinessProbe: probe('/actuator/health/readiness'),
          livenessProbe: probe('/actuator/health/liveness'),
        },
      ],
    } as { containers: Record<string, unknown>[]; [k: string]: unknown },
  };
  defaultPodSpec(tpl.spec);
  return tpl;
}

/** Seeded Deployments surge by a quarter of their replicas, as their 25% strategy does. */
function replicaSet(d: KubeObject, tpl: ReturnType<typeof template>, revision: number, replicas: number): KubeObject {
  return replicaSetFor(d, tpl, podTemplateHash(tpl as never), revision, replicas, Math.ceil(d.spec.replicas / 4));
}

function runningPod(rs: KubeObject, node: string, ctx: SeedContext, startedAt: string): KubeObject {
  const tpl = structuredClone(rs.spec.template);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: ctx.store.freeName('pods', rs.metadata.namespace, `${rs.metadata.name}-`),
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: tpl.metadata.labels,
      ownerReferences: [controllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: { ...tpl.spec, nodeName: node },
  };
  defaultPod(pod);
  const behaviour =
    ctx.scenario.apps.find((a) => a.name === rs.metadata.labels?.['app.kubernetes.io/name'])?.versions[
      String(tpl.spec.containers[0].image).split(':').pop()!
    ]?.behaviour ?? 'good';
  if (behaviour === 'unschedulable') {
    delete pod.spec.nodeName;
    return pod;
  }
  if (behaviour === 'crashloop' || behaviour === 'pull-error') return pod;
  const hostIP = ctx.nodeIp(node);
  const podIP = ctx.nextPodIp();
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: startedAt });
  pod.status = {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: startedAt,
    containerStatuses: pod.spec.containers.map((c: { name: string; image: string }) => ({
      name: c.name,
      image: c.image,
      imageID: imageId(c.image),
      containerID: newContainerId(),
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt } },
      lastState: {},
    })),
    qosClass: 'Burstable',
  };
  return pod;
}

function nodeObject(name: string, i: number, cluster: ScenarioCluster, ip: string): KubeObject {
  const zone = `${cluster.datacenter}-${String.fromCharCode(97 + (i % 3))}`;
  const resources = {
    cpu: cluster.nodeCpu,
    memory: cluster.nodeMemory,
    pods: '110',
    'ephemeral-storage': '104845292Ki',
    'hugepages-2Mi': '0',
  };
  const ready = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: iso(Date.now()),
    lastTransitionTime: iso(Date.now() - 30 * DAY),
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/region': cluster.datacenter,
        'topology.kubernetes.io/zone': zone,
        'node-role.kubernetes.io/worker': '',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`], providerID: `sandbox://${cluster.name}/${name}` },
    status: {
      capacity: resources,
      allocatable: { ...resources, cpu: cluster.nodeCpu },
      conditions: [
        ready('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        ready('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        ready('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: randomSuffix(32),
        systemUUID: crypto.randomUUID(),
        bootID: crypto.randomUUID(),
        kernelVersion: '6.8.0-45-generic',
        osImage: 'Ubuntu 24.04.1 LTS',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: KUBE_VERSION.gitVersion,
        kubeProxyVersion: KUBE_VERSION.gitVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
