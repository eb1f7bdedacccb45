import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ResourceRow } from '../../../src-shared/resources/contract';
import { EmptyState } from '../../components/EmptyState';
import { FacetSelect } from '../../components/FacetSelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatElapsed } from '../../../src-shared/base/duration';
import { isOutdated } from '../../components/freshness';
import { Progress } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import type { Column as TableColumn } from '../../components/VirtualTable';
import { VirtualTable } from '../../components/VirtualTable';
import { useAppStore } from '../../store';
import './resources.css';
import { ClusterFreshnessStrip } from '../clusters/ClusterFreshnessStrip';
import { CreateFromYaml } from '../edit/CreateFromYaml';
import { KindPicker, useKinds } from './KindPicker';
import { cellIndex, cellText, compareRows, filterRows, isAgeColumn, mergeColumns } from './resource-model';
import type { ResourceFilters } from './resources-slice';
import { useResourceRows } from './use-resource-rows';
import { SearchField } from '../../components/SearchField';

const rowKey = (r: ResourceRow) => `${r.clusterId}/${r.uid}`;

function Facet({
  name,
  label,
  values,
  allLabel,
}: {
  name: keyof ResourceFilters;
  label: string;
  values: readonly string[];
  allLabel: string;
}) {
  const value = useAppStore((s) => s.resourceFilters[name]);
  const set = useAppStore((s) => s.setResourceFilter);
  return (
    <FacetSelect
      label={label}
      value={value}
      values={values}
      allLabel={allLabel}
      onChange={(v) => set(name, v)}
      testId={`resource-filter-${name}`}
    />
  );
}

