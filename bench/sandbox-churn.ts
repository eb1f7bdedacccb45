import type { Datacenter } from '../src-sandbox/datacenter';

/**
 * Pod churn for the bench sandboxes: `start(N)` makes N pod changes per second spread over the
 * clusters (an annotation bump: MODIFIED events that change nothing a view shows), `stop()` calms.
 */
export function podChurn(dc: Datacenter): { start(perSecond: number): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let counter = 0;
  return {
    start(perSecond) {
      clearInterval(timer);
      const stores = dc.clusters.map((c) => dc.cluster(c.name).store);
      const names = stores.map((s) => [...s.values('pods')].map((p) => p.obj.metadata));
      const perTick = Math.max(1, Math.round(perSecond / 20));
      timer = setInterval(() => {
        for (let i = 0; i < perTick; i++) {
          const c = counter++ % stores.length;
          const list = names[c]!;
          const meta = list[(counter * 7919) % list.length]!;
          const current = stores[c]!.get('pods', meta.namespace, meta.name);
          if (!current) continue;
          const next = structuredClone(current.obj);
          next.metadata.annotations = { ...next.metadata.annotations, 'bench.capstan.io/tick': String(counter) };
          stores[c]!.update('pods', next);
        }
      }, 50);
    },
    stop: () => clearInterval(timer),
  };
}
