/**
 * The subscribers of a service that follows clusters (workloads, resources, events): each one
 * follows the clusters it asked for (all when it named none), holds what undoes each attachment,
 * and owns a batcher. Adding, unsubscribing, following kubeconfig changes and disposing are the
 * same for every such service; what attaching means (acquire, share a watch, queue a reset) and
 * what a subscriber is told when its cluster goes away are the service's own.
 */
export interface ClusterSubscriber {
  /** The clusters followed; undefined = every cluster. */
  readonly clusterIds: ReadonlySet<string> | undefined;
  /** Per attached cluster: what undoes the attachment (stop listening, release the cluster). */
  readonly attached: Map<string, () => void>;
  readonly batcher: { dispose(): void };
  closed: boolean;
}

/** How a subscriber is attached to a cluster. */
export interface AttachOptions {
  /**
   * The subscriber was already given this cluster's current state before it was added (e.g. the
   * last known board, sent before the clusters are connected): attach without queueing a reset.
   * Clusters attached later (a kubeconfig change, a retry) are never primed.
   */
  primed: boolean;
}

export interface ClusterSubscriberHooks<S extends ClusterSubscriber> {
  /** Attach `sub` to a cluster it wants and does not follow yet; undefined = not now (retried at the next sync). */
  attach(sub: S, clusterId: string, how: AttachOptions): (() => void) | undefined;
  /** After `sub` was detached from a cluster that went away (e.g. send it an empty reset). */
  gone(sub: S, clusterId: string): void;
}

const notPrimed: AttachOptions = { primed: false };

export class ClusterSubscribers<S extends ClusterSubscriber> implements Iterable<S> {
  private readonly subs = new Set<S>();

  constructor(private readonly hooks: ClusterSubscriberHooks<S>) {}

  [Symbol.iterator](): Iterator<S> {
    return this.subs[Symbol.iterator]();
  }

  /**
   * Adds `sub`, attaches it to each of `clusterIds` it wants; returns its unsubscribe (idempotent).
   * `primed`: the caller already queued these clusters' state for `sub` (see AttachOptions).
   */
  add(sub: S, clusterIds: Iterable<string>, opts: { primed?: boolean } = {}): () => void {
    this.subs.add(sub);
    const how = { primed: opts.primed ?? false };
    for (const id of clusterIds) this.attach(sub, id, how);
    return () => this.close(sub);
  }

  /** Whether `sub` follows this cluster (by its own choice, attached or not). */
  wants(sub: S, clusterId: string): boolean {
    return !sub.clusterIds || sub.clusterIds.has(clusterId);
  }

  /** The cluster list changed: attach every subscriber to new clusters, detach it from gone ones. */
  sync(clusterIds: ReadonlySet<string>): void {
    for (const sub of this.subs) {
      for (const id of clusterIds) this.attach(sub, id, notPrimed);
      for (const [id, detach] of sub.attached) {
        if (clusterIds.has(id)) continue;
        detach();
        sub.attached.delete(id);
        this.hooks.gone(sub, id);
      }
    }
  }

  dispose(): void {
    for (const sub of [...this.subs]) this.close(sub);
  }

  private attach(sub: S, clusterId: string, how: AttachOptions): void {
    if (!this.wants(sub, clusterId) || sub.attached.has(clusterId)) return;
    const detach = this.hooks.attach(sub, clusterId, how);
    if (detach) sub.attached.set(clusterId, detach);
  }

  private close(sub: S): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub);
    sub.batcher.dispose();
    for (const detach of sub.attached.values()) detach();
    sub.attached.clear();
  }
}
