import type { TaskSummary } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { useRequest } from '../../components/useRequest';

/** One replication task's log, read from Harbor when opened (each opening reads it again). */
export function TaskLog({ task, onClose }: { task: TaskSummary; onClose: () => void }) {
  const client = useClient();
  const log = useRequest(
    () => client['images.task.log']({ registryId: task.registryId, executionId: task.executionId, taskId: task.id }),
    [client, task],
  );
  return (
    <div className="img-log" data-testid="images-task-log">
      <div className="img-log__head">
        Task #{task.id} of execution #{task.executionId} ({task.registryId}){log.data?.truncated ? ' · truncated' : ''}
        <button type="button" className="btn btn--ghost" onClick={onClose} aria-label="Close task log">
          ✕
        </button>
      </div>
      {log.error ? (
        <ErrorBanner error={log.error} title="Could not read the task log." />
      ) : log.data === undefined ? (
        <Spinner size="xs" label="Reading the log…" />
      ) : (
        <pre className="img-log__text">{log.data.text || '(empty log)'}</pre>
      )}
    </div>
  );
}
