/**
 * The server's Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) as stored
 * rows: a row keeps its cells as printed and the slim metadata the views and the drawer need
 * (identity, creation time, owners), nothing else, so that watching any kind costs little memory.
 */
import type { KubeObject, ObjectMeta } from '../../src-shared/k8s/types';
import { timeOf } from '../../src-shared/k8s/types';
import type { Cell, Column, ResourceRow } from '../../src-shared/resources/contract';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

/** A stored row: a KubeObject (so the reflector can key and version it) with the printed cells. */
export interface RowObject extends KubeObject {
  cells: Cell[];
}

interface RawRow {
  cells?: unknown[];
  object?: { metadata?: ObjectMeta };
}
interface RawTable {
  kind?: string;
  metadata?: { resourceVersion?: string };
  rows?: RawRow[];
  columnDefinitions?: unknown[];
}

const MAX_CELL = 4096;
const MAX_CELLS = 64;

function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

function rowObject(row: RawRow): RowObject | undefined {
  const m = row.object?.metadata;
  if (!m || !m.name) return undefined;
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
      ...(m.ownerReferences ? { ownerReferences: m.ownerReferences } : {}),
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    },
    cells: (row.cells ?? []).slice(0, MAX_CELLS).map(cellOf),
  };
}

/**
 * Reflector unwrap: a list's row, or a watch event's one-row Table, becomes a RowObject; a Table
 * without rows (a bookmark some servers send as a Table) keeps only its resourceVersion; anything
 * else (a plain bookmark) passes through.
 */
export function unwrapTableRow(raw: unknown): RowObject | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const t = raw as RawTable & RawRow;
  if (t.kind === 'Table') {
    const first = t.rows?.[0];
    if (!first) return { metadata: { resourceVersion: t.metadata?.resourceVersion }, cells: [] };
    return rowObject(first);
  }
  if (Array.isArray(t.cells)) return rowObject(t);
  return raw as RowObject;
}

export function columnsOf(envelope: Record<string, unknown>): Column[] | undefined {
  const defs = (envelope as RawTable).columnDefinitions;
  if (!Array.isArray(defs)) return undefined;
  return defs.slice(0, MAX_CELLS).map((d) => {
    const c = (d ?? {}) as Record<string, unknown>;
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
    return {
      name: str(c.name, 253) ?? '',
      type: str(c.type, 63) ?? 'string',
      ...(str(c.format, 63) ? { format: str(c.format, 63) } : {}),
      ...(str(c.description, 2000) ? { description: str(c.description, 2000) } : {}),
      priority: typeof c.priority === 'number' ? Math.max(0, Math.min(100, Math.floor(c.priority))) : 0,
    };
  });
}

export function toResourceRow(clusterId: string, o: RowObject): ResourceRow {
  const m = o.metadata;
  const createdAt = timeOf(m.creationTimestamp);
  return {
    uid: m.uid || `${m.namespace ?? ''}/${m.name}`,
    clusterId,
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    ...(createdAt !== undefined ? { createdAt } : {}),
    cells: o.cells,
  };
}
