import { useDeferredValue, useMemo, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { formatDuration } from '../../components/freshness';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import { buildBoard, type CellLine, type CellState } from './board-model';
import { RowActionDialog } from './RowActionDialog';

const tone: Record<CellState, string> = { idle: 'muted', rolling: 'busy', paused: 'warn', waiting: 'warn', failed: 'bad', 'rolled-back': 'warn', done: 'ok' };
const states: CellState[] = ['idle', 'rolling', 'paused', 'waiting', 'failed', 'rolled-back', 'done'];

function Line({ line, now, showName, onAct }: { line: CellLine; now: number; showName: boolean; onAct: (l: CellLine) => void }) {
  const facts = line.restarts || line.oomKilled || line.crashLooping || line.progress || line.waitingSince || line.paused;
  return (
    <div className={`rel-line rel-line--${line.state}`} data-testid="board-line" data-key={line.key} data-state={line.state}>
      <div className="rel-line__head">
        <span className="rel-line__where" title={line.key}>
          {line.clusterId}
          {showName ? <span className="muted"> {shortName(line)}</span> : null}
        </span>
        <span className="rel-line__versions" data-testid="board-line-versions">
          {line.target ? <b className="rel-target" title="target of the release in flight">→ {line.target}</b> : null}
          {line.versions.map((v) => (
            <span key={v.tag} className={`rel-ver${line.target && v.tag === line.target ? ' rel-ver--target' : ''}`} title={`${v.pods} pod(s) run ${v.tag}`}>
              {v.tag}
              <i>×{v.pods}</i>
            </span>
          ))}
        </span>
        <span className={`rel-line__ready${line.ready < line.total ? ' text-warn' : ''}`} title="ready / desired">
          {line.ready}/{line.total}
        </span>
        <span className={`badge badge--${tone[line.state]}`} data-testid="board-line-state">
          {line.state}
        </span>
        <button type="button" className="btn btn--ghost rel-line__act" onClick={() => onAct(line)} aria-label={`Actions for ${line.key}`} data-testid="board-line-actions">
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
          {line.waitingSince ? (
            <span className="text-warn" title={line.why} data-testid="board-line-waiting">
              waits on you {formatDuration(now - line.waitingSince)}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** orders-pro-b in app orders → pro-b: the app is already the row. */
const shortName = (l: CellLine) => (l.name.startsWith(`${l.app}-`) ? l.name.slice(l.app.length + 1) : l.name);

/** Several Deployments of one group in one cluster (orders-pro, orders-pro-b): name them. */
const crowded = (lines: CellLine[]) => lines.length !== new Set(lines.map((l) => l.clusterId)).size;

export function BoardView({ onPlan }: { onPlan: (app: string) => void }) {
  const deployments = useDeferredValue(useAppStore((s) => s.deployments));
  const pods = useDeferredValue(useAppStore((s) => s.pods));
  const executions = useAppStore((s) => s.releases?.executions);
  const clusters = useAppStore((s) => s.clusters);
  const now = useNow();
  const [app, setApp] = useState('');
  const [env, setEnv] = useState('');
  const [dc, setDc] = useState('');
  const [state, setState] = useState('');
  const [acting, setActing] = useState<CellLine | null>(null);
  const board = useMemo(() => buildBoard(deployments, pods, executions ?? []), [deployments, pods, executions]);
  const dcOf = useMemo(() => new Map((clusters ?? []).map((c) => [c.id, c.datacenter])), [clusters]);
  const groups = env ? board.groups.filter((g) => g === env) : board.groups;
  const keep = (l: CellLine) => (!dc || dcOf.get(l.clusterId) === dc) && (!state || l.state === state);
  const rows = board.rows.filter((r) => (!app || r.app.includes(app)) && groups.some((g) => (r.cells[g] ?? []).some(keep)));

  return (
    <div className="rel-board-wrap">
      <div className="filterbar" role="search" aria-label="Board filters">
        <label className="field">
          <span className="field__label">App</span>
          <input type="search" data-filter-input value={app} onChange={(e) => setApp(e.target.value)} placeholder="app contains… ( / )" data-testid="board-filter-app" />
        </label>
        <label className="field">
          <span className="field__label">Environment</span>
          <select value={env} onChange={(e) => setEnv(e.target.value)} data-testid="board-filter-env">
            <option value="">All</option>
            {board.groups.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">Datacenter</span>
          <select value={dc} onChange={(e) => setDc(e.target.value)} data-testid="board-filter-dc">
            <option value="">All</option>
            {[...new Set(dcOf.values())].sort().map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">State</span>
          <select value={state} onChange={(e) => setState(e.target.value)} data-testid="board-filter-state">
            <option value="">All</option>
            {states.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No release groups" testId="board-empty">
          No Deployment labelled with an app and a release group matches (labels app.kubernetes.io/name and capstan.io/group).
        </EmptyState>
      ) : (
        <table className="rel-board" data-testid="release-board">
          <thead>
            <tr>
              <th>App</th>
              {groups.map((g) => (
                <th key={g}>{g.toUpperCase()}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.app} data-testid="board-row" data-app={r.app}>
                <th scope="row">
                  <div className="rel-app">{r.app}</div>
                  <button type="button" className="btn btn--ghost" onClick={() => onPlan(r.app)} data-testid="board-plan-release">
                    Plan release…
                  </button>
                </th>
                {groups.map((g) => (
                  <td key={g} data-group={g}>
                    {(r.cells[g] ?? []).filter(keep).map((l, _i, all) => (
                      <Line key={l.key} line={l} now={now} showName={crowded(all)} onAct={setActing} />
                    ))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {acting ? <RowActionDialog line={acting} onClose={() => setActing(null)} /> : null}
    </div>
  );
}
