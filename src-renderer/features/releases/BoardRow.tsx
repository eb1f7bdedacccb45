import { memo } from 'react';
import type { BoardRow as Row, CellLine } from './board-model';
import { BoardLine } from './BoardLine';

/** Several Deployments of one group in one cluster (orders-pro, orders-pro-b): name them. */
const crowded = (lines: CellLine[]) => lines.length !== new Set(lines.map((l) => l.clusterId)).size;

export const rowWaits = (row: Row): boolean =>
  Object.values(row.cells).some((ls) => ls.some((l) => l.waitingSince !== undefined || l.bakeUntil !== undefined));

export interface BoardRowProps {
  row: Row;
  /** Position in the board (the virtualiser measures the row by it). */
  index: number;
  measure: (el: HTMLTableRowElement | null) => void;
  groups: readonly string[];
  /** Line filter (datacenter, state); undefined keeps every line. */
  keep: ((l: CellLine) => boolean) | undefined;
  /** The clock, for rows with a line that waits on a person; 0 for the others, so they do not re-render on its tick. */
  now: number;
  onAct: (l: CellLine) => void;
  onPlan: (app: string) => void;
}

/** One app: its cells by group. Memoised on the row object, which the board index replaces only when a line of it changed. */
export const BoardRow = memo(function BoardRow({ row, index, measure, groups, keep, now, onAct, onPlan }: BoardRowProps) {
  return (
    <tr ref={measure} data-index={index} data-testid="board-row" data-app={row.app}>
      <th scope="row">
        <div className="rel-app" title={row.app}>
          {row.app}
        </div>
        <button type="button" className="btn btn--ghost rel-plan" onClick={() => onPlan(row.app)} data-testid="board-plan-release">
          Plan release…
        </button>
      </th>
      {groups.map((g) => {
        const all = row.cells[g] ?? [];
        const lines = keep ? all.filter(keep) : all;
        return (
          <td key={g} data-group={g}>
            {lines.map((l) => (
              <BoardLine
                key={l.key}
                line={l}
                now={l.waitingSince !== undefined || l.bakeUntil !== undefined ? now : 0}
                showName={crowded(lines)}
                onAct={onAct}
              />
            ))}
          </td>
        );
      })}
    </tr>
  );
});
