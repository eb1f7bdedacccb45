/**
 * YAML manifests the contract tests apply with kubectl: workloads of one container labelled
 * app=<name>. `podSpec` adds YAML flow-map members to the pod spec (`tolerations: […], `).
 */
export interface WorkloadOptions {
  ns: string;
  name: string;
  image: string;
  replicas?: number;
  podSpec?: string;
  ports?: string;
}

const podTemplate = (o: WorkloadOptions) => `  selector: {matchLabels: {app: ${o.name}}}
  template:
    metadata: {labels: {app: ${o.name}}}
    spec: {${o.podSpec ?? ''}containers: [{name: ${o.name}, image: ${o.image}${o.ports ? `, ports: ${o.ports}` : ''}}]}
---
`;

export const deploymentYaml = (o: WorkloadOptions) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${o.name}, namespace: ${o.ns}}
spec:
  replicas: ${o.replicas ?? 1}
${podTemplate(o)}`;

export const statefulSetYaml = (o: WorkloadOptions) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${o.name}, namespace: ${o.ns}}
spec:
  replicas: ${o.replicas ?? 1}
  serviceName: ${o.name}
${podTemplate(o)}`;

export const daemonSetYaml = (o: WorkloadOptions) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${o.name}, namespace: ${o.ns}}
spec:
${podTemplate(o)}`;
