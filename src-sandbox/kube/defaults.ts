/**
 * Defaulting as the apiserver does for the fields kubectl and our app read back, so a Deployment
 * created by `kubectl create deployment` looks like one created on a real cluster.
 */
import type { KubeObject } from './types';

type Obj = Record<string, unknown>;

export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of (spec.containers as Obj[] | undefined) ?? []) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= String(c.image ?? '').endsWith(':latest') || !String(c.image ?? '').includes(':') ? 'Always' : 'IfNotPresent';
    c.resources ??= {};
    for (const p of (c.ports as Obj[] | undefined) ?? []) p.protocol ??= 'TCP';
  }
}

export function defaultDeployment(d: KubeObject): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  // `strategy: {}` (kubectl create deployment, protobuf bodies) defaults like an absent one.
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.spec ??= { containers: [] };
  defaultPodSpec(spec.template.spec);
  d.status ??= {};
}

export function defaultReplicaSet(rs: KubeObject): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
  rs.status ??= { replicas: 0 };
}

export function defaultPod(pod: KubeObject): void {
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  pod.spec.enableServiceLinks ??= true;
  pod.spec.preemptionPolicy ??= 'PreemptLowerPriority';
  pod.spec.priority ??= 0;
  pod.spec.serviceAccountName ??= 'default';
  pod.spec.serviceAccount ??= pod.spec.serviceAccountName;
  pod.spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  pod.status ??= { phase: 'Pending' };
  pod.status.qosClass ??= qosClass(pod.spec.containers ?? []);
}

/** Guaranteed when every container's requests equal its cpu+memory limits, BestEffort with none. */
export function qosClass(containers: Obj[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
  const res = containers.map((c) => (c.resources ?? {}) as Res);
  if (res.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length)) return 'BestEffort';
  const guaranteed = res.every((r) => ['cpu', 'memory'].every((k) => r.limits?.[k] && (r.requests?.[k] ?? r.limits[k]) === r.limits[k]));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** 422 messages for what the apiserver would reject in a Deployment. */
export function validateDeployment(d: KubeObject): string[] {
  const errs: string[] = [];
  const spec = d.spec ?? {};
  if (typeof spec.replicas === 'number' && spec.replicas < 0)
    errs.push(`spec.replicas: Invalid value: ${spec.replicas}: must be greater than or equal to 0`);
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) errs.push('spec.template.spec.containers: Required value');
  else
    containers.forEach((c: Obj, i: number) => {
      if (!c.name) errs.push(`spec.template.spec.containers[${i}].name: Required value`);
      if (!c.image) errs.push(`spec.template.spec.containers[${i}].image: Required value`);
    });
  const match = spec.selector?.matchLabels as Record<string, string> | undefined;
  if (!spec.selector) errs.push('spec.selector: Required value');
  const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
  if (match && Object.entries(match).some(([k, v]) => labels[k] !== v)) {
    errs.push('spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
  }
  return errs;
}
