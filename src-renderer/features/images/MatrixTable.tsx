import { useCallback, useMemo, useRef } from 'react';
import type { MatrixCell, MatrixRow } from '../../../src-shared/images/contract';
import { formatElapsed } from '../../../src-shared/base/duration';
import type { Column } from '../../components/VirtualTable';
import { VirtualTable } from '../../components/VirtualTable';
import type { CellRef } from './images-slice';
import { rowKey, shortDigest, stateLabel, stateTone, worstCell } from './images-model';

function CellButton({
  row,
  cell,
  selected,
  onPick,
}: {
  row: MatrixRow;
  cell: MatrixCell;
  selected: boolean;
  onPick: (region: string) => void;
}) {
  const lag = cell.lagMs !== undefined && cell.state !== 'unknown' ? formatElapsed(cell.lagMs) : '';
  // A copy that took under a second (or the source itself) says nothing worth a glance.
  const showLag = lag !== '' && (cell.state !== 'synced' || (cell.region !== row.sourceRegion && (cell.lagMs ?? 0) >= 1_000));
  const tone = cell.stuck ? 'warn' : stateTone[cell.state];
  const title =
    cell.state === 'unknown'
      ? `${cell.region}: unknown${cell.error ? ` (${cell.error.message})` : ''}`
      : `${row.repository}:${row.tag} in ${cell.region}: ${cell.state === 'mismatch' ? 'another digest than the source' : stateLabel[cell.state]}${cell.stuck ? ', its execution is stuck' : ''}${cell.digest ? ` · ${shortDigest(cell.digest)}` : ''}${lag ? (cell.state === 'synced' ? ` · copied in ${lag}` : ` · behind for ${lag}`) : ''}`;
  return (
    <button
      type="button"
      className={`img-cell img-cell--${tone}${selected ? ' is-selected' : ''}${cell.stuck ? ' is-stuck' : ''}`}
      data-testid="images-cell"
      data-image={rowKey(row)}
      data-region={cell.region}
      data-state={cell.state}
      data-stuck={cell.stuck || undefined}
      title={title}
      aria-label={title}
      tabIndex={-1}
      onClick={() => onPick(cell.region)}
    >
      <span className="img-cell__state">{cell.state === 'synced' ? '✓' : cell.stuck ? 'stuck' : stateLabel[cell.state]}</span>
      {showLag ? <span className="img-cell__lag">{lag}</span> : null}
    </button>
  );
}

export function MatrixTable({
  rows,
  regions,
  selected,
  onSelect,
  now,
}: {
  rows: readonly MatrixRow[];
  regions: readonly string[];
  selected: CellRef | null;
  onSelect: (ref: CellRef) => void;
  now: number;
}) {
  // Beside the detail panel (which shows the digests) the digest column gives its room to the regions.
  const compact = selected !== null;
  // A click on a cell also reaches the row (which selects it in the table): remember which cell.
  const picked = useRef<string | null>(null);
  const pick = useCallback((region: string) => {
    picked.current = region;
  }, []);
  const selectedKey = selected ? `${selected.repository}:${selected.tag}` : null;

  const columns = useMemo<Column<MatrixRow>[]>(
    () => [
      {
        id: 'image',
        header: 'Image',
        width: compact ? 'minmax(170px, 3fr)' : 'minmax(200px, 3fr)',
        title: (r) => `${r.repository}:${r.tag}${r.priority ? ' (used by running workloads or release plans)' : ''}`,
        render: (r) => (
          <span className="img-name">
            {r.priority ? (
              <span className="img-name__prio" aria-label="in use">
                ●
              </span>
            ) : (
              <span className="img-name__prio" />
            )}
            <span className="mono">
              {r.repository}
              <span className="img-name__tag">:{r.tag}</span>
            </span>
          </span>
        ),
      },
      ...(compact
        ? []
        : [
            {
              id: 'digest',
              header: 'Digest',
              width: '110px',
              render: (r: MatrixRow) => <span className="mono muted">{shortDigest(r.digest)}</span>,
              title: (r: MatrixRow) => r.digest,
            },
          ]),
      {
        id: 'pushed',
        header: 'Pushed',
        width: '80px',
        align: 'right',
        render: (r) => (r.sourcePushedAt ? <span className="muted">{formatElapsed(now - r.sourcePushedAt)}</span> : ''),
      },
      ...regions.map<Column<MatrixRow>>((region) => ({
        id: `region:${region}`,
        header: region,
        width: compact ? 'minmax(100px, 1fr)' : 'minmax(136px, 1fr)',
        render: (r) => {
          const cell = r.cells.find((c) => c.region === region);
          return cell ? (
            <CellButton row={r} cell={cell} selected={selectedKey === rowKey(r) && selected?.region === region} onPick={pick} />
          ) : null;
        },
      })),
    ],
    [regions, now, selectedKey, selected?.region, pick, compact],
  );

  const onOpen = useCallback(
    (r: MatrixRow) => {
      // Moving with j/k keeps the column (as in a spreadsheet); the first selection goes to the worst cell.
      const region =
        picked.current ??
        (selected && r.cells.some((c) => c.region === selected.region) ? selected.region : undefined) ??
        worstCell(r)?.region;
      picked.current = null;
      if (region) onSelect({ repository: r.repository, tag: r.tag, region });
    },
    [onSelect, selected],
  );
  const rowClassName = useCallback(
    (r: MatrixRow) => (r.cells.some((c) => c.state !== 'synced' && c.state !== 'unknown') ? 'img-row--out' : undefined),
    [],
  );
  const rowTestAttrs = useCallback((r: MatrixRow) => ({ 'data-image': rowKey(r), 'data-priority': r.priority ? 'true' : undefined }), []);

  return (
    <VirtualTable<MatrixRow>
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      label="Image sync matrix"
      onOpen={onOpen}
      followSelection={selected !== null}
      rowClassName={rowClassName}
      rowTestAttrs={rowTestAttrs}
      rowHeight={30}
      testId="images-matrix"
    />
  );
}
