/**
 * The table the keyboard drives (j/k, Enter). The last focused or, failing that, the first mounted
 * table of the current view registers itself here; the global key handler talks to it.
 */
export interface TableHandle {
  move(delta: number): void;
  moveTo(edge: 'first' | 'last'): void;
  open(): void;
  focus(): void;
}

const tables: TableHandle[] = [];

export function registerTable(handle: TableHandle): () => void {
  tables.push(handle);
  return () => {
    const i = tables.indexOf(handle);
    if (i >= 0) tables.splice(i, 1);
  };
}

/** Make `handle` the active one (on focus or click). */
export function activateTable(handle: TableHandle): void {
  const i = tables.indexOf(handle);
  if (i > 0) {
    tables.splice(i, 1);
    tables.unshift(handle);
  }
}

export const activeTable = (): TableHandle | undefined => tables[0];
