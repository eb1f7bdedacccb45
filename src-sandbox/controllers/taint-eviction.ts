/**
 * NoExecute taints (the taint-eviction controller): when a node gets a NoExecute taint, its pods
 * that do not tolerate it are deleted at once; pods that tolerate it for `tolerationSeconds` are
 * deleted when that time (simulated) has passed, unless the taint is gone by then.
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import type { EventRecorder } from './event-recorder';
import { tolerates, type Taint, type Toleration } from './scheduling';
import { deleteGracefully } from './workload-base';

const SOURCE = { component: 'taint-eviction-controller' };

export class TaintEviction {
  private readonly timers: KeyedTimers;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    clock: SimClock,
  ) {
    this.timers = new KeyedTimers(clock);
  }

  stop(): void {
    this.timers.cancelAll();
  }

  /** A node's taints changed (or a pod landed on a tainted node): evict what must go. */
  nodeChanged(node: KubeObject): void {
    const taints = ((node.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
    if (!taints.length) return;
    for (const s of this.store.values('pods')) {
      if (s.obj.spec?.nodeName === node.metadata.name) this.podOnTaintedNode(s.obj, taints);
    }
  }

  /** A pod was bound to `node`. */
  podBound(pod: KubeObject, node: KubeObject): void {
    const taints = ((node.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
    if (taints.length) this.podOnTaintedNode(pod, taints);
  }

  private podOnTaintedNode(pod: KubeObject, taints: Taint[]): void {
    if (pod.metadata.deletionTimestamp) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
    let wait = Infinity;
    for (const taint of taints) {
      const matching = tolerations.filter((t) => tolerates([t], taint));
      if (!matching.length) {
        wait = 0;
        break;
      }
      // Tolerated for the shortest tolerationSeconds among the matching tolerations (none = forever).
      const seconds = Math.min(...matching.map((t) => t.tolerationSeconds ?? Infinity));
      wait = Math.min(wait, seconds <= 0 ? 0 : seconds * 1000);
    }
    if (wait === Infinity || this.timers.has(key)) return;
    const evict = () => {
      const current = this.store.get('pods', pod.metadata.namespace, pod.metadata.name)?.obj;
      const node = current && this.store.get('nodes', undefined, current.spec?.nodeName ?? '')?.obj;
      const still = ((node?.spec?.taints ?? []) as Taint[]).some((t) => t.effect === 'NoExecute' && taints.some((x) => x.key === t.key));
      if (!current || !still) return;
      this.events.normal(current, 'TaintManagerEviction', `Marking for deletion Pod ${key}`, SOURCE);
      deleteGracefully(this.store, current);
    };
    if (wait === 0) evict();
    else this.timers.set(key, wait, evict);
  }
}
