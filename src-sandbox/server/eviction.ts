/**
 * pods/{name}/eviction (policy/v1 Eviction): a graceful delete that first asks the pod's
 * PodDisruptionBudget, as the apiserver's eviction REST does. 429 TooManyRequests with a
 * DisruptionBudget cause when the budget allows no disruption (kubectl drain retries on it);
 * 500 when more than one budget selects the pod.
 */
import { budgetStatus, budgetsOfPod } from '../kube/disruption';
import { isPodReady } from '../kube/pods';
import { RESOURCES } from '../kube/resources';
import type { ObjectStore } from '../kube/store';
import { notFound } from '../kube/store';
import { ApiError, successStatus } from './status';
import type { WriteHandlers } from './writes';

interface EvictionBody {
  deleteOptions?: { gracePeriodSeconds?: number };
}

/** `eviction` is the decoded request body, when there is one (JSON, or protobuf decoded upstream). */
export function evictPod(
  store: ObjectStore,
  writes: WriteHandlers,
  namespace: string,
  name: string,
  eviction: unknown,
): Record<string, unknown> {
  const pod = store.get('pods', namespace, name)?.obj;
  if (!pod) throw notFound('pods', name);
  const grace = (eviction as EvictionBody | undefined)?.deleteOptions?.gracePeriodSeconds;
  const done = () => {
    writes.delete(RESOURCES.pods, namespace, name, { dryRun: false, fieldValidation: 'Ignore', gracePeriodSeconds: grace });
    return { ...successStatus(), code: 201 };
  };
  // Terminating or finished pods disrupt nothing; the budget is not consulted.
  if (
    pod.metadata.deletionTimestamp ||
    pod.status?.phase === 'Succeeded' ||
    pod.status?.phase === 'Failed' ||
    pod.status?.phase === 'Pending'
  )
    return done();
  const budgets = budgetsOfPod(store, pod);
  if (budgets.length > 1) {
    throw new ApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  }
  const pdb = budgets[0];
  if (!pdb) return done();
  const status = budgetStatus(store, pdb);
  // unhealthyPodEvictionPolicy IfHealthyBudget (the default): an unready pod may go while the budget is met.
  const allowed = isPodReady(pod) ? status.disruptionsAllowed > 0 : status.currentHealthy >= status.desiredHealthy;
  if (!allowed) {
    throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
        },
      ],
    });
  }
  return done();
}
