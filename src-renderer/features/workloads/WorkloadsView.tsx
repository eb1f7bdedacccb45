import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { StaleNotice } from '../../components/StaleNotice';
import { ChoiceButton } from '../../components/ChoiceButton';
import { useShallow } from 'zustand/react/shallow';
import type { WorkloadKind } from '../../../src-shared/workloads/contract';
import { EmptyState } from '../../components/EmptyState';
import { isOutdated } from '../../components/freshness';
import { Progress } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { VirtualTable } from '../../components/VirtualTable';
import { useThrottled } from '../../components/useThrottled';
import { useLatest } from '../../components/useLatest';
import { useAppStore } from '../../store';
import type { DeploymentRow, PodRow } from './workload-index';
import type { SortableColumn } from './columns';
import { deploymentColumns, deploymentStatusOf, podColumns, podStatusOf } from './columns';
import { FilterBar } from './FilterBar';
import type { FilterableRow } from './filter';
import { createFilter, facetsOf, hasActiveFilters } from './filter';
import { createSorter } from './sort';

const kindTabs: { kind: WorkloadKind; label: string }[] = [
  { kind: 'Deployment', label: 'Deployments' },
  { kind: 'Pod', label: 'Pods' },
];

/** Clusters whose data is not current: their rows are dimmed. */
function useOutdatedClusters(): ReadonlySet<string> {
  // While the link to the services is down, nothing on screen is current.
  const ids = useAppStore(
    useShallow((s) => (s.clusters ?? []).filter((c) => s.servicesState !== 'open' || isOutdated(c.state)).map((c) => c.id)),
  );
  return useMemo(() => new Set(ids), [ids]);
}

/** Sync progress: how many clusters have delivered their initial list of `kind`. */
function useSyncProgress(kind: WorkloadKind): { synced: number; total: number } {
  return useAppStore(
    useShallow((s) => {
      // A cluster that is stale, reconnecting or failing without ever syncing is not "loading": its
      // card and badge say what is wrong. Count the ones still on their way and the ones done.
      const clusters = (s.clusters ?? []).filter(
        (c) => c.state === 'live' || c.state === 'connecting' || c.state === 'idle' || s.syncedKinds[c.id]?.includes(kind),
      );
      const synced = clusters.filter((c) => s.syncedKinds[c.id]?.includes(kind)).length;
      return { synced, total: clusters.length };
    }),
  );
}

export function WorkloadsView() {
  const kind = useAppStore((s) => s.workloadKind);
  const setKind = useAppStore((s) => s.setWorkloadKind);
  const podCount = useAppStore((s) => s.pods.length);
  const deploymentCount = useAppStore((s) => s.deployments.length);
  return (
    <section className="view view--workloads" aria-label="Workloads">
      <div className="tabs" role="tablist" aria-label="Workload kind">
        {kindTabs.map((t) => (
          <ChoiceButton
            key={t.kind}
            role="tab"
            selected={kind === t.kind}
            onSelect={() => setKind(t.kind)}
            testId={`tab-${t.kind.toLowerCase()}`}
          >
            {t.label} <span className="tabs__count">{(t.kind === 'Pod' ? podCount : deploymentCount).toLocaleString()}</span>
          </ChoiceButton>
        ))}
      </div>
      {kind === 'Pod' ? <PodTable /> : <DeploymentTable />}
    </section>
  );
}

function PodTable() {
  const rows = useAppStore((s) => s.pods);
  const now = useNow();
  const columns = useMemo(() => podColumns(now), [now]);
  return <WorkloadTable kind="Pod" rows={rows} columns={columns} statusOf={podStatusOf} noun="pods" />;
}

function DeploymentTable() {
  const rows = useAppStore((s) => s.deployments);
  const now = useNow();
  const columns = useMemo(() => deploymentColumns(now), [now]);
  return <WorkloadTable kind="Deployment" rows={rows} columns={columns} statusOf={deploymentStatusOf} noun="deployments" />;
}

interface WorkloadTableProps<T extends FilterableRow & { uid: string; name: string; clusterId: string; namespace: string }> {
  kind: WorkloadKind;
  rows: T[];
  columns: SortableColumn<T>[];
  statusOf: (row: T) => string;
  noun: string;
}

