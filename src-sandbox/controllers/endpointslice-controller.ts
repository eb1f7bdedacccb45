/**
 * EndpointSlices from Services' selectors and the pods they select, as the endpointslice
 * controller keeps them: one IPv4 slice per selector Service (`<service>-<hash>`), an endpoint per
 * pod with an IP (ready = pod Ready and not terminating; terminating pods stay listed as
 * terminating), ports resolved from the Service's targetPort (numbers, or container port names).
 * The core/v1 Endpoints of each selector Service follow from its slice. Work is per namespace and
 * only where a selector Service exists, so pod churn elsewhere costs nothing.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../kube/store';
import { isPodReady } from '../kube/pods';
import { controllerRef } from '../kube/owner-ref';
import { labelSelectorMatcher } from '../kube/selectors';
import type { KubeObject } from '../kube/types';
import type { SimClock } from '../clock';
import { WorkQueue } from './work-queue';

const MANAGED_BY = 'endpointslice-controller.k8s.io';
const ENDPOINTS_MANAGED_BY = 'endpoint-controller';

export class EndpointSliceController {
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    onError: (key: string, e: unknown) => void,
  ) {
    this.queue = new WorkQueue((ns) => this.reconcileNamespace(ns), onError);
    this.unsubscribe = store.subscribe((e) => {
      const ns = e.object.obj.metadata.namespace;
      if (!ns) return;
      if (e.resource === 'services') this.queue.add(ns);
      else if (e.resource === 'pods' && this.hasSelectorService(ns)) this.queue.add(ns);
    });
    for (const s of store.values('services')) this.queue.add(s.obj.metadata.namespace!);
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private hasSelectorService(ns: string): boolean {
    for (const [, s] of this.store.list('services', ns)) if (s.obj.spec?.selector) return true;
    return false;
  }

  private reconcileNamespace(ns: string): void {
    const services = [...this.store.list('services', ns)]
      .map(([, s]) => s.obj)
      .filter((s) => s.spec?.selector && s.spec.type !== 'ExternalName');
    const wanted = new Map<string, KubeObject>();
    if (services.length) {
      const pods = [...this.store.list('pods', ns)].map(([, s]) => s.obj);
      for (const svc of services) {
        const slice = this.sliceFor(svc, pods);
        wanted.set(slice.metadata.name, slice);
      }
    }
    for (const [, s] of this.store.list('endpointslices', ns)) {
      if (s.obj.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== MANAGED_BY) continue;
      const want = wanted.get(s.obj.metadata.name);
      if (!want) this.store.delete('endpointslices', ns, s.obj.metadata.name);
      else {
        wanted.delete(s.obj.metadata.name);
        if (JSON.stringify([want.endpoints, want.ports]) !== JSON.stringify([s.obj.endpoints, s.obj.ports])) {
          const next = JSON.parse(s.json) as KubeObject;
          next.endpoints = want.endpoints;
          next.ports = want.ports;
          this.store.update('endpointslices', next);
        }
      }
    }
    for (const slice of wanted.values()) this.store.create('endpointslices', slice, this.clock.nowIso());
    this.syncEndpoints(ns, services);
  }

  /** core/v1 Endpoints beside the slices (the endpoints controller): what `kubectl get ep` shows. */
  private syncEndpoints(ns: string, services: KubeObject[]): void {
    const want = new Map(services.map((svc) => [svc.metadata.name, svc]));
    for (const [, s] of this.store.list('endpoints', ns)) {
      if (s.obj.metadata.labels?.['endpoints.kubernetes.io/managed-by'] === ENDPOINTS_MANAGED_BY && !want.has(s.obj.metadata.name))
        this.store.delete('endpoints', ns, s.obj.metadata.name);
    }
    for (const svc of want.values()) {
      const slice = [...this.store.list('endpointslices', ns)]
        .map(([, x]) => x.obj)
        .find(
          (x) =>
            x.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name &&
            x.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY,
        );
      const eps = (
        (slice?.endpoints ?? []) as {
          addresses: string[];
          conditions: { ready: boolean; terminating: boolean };
          nodeName?: string;
          targetRef?: unknown;
        }[]
      ).filter((e) => !e.conditions.terminating);
      const addr = (e: (typeof eps)[number]) => ({
        ip: e.addresses[0],
        ...(e.nodeName ? { nodeName: e.nodeName } : {}),
        ...(e.targetRef ? { targetRef: e.targetRef } : {}),
      });
      const ready = eps.filter((e) => e.conditions.ready).map(addr);
      const notReady = eps.filter((e) => !e.conditions.ready).map(addr);
      const ports = ((slice?.ports ?? []) as { name?: string; port: number | null; protocol: string }[])
        .filter((p) => p.port !== null)
        .map((p) => (p.name ? p : { port: p.port, protocol: p.protocol }));
      const subsets =
        ready.length || notReady.length
          ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }]
          : undefined;
      const current = this.store.clone('endpoints', ns, svc.metadata.name);
      if (current) {
        if (JSON.stringify(current.subsets) === JSON.stringify(subsets)) continue;
        current.subsets = subsets;
        if (!subsets) delete current.subsets;
        this.store.update('endpoints', current);
        continue;
      }
      const obj: KubeObject = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: {
          name: svc.metadata.name,
          namespace: ns,
          labels: { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': ENDPOINTS_MANAGED_BY },
        },
      };
      if (subsets) obj.subsets = subsets;
      this.store.create('endpoints', obj, this.clock.nowIso());
    }
  }

  private sliceFor(svc: KubeObject, pods: KubeObject[]): KubeObject {
    const match = labelSelectorMatcher({ matchLabels: svc.spec.selector });
    const selected = pods.filter(
      (p) => match(p.metadata.labels) && p.status?.podIP && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    const endpoints = selected.map((p) => {
      const terminating = Boolean(p.metadata.deletionTimestamp);
      const ready = isPodReady(p);
      const ep: Record<string, unknown> = {
        addresses: [p.status.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
      };
      if (p.spec?.nodeName) ep.nodeName = p.spec.nodeName;
      return ep;
    });
    const ports = ((svc.spec.ports ?? []) as { name?: string; port: number; protocol?: string; targetPort?: number | string }[]).map(
      (sp) => {
        const port: Record<string, unknown> = {
          name: sp.name ?? '',
          port: resolveTargetPort(sp.targetPort ?? sp.port, selected),
          protocol: sp.protocol ?? 'TCP',
        };
        return port;
      },
    );
    const hash = createHash('sha256')
      .update(svc.metadata.uid ?? svc.metadata.name)
      .digest('hex')
      .slice(0, 5);
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${svc.metadata.name}-${hash}`,
        namespace: svc.metadata.namespace,
        generateName: `${svc.metadata.name}-`,
        labels: {
          ...(svc.metadata.labels ?? {}),
          'kubernetes.io/service-name': svc.metadata.name,
          'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
        },
        ownerReferences: [controllerRef(svc, 'v1', 'Service')],
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    };
  }
}

/** A numeric targetPort as is; a named one from the first selected pod that declares it. */
function resolveTargetPort(target: number | string, pods: KubeObject[]): number | null {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const p of pods) {
    for (const c of (p.spec?.containers ?? []) as { ports?: { name?: string; containerPort: number }[] }[]) {
      const hit = c.ports?.find((x) => x.name === target);
      if (hit) return hit.containerPort;
    }
  }
  return null;
}
