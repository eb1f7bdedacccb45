import { useVirtualizer } from '@tanstack/react-virtual';
import type { CSSProperties, ReactNode } from 'react';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TableHandle } from './table-registry';
import { activateTable, registerTable } from './table-registry';

export interface Column<T> {
  id: string;
  header: string;
  /** CSS grid track, e.g. '1fr', '90px', 'minmax(120px, 2fr)'. */
  width: string;
  render: (row: T) => ReactNode;
  /** Text for the cell's title (tooltip) when it may be cut off. */
  title?: (row: T) => string | undefined;
  sortable?: boolean;
  align?: 'right';
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Accessible name of the table. */
  label: string;
  sort?: { column: string; dir: 'asc' | 'desc' };
  onSort?: (column: string) => void;
  onOpen?: (row: T) => void;
  /** Re-open on every cursor move (the drawer follows the selection while it is open). */
  followSelection?: boolean;
  rowClassName?: (row: T) => string | undefined;
  rowHeight?: number;
  /** Limit the height (rows) for tables stacked in one view; otherwise the table fills its parent. */
  maxRows?: number;
  testId?: string;
  /** Extra data on each row for tests. */
  rowTestAttrs?: (row: T) => Record<string, string | undefined>;
}

function VirtualTableImpl<T>(props: VirtualTableProps<T>) {
  const {
    rows,
    columns,
    rowKey,
    label,
    sort,
    onSort,
    onOpen,
    followSelection,
    rowClassName,
    rowHeight = 28,
    maxRows,
    testId = 'virtual-table',
    rowTestAttrs,
  } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const gridStyle = useMemo<CSSProperties>(() => ({ gridTemplateColumns: columns.map((c) => c.width).join(' ') }), [columns]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // No getItemKey: rows have a fixed height, and index keys keep the virtualizer from re-measuring
    // all 50,000 rows on every data update. React keys below are the row keys.
  });

  const selectedIndex = useMemo(() => {
    if (selectedKey === null) return -1;
    for (let i = 0; i < rows.length; i++) if (rowKey(rows[i]!) === selectedKey) return i;
    return -1;
  }, [rows, rowKey, selectedKey]);

  // The handle reads the latest props through a ref, so it is registered once per mount.
  const latest = useRef({ rows, selectedIndex, onOpen, followSelection, rowKey });
  useLayoutEffect(() => {
    latest.current = { rows, selectedIndex, onOpen, followSelection, rowKey };
  });

  const handle = useMemo<TableHandle>(() => {
    const select = (index: number) => {
      const { rows: r, onOpen: open, followSelection: follow, rowKey: key } = latest.current;
      if (r.length === 0) return;
      const i = Math.max(0, Math.min(r.length - 1, index));
      setSelectedKey(key(r[i]!));
      virtualizer.scrollToIndex(i, { align: 'auto' });
      if (follow && open) open(r[i]!);
    };
    return {
      move: (delta) => {
        const { selectedIndex: current } = latest.current;
        select(current < 0 ? (delta > 0 ? 0 : latest.current.rows.length - 1) : current + delta);
      },
      moveTo: (edge) => select(edge === 'first' ? 0 : latest.current.rows.length - 1),
      open: () => {
        const { rows: r, selectedIndex: i, onOpen: open } = latest.current;
        const row = r[i];
        if (row !== undefined && open) open(row);
      },
      focus: () => scrollRef.current?.focus(),
    };
  }, [virtualizer]);

  useEffect(() => registerTable(handle), [handle]);

  const items = virtualizer.getVirtualItems();
  const height = maxRows ? Math.min(rows.length, maxRows) * rowHeight + 2 : undefined;

  return (
    <div className="vt" role="table" aria-label={label} aria-rowcount={rows.length + 1} data-testid={testId} data-row-count={rows.length}>
      <div className="vt__head" role="rowgroup">
        <div className="vt__row vt__row--head" role="row" aria-rowindex={1} style={gridStyle}>
          {columns.map((c) => {
            const sorted = sort?.column === c.id ? sort.dir : undefined;
            return (
              <div
                key={c.id}
                role="columnheader"
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : c.sortable ? 'none' : undefined}
                className={`vt__cell vt__cell--head${c.align === 'right' ? ' vt__cell--right' : ''}`}
              >
                {c.sortable && onSort ? (
                  <button type="button" className="vt__sort" onClick={() => onSort(c.id)} data-testid={`sort-${c.id}`}>
                    {c.header}
                    <span className="vt__sort-arrow" aria-hidden>
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        className="vt__scroll"
        ref={scrollRef}
        tabIndex={0}
        style={height !== undefined ? { height, flex: 'none' } : undefined}
        onFocus={() => activateTable(handle)}
        aria-label={`${label}: use j and k or the arrow keys to move, Enter to open`}
      >
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const key = rowKey(row);
            const selected = item.index === selectedIndex;
            const extra = rowClassName?.(row);
            return (
              <div
                key={key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                data-testid="table-row"
                data-key={key}
                {...rowTestAttrs?.(row)}
                className={`vt__row${selected ? ' is-selected' : ''}${item.index % 2 ? ' is-odd' : ''}${extra ? ' ' + extra : ''}`}
                style={{ ...gridStyle, height: rowHeight, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  activateTable(handle);
                  setSelectedKey(key);
                  onOpen?.(row);
                }}
              >
                {columns.map((c) => (
                  <div key={c.id} role="cell" className={`vt__cell${c.align === 'right' ? ' vt__cell--right' : ''}`} title={c.title?.(row)}>
                    {c.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export const VirtualTable = memo(VirtualTableImpl) as typeof VirtualTableImpl;
