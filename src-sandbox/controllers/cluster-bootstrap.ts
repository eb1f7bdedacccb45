/**
 * What every real cluster has without anyone creating it: the `kubernetes` Service in default
 * (10.96.0.1:443), the `kube-dns` Service in kube-system (labelled for
 * `kubectl cluster-info`), and in every namespace the `default` ServiceAccount and the
 * `kube-root-ca.crt` ConfigMap (what the serviceaccount and root-ca-cert-publisher controllers make).
 */
import type { SimClock } from '../clock';
import { KUBERNETES_SERVICE_IP, createWithDefaults } from '../kube/kind-defaults';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';

export class ClusterBootstrap {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly caPem: string,
  ) {
    this.unsubscribe = store.subscribe((e) => {
      if (e.resource === 'namespaces' && e.type === 'ADDED') this.namespaceAdded(e.object.obj.metadata.name);
    });
    for (const s of store.values('namespaces')) this.namespaceAdded(s.obj.metadata.name);
    this.ensure('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    });
    this.ensure('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    });
    // The `kubernetes` Service's EndpointSlice is kube-apiserver's own (its advertise address and
    // secure port, 6443 on kubeadm clusters), not the slice controller's.
    this.ensure('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: {
          'kubernetes.io/service-name': 'kubernetes',
          'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
        },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    this.ensure('endpoints', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private namespaceAdded(ns: string): void {
    this.ensure('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
    this.ensure('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: ns,
        annotations: {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      },
      data: { 'ca.crt': this.caPem },
    });
  }

  private ensure(resource: 'services' | 'serviceaccounts' | 'configmaps' | 'endpointslices' | 'endpoints', obj: KubeObject): void {
    if (this.store.get(resource, obj.metadata.namespace, obj.metadata.name)) return;
    createWithDefaults(this.store, resource, obj, this.clock.nowIso());
  }
}
