/**
 * PodDisruptionBudget status (the disruption controller): currentHealthy, desiredHealthy,
 * expectedPods, disruptionsAllowed and the DisruptionAllowed condition, recomputed when a
 * budget or a pod in its namespace changes. Namespaces without budgets cost nothing.
 */
import type { SimClock } from '../clock';
import { budgetStatus } from '../kube/disruption';
import type { ObjectStore } from '../kube/store';
import type { Condition } from '../kube/types';
import { writeStatus } from './workload-base';

export class DisruptionController {
  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
  ) {}

  /** Whether a pod change in `ns` concerns any budget. */
  watches(ns: string): boolean {
    for (const _ of this.store.list('poddisruptionbudgets', ns)) return true;
    return false;
  }

  reconcileNamespace(ns: string): void {
    for (const [, s] of this.store.list('poddisruptionbudgets', ns)) {
      const pdb = s.obj;
      const st = budgetStatus(this.store, pdb);
      const allowed = st.disruptionsAllowed > 0;
      const old = ((pdb.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'DisruptionAllowed');
      const status = old?.status === (allowed ? 'True' : 'False') ? old.status : undefined;
      const condition: Condition = {
        type: 'DisruptionAllowed',
        status: allowed ? 'True' : 'False',
        reason: allowed ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        lastTransitionTime: status ? old!.lastTransitionTime : this.clock.nowIso(),
      };
      writeStatus(this.store, 'poddisruptionbudgets', pdb, {
        ...st,
        observedGeneration: pdb.metadata.generation ?? 1,
        conditions: [condition],
      });
    }
  }
}