/** Every kind, every cluster: the server's columns for the chosen type, rows of all clusters in one virtual table. */
export function ResourcesView() {
  const type = useAppStore((s) => s.resourceType);
  const setType = useAppStore((s) => s.setResourceType);
  const filters = useAppStore((s) => s.resourceFilters);
  const setFilter = useAppStore((s) => s.setResourceFilter);
  const reset = useAppStore((s) => s.resetResourceFilters);
  const open = useAppStore((s) => s.openResource);
  const drawerOpen = useAppStore((s) => s.resourceSelected !== null);
  const clusterIds = useAppStore(useShallow((s) => (s.clusters ?? []).map((c) => c.id)));
  const outdatedIds = useAppStore(
    useShallow((s) => (s.clusters ?? []).filter((c) => s.servicesState !== 'open' || isOutdated(c.state)).map((c) => c.id)),
  );
  const { kinds, errors: discoveryErrors } = useKinds();
  const info = kinds.find((k) => k.group === type.group && k.version === type.version && k.resource === type.resource);
  const namespaced = info?.namespaced ?? true;
  const data = useResourceRows(type);
  const rows = useDeferredValue(data.rows);
  const deferredFilters = useDeferredValue(filters);
  const now = useNow();
  const [sort, setSort] = useState<{ column: string; dir: 'asc' | 'desc' }>({ column: '', dir: 'asc' });
  const [creating, setCreating] = useState(false);

  const merged = useMemo(() => mergeColumns(data.columns), [data.columns]);
  const index = useMemo(() => cellIndex(data.columns, merged), [data.columns, merged]);
  const namespaces = useMemo(() => [...new Set(rows.map((r) => r.namespace))].filter(Boolean).sort(), [rows]);
  const outdated = useMemo(() => new Set(outdatedIds), [outdatedIds]);

  const columns = useMemo<TableColumn<ResourceRow>[]>(() => {
    const cell = (r: ResourceRow, i: number) => {
      const at = index.get(r.clusterId)?.[i] ?? -1;
      return at < 0 ? '' : cellText(r.cells[at]);
    };
    const cols: TableColumn<ResourceRow>[] = [
      { id: 'cluster', header: 'Cluster', width: 'minmax(70px, 0.7fr)', render: (r) => r.clusterId, sortable: true },
    ];
    if (namespaced)
      cols.push({ id: 'namespace', header: 'Namespace', width: 'minmax(80px, 1fr)', render: (r) => r.namespace, sortable: true });
    merged.forEach((c, i) => {
      const age = isAgeColumn(c);
      cols.push({
        id: `c:${c.name}`,
        header: c.name,
        width: c.format === 'name' ? 'minmax(160px, 2.4fr)' : age ? '64px' : 'minmax(70px, 1fr)',
        render: (r) => (age && r.createdAt !== undefined ? formatElapsed(now - r.createdAt) : cell(r, i)),
        title: (r) => c.description ?? cell(r, i),
        sortable: true,
        ...(c.type === 'integer' || c.type === 'number' || age ? { align: 'right' as const } : {}),
      });
    });
    if (merged.length === 0)
      cols.push({ id: 'name', header: 'Name', width: 'minmax(160px, 2.4fr)', render: (r) => r.name, sortable: true });
    return cols;
  }, [merged, index, namespaced, now]);

  const sorted = useMemo(() => {
    const list = filterRows(rows, deferredFilters).slice();
    const col = sort.column;
    if (!col) return list.sort(compareRows);
    const i = merged.findIndex((m) => `c:${m.name}` === col);
    const key = (r: ResourceRow): string | number => {
      if (col === 'cluster') return r.clusterId;
      if (col === 'namespace') return r.namespace;
      if (i < 0) return r.name;
      if (isAgeColumn(merged[i]!)) return -(r.createdAt ?? 0);
      const v = r.cells[index.get(r.clusterId)?.[i] ?? -1];
      return typeof v === 'number' ? v : cellText(v);
    };
    const dir = sort.dir === 'asc' ? 1 : -1;
    return list.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (
        (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * dir ||
        compareRows(a, b)
      );
    });
  }, [rows, deferredFilters, sort, merged, index]);

  const onSort = useCallback(
    (column: string) => setSort((s) => ({ column, dir: s.column === column && s.dir === 'asc' ? 'desc' : 'asc' })),
    [],
  );
  const onOpen = useCallback(
    (r: ResourceRow) => open({ clusterId: r.clusterId, type, namespace: r.namespace, name: r.name }),
    [open, type],
  );
  const rowClassName = useCallback((r: ResourceRow) => (outdated.has(r.clusterId) ? 'is-dim' : undefined), [outdated]);
  const rowTestAttrs = useCallback(
    (r: ResourceRow) => ({ 'data-cluster': r.clusterId, 'data-namespace': r.namespace, 'data-name': r.name }),
    [],
  );

  const synced = clusterIds.filter((id) => data.clusters.get(id)?.synced).length;
  const failing = [...data.clusters].filter(([, c]) => c.error);
  // A cluster that fails says so in its banner; the others are still on their way.
  const loading = clusterIds.some((id) => !data.clusters.get(id)?.synced && !data.clusters.get(id)?.error);
  const noun = info ? info.resource : type.resource;
  const active = !!(filters.cluster || filters.namespace || filters.text);
  return (
    <section className="view view--resources" aria-label="Resources">
      <div className="filterbar" role="search" aria-label="Resource filters">
        <KindPicker kinds={kinds} value={type} onChange={(k) => setType({ group: k.group, version: k.version, resource: k.resource })} />
        <SearchField
          grow
          primary
          label="Search"
          ariaLabel="Search name or namespace"
          testId="resource-filter-text"
          placeholder="name or namespace contains…  ( / )"
          value={filters.text}
          onChange={(v) => setFilter('text', v)}
        />
        <Facet name="cluster" label="Cluster" values={clusterIds} allLabel="All clusters" />
        {namespaced ? <Facet name="namespace" label="Namespace" values={namespaces} allLabel="All namespaces" /> : null}
        <button type="button" className="btn btn--ghost" onClick={reset} disabled={!active} data-testid="resource-filter-reset">
          Clear
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => setCreating(true)}
          data-testid="create-open"
          title="Create an object from YAML"
        >
          Create…
        </button>
        <ClusterFreshnessStrip selected={filters.cluster} onSelect={(id) => setFilter('cluster', id)} />
      </div>
      {creating ? (
        <CreateFromYaml
          kind={info}
          clusterIds={filters.cluster ? [filters.cluster, ...clusterIds.filter((c) => c !== filters.cluster)] : clusterIds}
          onClose={() => setCreating(false)}
        />
      ) : null}
      {data.streamError ? <ErrorBanner error={data.streamError} title="Live updates of this table stopped." /> : null}
      {failing.map(([id, c]) => (
        <ErrorBanner
          key={id}
          tone="warn"
          error={{ message: c.error! }}
          title={`${id}: no current ${noun}.`}
          testId="resource-cluster-error"
        />
      ))}
      {discoveryErrors.length ? (
        <ErrorBanner
          tone="warn"
          error={{ message: discoveryErrors.map((e) => `${e.clusterId}: ${e.message}`).join(' · ') }}
          title="Some clusters did not list their kinds."
        />
      ) : null}
      <div className="view__meta">
        <span data-testid="resource-count" aria-live="polite">
          Showing {sorted.length.toLocaleString()} of {rows.length.toLocaleString()} {noun}
        </span>
        {loading ? (
          <Progress value={synced} max={clusterIds.length} label={`Loading ${noun}: ${synced} of ${clusterIds.length} clusters synced`} />
        ) : null}
      </div>
      {sorted.length === 0 && !loading ? (
        <EmptyState title={rows.length === 0 ? `No ${noun} in any connected cluster` : `No ${noun} match the filters`}>
          {active
            ? 'Clear the filters or change the search text.'
            : 'Pick another kind, or check the cluster overview for clusters that are not connected.'}
        </EmptyState>
      ) : (
        <VirtualTable<ResourceRow>
          rows={sorted}
          columns={columns}
          rowKey={rowKey}
          label={info?.kind ?? noun}
          sort={sort.column ? sort : undefined}
          onSort={onSort}
          onOpen={onOpen}
          followSelection={drawerOpen}
          rowClassName={rowClassName}
          rowTestAttrs={rowTestAttrs}
          testId="resources-table"
        />
      )}
    </section>
  );
}
