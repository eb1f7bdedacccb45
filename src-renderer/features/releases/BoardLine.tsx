import { memo } from 'react';
import { formatElapsed } from '../../../src-shared/base/duration';
import { STALE_REASON, staleLabel } from '../../components/stale';
import type { CellLine, CellState } from './board-model';

const tone: Record<CellState, string> = {
  idle: 'muted',
  rolling: 'busy',
  paused: 'warn',
  waiting: 'warn',
  failed: 'bad',
  failing: 'bad',
  'rolled-back': 'warn',
  done: 'ok',
  baking: 'busy',
  degraded: 'bad',
  diverged: 'bad',
};

/** The badge's words: the line's label, a bake's time left. */
function badgeText(line: CellLine, now: number): string {
  if (line.state === 'baking' && line.bakeUntil) return `baking, ${formatElapsed(Math.max(0, line.bakeUntil - now))} left`;
  return line.label ?? line.state;
}

/** orders-pro-b in app orders → pro-b: the app is already the row. */
const shortName = (l: CellLine) => (l.name.startsWith(`${l.app}-`) ? l.name.slice(l.app.length + 1) : l.name);

/**
 * One Deployment of a cell. Memoised: the board index keeps a line's object while nothing on it
 * changes, so a pod change re-renders the one line it touches. `now` is 0 unless the line waits on
 * a person (only then does the clock matter to it).
 */
export const BoardLine = memo(function BoardLine({
  line,
  now,
  showName,
  onAct,
}: {
  line: CellLine;
  now: number;
  showName: boolean;
  onAct: (l: CellLine) => void;
}) {
  const facts =
    line.restarts || line.oomKilled || line.crashLooping || line.progress || line.waitingSince || line.paused || line.state === 'diverged';
  return (
    <div
      className={`rel-line rel-line--${line.state}${line.staleAsOf !== undefined ? ' rel-line--stale' : ''}`}
      data-testid="board-line"
      data-key={line.key}
      data-state={line.state}
      data-restarts={line.restarts}
      data-ready={line.ready}
      data-stale={line.staleAsOf !== undefined ? 'true' : undefined}
    >
      <div className="rel-line__head">
        <span className="rel-line__where" title={line.key}>
          {line.clusterId}
          {showName ? <span className="muted"> {shortName(line)}</span> : null}
        </span>
        <span className="rel-line__versions" data-testid="board-line-versions">
          {line.target ? (
            <b className="rel-target" title="target of the release in flight">
              → {line.target}
            </b>
          ) : null}
          {line.versions.map((v) => (
            <span
              key={v.tag}
              className={`rel-ver${line.target && v.tag === line.target ? ' rel-ver--target' : ''}`}
              title={`${v.pods} pod(s) run ${v.tag}`}
            >
              {v.tag}
              <i>×{v.pods}</i>
            </span>
          ))}
        </span>
        <span className={`rel-line__ready${line.ready < line.total ? ' text-warn' : ''}`} title="ready / desired">
          {line.ready}/{line.total}
        </span>
        <span
          className="rel-line__state"
          data-testid="board-line-state"
          title={line.state === 'idle' ? 'idle: nothing in flight' : undefined}
        >
          {line.state === 'idle' ? null : (
            <span className={`badge badge--${tone[line.state]}`} title={line.label ?? line.why}>
              {/* What it is, short; the facts below say why (OOMKilled n, diverged: running X...). */}
              {line.state === 'diverged' || line.state === 'degraded' ? line.state : badgeText(line, now)}
            </span>
          )}
        </span>
        {line.staleAsOf !== undefined ? (
          <span
            className="rel-line__stale text-warn"
            role="img"
            aria-label={staleLabel(line.staleAsOf)}
            title={`${staleLabel(line.staleAsOf)}. ${STALE_REASON}`}
            data-testid="board-line-stale"
          >
            ◷
          </span>
        ) : null}
        <button
          type="button"
          className="btn btn--ghost rel-line__act"
          onClick={() => onAct(line)}
          disabled={line.staleAsOf !== undefined}
          title={line.staleAsOf !== undefined ? STALE_REASON : undefined}
          aria-label={`Actions for ${line.key}`}
          data-testid="board-line-actions"
        >
          ⋯
        </button>
      </div>
      {facts ? (
        <div className="rel-line__facts">
          {line.restarts ? <span title="container restarts">↻{line.restarts}</span> : null}
          {line.oomKilled ? <span className="text-bad">OOMKilled {line.oomKilled}</span> : null}
          {line.crashLooping ? <span className="text-bad">CrashLoop {line.crashLooping}</span> : null}
          {line.paused ? <span className="text-warn">Deployment paused</span> : null}
          {line.progress ? <span data-testid="board-line-progress">{line.progress}</span> : null}
          {line.state === 'diverged' && line.label ? (
            <span className="text-bad" data-testid="board-line-diverged">
              {line.label}
            </span>
          ) : null}
          {line.waitingSince ? (
            <span className="text-warn" title={line.why} data-testid="board-line-waiting">
              waits on you (for {formatElapsed(now - line.waitingSince)})
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
});
