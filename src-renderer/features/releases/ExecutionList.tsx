import type { Owner } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import { openDegraded } from '../../../src-shared/releases/execution-schedule';
import { bakeLeft, needsMe } from '../../../src-shared/releases/execution-views';
import { formatElapsed } from '../../../src-shared/base/duration';
import { useNow } from '../../components/useNow';
import { isReadOnly, ownerShort, ownershipOf } from './ownership-model';

export const statusTone: Record<string, string> = {
  running: 'busy',
  baking: 'busy',
  degraded: 'bad',
  'awaiting-approval': 'warn',
  paused: 'warn',
  succeeded: 'ok',
  failed: 'bad',
  'rolled-back': 'warn',
  'rolling-back': 'busy',
  aborted: 'muted',
  pending: 'muted',
};
const order: Record<string, number> = {
  degraded: 0,
  'awaiting-approval': 1,
  paused: 2,
  failed: 3,
  running: 4,
  'rolling-back': 5,
  baking: 6,
  pending: 7,
};

/** What an execution is doing, in words: "waiting for approval of stage 2 (uat)", "baking stage 1, 4m left"... */
export function statusText(e: ExecutionState, now: number): string {
  const stage = `stage ${e.stageIndex + 1}/${e.stages.length} (${e.stages[e.stageIndex]?.name ?? '?'})`;
  const bad = openDegraded(e);
  if (bad.length) return `${bad.map((g) => g.key).join(', ')} degraded: next stage blocked`;
  const bake = bakeLeft(e, now);
  switch (e.status) {
    case 'awaiting-approval':
      return `waiting for approval of ${stage}`;
    case 'baking':
      return bake ? `baking stage ${bake.stage + 1} (${e.stages[bake.stage]?.name}), ${formatElapsed(bake.leftSec * 1000)} left` : 'baking';
    case 'running': {
      const wait = needsMe(e)[0];
      return wait ? `${stage}; waits on you: ${wait.message}` : `rolling ${stage}`;
    }
    case 'paused':
      return `paused at ${stage}`;
    default:
      return `${e.status} · ${stage}`;
  }
}

/** Every execution (waiting on a person first, then running, then finished) with state and progress. */
export function ExecutionList({
  executions,
  owners,
  selected,
  onSelect,
}: {
  executions: readonly ExecutionState[];
  owners?: Record<string, Owner>;
  selected: string;
  onSelect: (id: string) => void;
}) {
  const now = useNow();
  const sorted = [...executions].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || b.createdAt - a.createdAt);
  return (
    <ul className="rel-exec-list" aria-label="Releases" data-testid="exec-list">
      {sorted.map((e) => {
        const done = e.groups.filter((g) => g.phase === 'succeeded').length;
        const o = ownershipOf(e, owners?.[e.id]);
        return (
          <li key={e.id}>
            <button
              type="button"
              className={`rel-exec-list__item${e.id === selected ? ' is-active' : ''}`}
              onClick={() => onSelect(e.id)}
              aria-current={e.id === selected}
              data-testid="exec-list-item"
              data-id={e.id}
              data-status={e.status}
            >
              <span className="rel-exec-list__name">{e.planName}</span>
              <span className={`badge badge--${statusTone[e.status] ?? 'muted'}`}>{e.status}</span>
              <progress max={e.groups.length || 1} value={done} aria-label={`${done} of ${e.groups.length} groups done`} />
              <span className="muted rel-exec-list__text">{statusText(e, now)}</span>
              <span
                className={`rel-exec-list__owner ${isReadOnly(o) ? 'text-warn' : 'muted'}`}
                data-testid="exec-list-owner"
                data-kind={o.kind}
              >
                {ownerShort(o, now)}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
