/**
 * What the app does to Harbor replication on the user's word: read a task's log, start a policy's
 * execution, stop one (Harbor may ignore it: the answer says the status after), retry the failed
 * tasks of one (a new execution of its policy). Each action is logged and marks the matrix for a
 * refresh.
 */
import { ok, type Result } from '../../src-shared/result';
import type { HarborClient } from './harbor-client';
import { strip } from './registry-clients';

export interface ReplicationDeps {
  /** The Harbor client of a registry, or why there is none (unknown, or plain OCI). */
  harbor: (registryId: string) => Result<HarborClient>;
  /** Something changed in a registry: the next matrix read refreshes. */
  changed: () => void;
  log?: (line: string) => void;
}

export class ReplicationActions {
  constructor(private readonly deps: ReplicationDeps) {}

  async getTaskLog(registryId: string, executionId: number, taskId: number): Promise<Result<{ text: string; truncated: boolean }>> {
    const c = this.deps.harbor(registryId);
    if (!c.ok) return c;
    const r = await c.value.getTaskLog(executionId, taskId);
    return r.ok ? r : { ok: false, error: strip(r.error) };
  }

  async startExecution(registryId: string, policyId: number): Promise<Result<{ executionId?: number }>> {
    const c = this.deps.harbor(registryId);
    if (!c.ok) return c;
    const r = await c.value.startExecution(policyId);
    this.deps.log?.(
      `images: ${registryId}: start execution of policy ${policyId}: ${r.ok ? `execution ${r.value.executionId ?? '?'}` : r.error.code}`,
    );
    this.deps.changed();
    return r.ok ? r : { ok: false, error: strip(r.error) };
  }

  /** Stop; Harbor may ignore the request (stuck executions): the answer says the status now. */
  async stopExecution(registryId: string, executionId: number): Promise<Result<{ status: string; stopped: boolean }>> {
    const c = this.deps.harbor(registryId);
    if (!c.ok) return c;
    const r = await c.value.stopExecution(executionId);
    if (!r.ok) return { ok: false, error: strip(r.error) };
    const e = await c.value.getExecution(executionId);
    this.deps.changed();
    if (!e.ok) return { ok: false, error: strip(e.error) };
    this.deps.log?.(`images: ${registryId}: stop execution ${executionId}: now ${e.value.status}`);
    return ok({ status: e.value.status, stopped: e.value.status !== 'InProgress' });
  }

  /** Retry failed tasks: a new execution of the same policy. */
  async retryExecution(registryId: string, executionId: number): Promise<Result<{ executionId?: number }>> {
    const c = this.deps.harbor(registryId);
    if (!c.ok) return c;
    const e = await c.value.getExecution(executionId);
    if (!e.ok) return { ok: false, error: strip(e.error) };
    return this.startExecution(registryId, e.value.policy_id);
  }
}
