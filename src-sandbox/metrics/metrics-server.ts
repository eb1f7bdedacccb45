/**
 * Routes the metrics endpoints of one sandbox cluster: metrics.k8s.io (plus its entry in /apis, so
 * `kubectl top` finds it) and the node proxy's /stats/summary. A test switches faults through
 * `metricsControl(store)`: metrics-server absent (404, group gone from discovery) or unavailable
 * (503, as an APIService whose backend is down), node proxy forbidden (403), a slow kubelet, node
 * clock skew.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../kube/store';
import { groupList } from '../server/discovery';
import { ApiError, sendError, sendJson, sendStatus } from '../server/status';
import { kubeletSummary } from './kubelet-summary';
import { METRICS_GV, metricsGroup, metricsResourceList, metricsResponse } from './metrics-api';
import type { UsageContext } from './pod-usage';

export interface MetricsControl {
  metricsServer: 'ok' | 'absent' | 'unavailable';
  nodeProxy: 'ok' | 'forbidden';
  /** Real ms the kubelet takes to answer /stats/summary (a slow or hung node). */
  kubeletDelayMs: number;
  /** Nodes the delay applies to; empty = every node. */
  slowNodes: string[];
  /** Per node: ms its clock is ahead (+) or behind (−). */
  nodeSkewMs: Record<string, number>;
}

const controls = new WeakMap<ObjectStore, MetricsControl>();

/** The fault switches of the cluster owning `store` (from `datacenter.cluster(name).store`). */
export function metricsControl(store: ObjectStore): MetricsControl {
  let c = controls.get(store);
  if (!c) {
    c = { metricsServer: 'ok', nodeProxy: 'ok', kubeletDelayMs: 0, slowNodes: [], nodeSkewMs: {} };
    controls.set(store, c);
  }
  return c;
}

const NOT_FOUND = 'the server could not find the requested resource';

export class MetricsServer {
  readonly control: MetricsControl;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ObjectStore,
    private readonly ctx: UsageContext,
    private readonly now: () => number = Date.now,
  ) {
    this.control = metricsControl(store);
  }

  /** True when the request was a metrics path and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): boolean {
    const present = this.control.metricsServer !== 'absent';
    if (path === '/apis') {
      const doc = groupList() as { groups: unknown[] };
      sendJson(res, 200, present ? { ...doc, groups: [...doc.groups, metricsGroup] } : doc);
      return true;
    }
    const summary = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(path);
    if (summary) {
      this.summary(req, res, decodeURIComponent(summary[1]!));
      return true;
    }
    if (path !== '/apis/metrics.k8s.io' && !path.startsWith('/apis/metrics.k8s.io/')) return false;
    if (!present) sendStatus(res, 404, 'NotFound', NOT_FOUND);
    else if (this.control.metricsServer === 'unavailable')
      sendStatus(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    else if ((req.method ?? 'GET') !== 'GET')
      sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    else if (path === '/apis/metrics.k8s.io') sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...metricsGroup });
    else if (path === `/apis/${METRICS_GV}`) sendJson(res, 200, metricsResourceList());
    else if (path.startsWith(`/apis/${METRICS_GV}/`)) {
      const rest = path.slice(`/apis/${METRICS_GV}/`.length).split('/').map(decodeURIComponent);
      try {
        sendJson(res, 200, metricsResponse(this.store, rest, params, this.now(), this.ctx));
      } catch (e) {
        if (e instanceof ApiError) sendError(res, e);
        else throw e;
      }
    } else sendStatus(res, 404, 'NotFound', NOT_FOUND);
    return true;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private summary(req: IncomingMessage, res: ServerResponse, node: string): void {
    if (this.control.nodeProxy === 'forbidden') {
      sendStatus(
        res,
        403,
        'Forbidden',
        `nodes "${node}" is forbidden: User "system:serviceaccount:sandbox:capstan" cannot get resource "nodes/proxy" in API group "" at the cluster scope`,
      );
      return;
    }
    if (!this.store.get('nodes', undefined, node)) {
      sendStatus(res, 404, 'NotFound', `nodes "${node}" not found`);
      return;
    }
    const answer = () => {
      if (!res.destroyed) sendJson(res, 200, kubeletSummary(this.store, node, this.now(), this.ctx, this.control.nodeSkewMs[node] ?? 0));
    };
    const { slowNodes } = this.control;
    const delay = slowNodes.length === 0 || slowNodes.includes(node) ? this.control.kubeletDelayMs : 0;
    if (delay <= 0) return answer();
    const t = setTimeout(() => {
      this.timers.delete(t);
      answer();
    }, delay);
    this.timers.add(t);
    // A client that gives up (timeout) closes the response: no answer to write any more.
    res.on('close', () => {
      clearTimeout(t);
      this.timers.delete(t);
    });
  }
}
