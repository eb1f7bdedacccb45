import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { FacetSelect } from '../../components/FacetSelect';
import { useNow } from '../../components/useNow';
import { StaleNotice } from '../../components/StaleNotice';
import { useAppStore } from '../../store';
import type { BoardRow as Row, CellLine, CellState } from './board-model';
import { BoardRow, rowWaits } from './BoardRow';
import { RowActionDialog } from './RowActionDialog';
import { useBoard } from './useBoard';

const states: CellState[] = [
  'idle',
  'rolling',
  'baking',
  'waiting',
  'paused',
  'degraded',
  'diverged',
  'failing',
  'failed',
  'rolled-back',
  'done',
];

/** A line is ~22 px, its facts line ~16 px more; a row is as tall as its fullest cell. */
const estimateRow = (row: Row | undefined, groups: readonly string[]): number => {
  if (!row) return 60;
  let most = 0;
  for (const g of groups) {
    const ls = row.cells[g] ?? [];
    const h = ls.reduce(
      (n, l) => n + 22 + (l.restarts || l.oomKilled || l.crashLooping || l.progress || l.waitingSince || l.paused ? 16 : 0),
      0,
    );
    most = Math.max(most, h);
  }
  return Math.max(44, most + 7);
};

/** Pods counted on the board's lines (data-pods: tests and the bench wait for the full board by it). */
const podsOn = (rows: readonly Row[], groups: readonly string[], keep: ((l: CellLine) => boolean) | undefined): number => {
  let n = 0;
  for (const r of rows)
    for (const g of groups) for (const l of r.cells[g] ?? []) if (!keep || keep(l)) for (const v of l.versions) n += v.pods;
  return n;
};

/**
 * Apps × release groups. Virtualised by row (500 apps are 2,000 lines and ~20,000 elements; only
 * the rows in view and a few more are rendered), rows measured as they render (their height is
 * their fullest cell's). Rows and lines are memoised on the board index's objects, so a pod
 * change re-renders the one row it touches.
 */
export function BoardView({ onPlan }: { onPlan: (app: string) => void }) {
  const board = useBoard();
  const clusters = useAppStore((s) => s.clusters);
  const now = useNow();
  const [app, setApp] = useState('');
  const [env, setEnv] = useState('');
  const [dc, setDc] = useState('');
  const [state, setState] = useState('');
  const [acting, setActing] = useState<CellLine | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Rows are memoised: hand them callbacks that never change identity.
  const onPlanRef = useRef(onPlan);
  useLayoutEffect(() => {
    onPlanRef.current = onPlan;
  });
  const plan = useCallback((a: string) => onPlanRef.current(a), []);

  const dcOf = useMemo(() => new Map((clusters ?? []).map((c) => [c.id, c.datacenter])), [clusters]);
  const groups = useMemo(() => (env ? board.groups.filter((g) => g === env) : board.groups), [board.groups, env]);
  const keep = useMemo(
    () => (dc || state ? (l: CellLine) => (!dc || dcOf.get(l.clusterId) === dc) && (!state || l.state === state) : undefined),
    [dc, state, dcOf],
  );
  const rows = useMemo(
    () =>
      app || keep || env
        ? board.rows.filter((r) => (!app || r.app.includes(app)) && groups.some((g) => (r.cells[g] ?? []).some((l) => !keep || keep(l))))
        : board.rows,
    [board.rows, app, keep, env, groups],
  );
  const pods = useMemo(() => podsOn(rows, groups, keep), [rows, groups, keep]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => estimateRow(rows[i], groups),
    getItemKey: (i) => rows[i]?.app ?? i,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <div className="rel-board-wrap">
      <div className="filterbar" role="search" aria-label="Board filters">
        <label className="field">
          <span className="field__label">App</span>
          <input
            type="search"
            data-filter-input
            value={app}
            onChange={(e) => setApp(e.target.value)}
            placeholder="app contains… ( / )"
            data-testid="board-filter-app"
          />
        </label>
        <FacetSelect label="Environment" value={env} values={board.groups} allLabel="All" onChange={setEnv} testId="board-filter-env" />
        <FacetSelect
          label="Datacenter"
          value={dc}
          values={[...new Set(dcOf.values())].sort()}
          allLabel="All"
          onChange={setDc}
          testId="board-filter-dc"
        />
        <FacetSelect label="State" value={state} values={states} allLabel="All" onChange={setState} testId="board-filter-state" />
        <span className="rel-board__count muted" data-testid="board-count">
          {rows.length === board.rows.length ? `${rows.length} apps` : `${rows.length} of ${board.rows.length} apps`}
        </span>
      </div>
      <StaleNotice testId="board-stale" />
      {rows.length === 0 ? (
        <EmptyState title="No release groups" testId="board-empty">
          No Deployment labelled with an app and a release group matches (labels app.kubernetes.io/name and capstan.io/group).
        </EmptyState>
      ) : (
        <div className="rel-board-scroll" ref={scrollRef} data-testid="board-scroll">
          <table className="rel-board" data-testid="release-board" data-rows={rows.length} data-pods={pods} aria-rowcount={rows.length + 1}>
            <thead>
              <tr>
                <th>App</th>
                {groups.map((g) => (
                  <th key={g}>{g.toUpperCase()}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {padTop > 0 ? (
                <tr aria-hidden="true" className="rel-board__pad">
                  <td colSpan={groups.length + 1} style={{ height: padTop }} />
                </tr>
              ) : null}
              {items.map((item) => {
                const r = rows[item.index]!;
                return (
                  <BoardRow
                    key={r.app}
                    row={r}
                    index={item.index}
                    measure={virtualizer.measureElement}
                    groups={groups}
                    keep={keep}
                    now={rowWaits(r) ? now : 0}
                    onAct={setActing}
                    onPlan={plan}
                  />
                );
              })}
              {padBottom > 0 ? (
                <tr aria-hidden="true" className="rel-board__pad">
                  <td colSpan={groups.length + 1} style={{ height: padBottom }} />
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
      {acting ? <RowActionDialog line={acting} onClose={() => setActing(null)} /> : null}
    </div>
  );
}
