/**
 * What the replication detail panel can do to Harbor (start a policy, stop or retry an execution):
 * the confirmation each action asks for, and running the confirmed one with its outcome in words.
 */
import { useState } from 'react';
import type { ExecutionSummary, PolicySummary } from '../../../src-shared/images/contract';
import { ok, type Result } from '../../../src-shared/result';
import type { AppClient } from '../../../src-shared/contract';
import { useClient } from '../../components/ClientContext';
import { useAction } from '../../components/useAction';
import type { CellRef } from './images-slice';
import { useRefreshBurst } from './useImagesActions';

export type Action =
  { kind: 'start'; policy: PolicySummary } | { kind: 'stop'; execution: ExecutionSummary } | { kind: 'retry'; execution: ExecutionSummary };

export function actionText(a: Action, ref: CellRef): { title: string; body: string; label: string; danger?: boolean } {
  switch (a.kind) {
    case 'start':
      return {
        title: `Start replication policy "${a.policy.name}"?`,
        body: `Harbor ${a.policy.registryId} starts a manual execution of "${a.policy.name}", copying every image its filter matches into ${a.policy.destRegion} (not only ${ref.repository}:${ref.tag}). Images already there with the same digest are copied again.`,
        label: 'Start execution',
      };
    case 'stop':
      return {
        title: `Stop execution #${a.execution.id}?`,
        body: `Pending and running tasks of execution #${a.execution.id} on ${a.execution.registryId} are stopped; images already copied stay. A stuck execution may ignore the first stop (a known Harbor behaviour): Capstan reports the status Harbor gives back, and you can stop again.`,
        label: 'Stop execution',
        danger: true,
      };
    case 'retry':
      return {
        title: `Retry the failed tasks of execution #${a.execution.id}?`,
        body: `Harbor has no per-task retry: this starts a new execution of policy ${a.execution.policyName ?? `#${a.execution.policyId}`} on ${a.execution.registryId}, which copies every image of its filter again.`,
        label: 'Start new execution',
      };
  }
}

export interface ActionMessage {
  tone: 'ok' | 'bad' | 'warn';
  text: string;
}

/** Runs one confirmed action against Harbor; its outcome in words when Harbor answered. */
async function perform(client: AppClient, a: Action): Promise<Result<ActionMessage>> {
  if (a.kind === 'start') {
    const r = await client['images.execution.start']({ registryId: a.policy.registryId, policyId: a.policy.id });
    if (!r.ok) return r;
    const id = r.value.executionId !== undefined ? `#${r.value.executionId} ` : '';
    return ok({ tone: 'ok', text: `Execution ${id}started on ${a.policy.registryId}.` });
  }
  if (a.kind === 'stop') {
    const r = await client['images.execution.stop']({ registryId: a.execution.registryId, executionId: a.execution.id });
    if (!r.ok) return r;
    return ok(
      r.value.stopped
        ? { tone: 'ok', text: `Execution #${a.execution.id} is ${r.value.status} now.` }
        : {
            tone: 'warn',
            text: `Harbor accepted the stop but execution #${a.execution.id} is still ${r.value.status} (stuck executions often ignore the first stop). Stop it again.`,
          },
    );
  }
  const r = await client['images.execution.retry']({ registryId: a.execution.registryId, executionId: a.execution.id });
  if (!r.ok) return r;
  const id = r.value.executionId !== undefined ? `#${r.value.executionId} ` : '';
  return ok({ tone: 'ok', text: `New execution ${id}started for the failed tasks.` });
}

/** The pending (asked, not yet confirmed) action, and running it; `reload` re-reads the panel after. */
export function useCellActions(reload: () => void) {
  const client = useClient();
  const refreshBurst = useRefreshBurst();
  const [pending, setPending] = useState<Action | null>(null);
  const [message, setMessage] = useState<ActionMessage | null>(null);
  const action = useAction((a: Action) => perform(client, a));

  const run = async (a: Action) => {
    const r = await action.run(a);
    setMessage(r.ok ? r.value : { tone: 'bad', text: r.error.message });
    setPending(null);
    reload();
    refreshBurst();
  };

  return { pending, setPending, busy: action.busy, message, run };
}