const rowKey = (r: { uid: string }) => r.uid;

function WorkloadTable<T extends PodRow | DeploymentRow>({ kind, rows, columns, statusOf, noun }: WorkloadTableProps<T>) {
  // Data and filter changes render at lower priority than typing in the filter box.
  const deferredRows = useDeferredValue(rows);
  const filters = useDeferredValue(useAppStore((s) => s.filters));
  const sort = useAppStore((s) => s.sort[kind]);
  const setSort = useAppStore((s) => s.setSort);
  const openDetail = useAppStore((s) => s.openDetail);
  const drawerOpen = useAppStore((s) => s.selected !== null);
  const outdated = useOutdatedClusters();
  const progress = useSyncProgress(kind);
  const clustersKnown = useAppStore((s) => s.clusters !== null);

  // The dropdowns' values change rarely: recompute them at most every 2 s, not on every batch.
  const facetRows = useThrottled(deferredRows, 2000);
  const facets = useMemo(() => facetsOf(facetRows, statusOf), [facetRows, statusOf]);
  const [filter] = useState(() => createFilter<T>());
  const filtered = useMemo(() => filter(deferredRows, filters, statusOf), [filter, deferredRows, filters, statusOf]);
  const sortColumn = columns.find((c) => c.id === sort.column) ?? columns[0]!;
  // sortValue is recreated with the columns every few seconds; the column id identifies the order.
  const sortValue = useLatest(sortColumn.sortValue);
  // Incremental: a batch of changes re-sorts only the changed rows (see createSorter).
  const [sorter] = useState(() => createSorter<T>());
  const sorted = useMemo(
    () => (sortValue.current ? sorter(filtered, sortColumn.id, sortValue.current, sort.dir) : filtered),
    [sorter, filtered, sortColumn.id, sort.dir, sortValue],
  );

  const onSort = useCallback((column: string) => setSort(kind, column), [setSort, kind]);
  const onOpen = useCallback(
    (r: T) => openDetail({ clusterId: r.clusterId, kind, namespace: r.namespace, name: r.name }),
    [openDetail, kind],
  );
  const rowClassName = useCallback((r: T) => (outdated.has(r.clusterId) || isStale(r) ? 'is-dim' : undefined), [outdated]);
  const rowTestAttrs = useCallback(
    (r: T) => ({
      'data-cluster': r.clusterId,
      'data-namespace': r.namespace,
      'data-name': r.name,
      ...(isStale(r) ? { 'data-stale': 'true' } : {}),
    }),
    [],
  );

  const loading = !clustersKnown || progress.synced < progress.total;
  return (
    <>
      <FilterBar facets={facets} statusLabel={kind === 'Pod' ? 'Status' : 'Rollout'} />
      <StaleNotice testId="workloads-stale" />
      <div className="view__meta">
        <span data-testid="workload-count" aria-live="polite">
          Showing {sorted.length.toLocaleString()} of {rows.length.toLocaleString()} {noun}
        </span>
        {loading ? (
          <Progress
            value={progress.synced}
            max={progress.total}
            label={progress.total ? `Loading ${noun}: ${progress.synced} of ${progress.total} clusters synced` : 'Connecting to clusters…'}
          />
        ) : null}
      </div>
      {sorted.length === 0 && !loading ? (
        <EmptyState title={rows.length === 0 ? `No ${noun} in any connected cluster` : `No ${noun} match the filters`}>
          {hasActiveFilters(filters)
            ? 'Clear the filters (the Clear button) or change the search text.'
            : 'Check the cluster overview for clusters that are not connected.'}
        </EmptyState>
      ) : (
        <VirtualTable<T>
          rows={sorted}
          columns={columns}
          rowKey={rowKey}
          label={kind === 'Pod' ? 'Pods' : 'Deployments'}
          sort={sort}
          onSort={onSort}
          onOpen={onOpen}
          followSelection={drawerOpen}
          rowClassName={rowClassName}
          rowTestAttrs={rowTestAttrs}
          testId={`${noun}-table`}
        />
      )}
    </>
  );
}

/** A Deployment row from the saved snapshot (its cluster has not synced yet). */
const isStale = (r: object): boolean => 'staleAsOf' in r && r.staleAsOf !== undefined;
