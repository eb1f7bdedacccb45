import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState } from '../../components/EmptyState';
import { FacetSelect } from '../../components/FacetSelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { isOutdated } from '../../components/freshness';
import { Progress } from '../../components/Spinner';
import { StatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import type { Column } from '../../components/VirtualTable';
import { VirtualTable } from '../../components/VirtualTable';
import { useAppStore } from '../../store';
import { ClusterFreshnessStrip } from '../clusters/ClusterFreshnessStrip';
import { useKinds } from '../resources/KindPicker';
import type { EventFilters, EventGroup } from './event-store';
import { compareGroups, emptyEventFilters, filterEvents, groupEvents } from './event-store';
import { useEvents } from './use-events';
import '../resources/resources.css';
import { SearchField } from '../../components/SearchField';

const rowKey = (g: EventGroup) => g.key;
const sortedValues = (values: Iterable<string>) => [...new Set(values)].filter(Boolean).sort();

/** Events of every cluster: Warnings first, repeats grouped, filters, bounded memory; a row opens its object. */
export function EventsView() {
  const data = useEvents();
  const rows = useDeferredValue(data.rows);
  const [filters, setFilters] = useState<EventFilters>(emptyEventFilters);
  const [grouped, setGrouped] = useState(true);
  const set = (k: keyof EventFilters) => (v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const deferredFilters = useDeferredValue(filters);
  const now = useNow();
  const clusterIds = useAppStore(useShallow((s) => (s.clusters ?? []).map((c) => c.id)));
  const outdatedIds = useAppStore(
    useShallow((s) => (s.clusters ?? []).filter((c) => s.servicesState !== 'open' || isOutdated(c.state)).map((c) => c.id)),
  );
  const outdated = useMemo(() => new Set(outdatedIds), [outdatedIds]);
  const open = useAppStore((s) => s.openResource);
  const { kinds } = useKinds();

  const facets = useMemo(
    () => ({
      namespaces: sortedValues(rows.map((r) => r.object.namespace)),
      kinds: sortedValues(rows.map((r) => r.object.kind)),
      reasons: sortedValues(rows.map((r) => r.reason)),
    }),
    [rows],
  );
  const groups = useMemo(
    () => groupEvents(filterEvents(rows, deferredFilters), grouped).sort(compareGroups),
    [rows, deferredFilters, grouped],
  );
  const warnings = useMemo(() => groups.filter((g) => g.type === 'Warning').length, [groups]);

  const columns = useMemo<Column<EventGroup>[]>(
    () => [
      {
        id: 'type',
        header: 'Type',
        width: '82px',
        render: (g) => <StatusBadge tone={g.type === 'Warning' ? 'warn' : 'muted'}>{g.type}</StatusBadge>,
      },
      { id: 'cluster', header: 'Cluster', width: 'minmax(70px, 0.6fr)', render: (g) => g.clusterId },
      { id: 'namespace', header: 'Namespace', width: 'minmax(70px, 0.8fr)', render: (g) => g.object.namespace },
      { id: 'reason', header: 'Reason', width: 'minmax(90px, 1fr)', render: (g) => g.reason },
      {
        id: 'object',
        header: 'Object',
        width: 'minmax(140px, 1.6fr)',
        render: (g) => `${g.object.kind}/${g.object.name}`,
        title: (g) => `${g.object.kind}/${g.object.name}`,
      },
      { id: 'message', header: 'Message', width: 'minmax(200px, 3fr)', render: (g) => g.message, title: (g) => g.message },
      {
        id: 'count',
        header: 'Count',
        width: '60px',
        align: 'right',
        render: (g) => (g.events > 1 ? `${g.count} (${g.events})` : String(g.count)),
        title: (g) => (g.events > 1 ? `${g.count} occurrences over ${g.events} events` : undefined),
      },
      {
        id: 'last',
        header: 'Last seen',
        width: '78px',
        align: 'right',
        render: (g) => formatElapsed(now - g.lastSeen),
        title: (g) => formatClock(g.lastSeen, now),
      },
    ],
    [now],
  );

  const onOpen = useCallback(
    (g: EventGroup) => {
      const k =
        kinds.find((x) => x.kind === g.object.kind && (x.group === '' || !x.group.includes('.') || x.group.endsWith('.k8s.io'))) ??
        kinds.find((x) => x.kind === g.object.kind);
      if (!k || !g.object.name) return;
      open({
        clusterId: g.clusterId,
        type: { group: k.group, version: k.version, resource: k.resource },
        namespace: k.namespaced ? g.object.namespace : '',
        name: g.object.name,
      });
    },
    [kinds, open],
  );
  const rowClassName = useCallback(
    (g: EventGroup) => [g.type === 'Warning' ? 'is-warning' : '', outdated.has(g.clusterId) ? 'is-dim' : ''].join(' ').trim() || undefined,
    [outdated],
  );
  const rowTestAttrs = useCallback(
    (g: EventGroup) => ({
      'data-cluster': g.clusterId,
      'data-type': g.type,
      'data-reason': g.reason,
      'data-name': g.object.name,
      'data-count': String(g.count),
    }),
    [],
  );

  const loading = clusterIds.some((id) => !data.clusters.get(id)?.synced && !data.clusters.get(id)?.error);
  const synced = clusterIds.filter((id) => data.clusters.get(id)?.synced).length;
  const dropped = data.droppedNormal + data.droppedWarning;
  const active = Object.values(filters).some(Boolean);
  return (
    <section className="view view--events" aria-label="Events">
      <div className="filterbar" role="search" aria-label="Event filters">
        <SearchField
          grow
          primary
          label="Object"
          ariaLabel="Object name contains"
          testId="events-filter-object"
          placeholder="object name contains…  ( / )"
          value={filters.object}
          onChange={set('object')}
        />
        {(
          [
            ['type', 'Type', ['Warning', 'Normal'], 'Any type'],
            ['reason', 'Reason', facets.reasons, 'Any reason'],
            ['kind', 'Kind', facets.kinds, 'Any kind'],
            ['namespace', 'Namespace', facets.namespaces, 'All namespaces'],
            ['cluster', 'Cluster', clusterIds, 'All clusters'],
          ] as const
        ).map(([key, label, values, allLabel]) => (
          <FacetSelect
            key={key}
            label={label}
            value={filters[key]}
            values={values}
            allLabel={allLabel}
            onChange={set(key)}
            testId={`events-filter-${key}`}
          />
        ))}
        <label className="field field--inline">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} data-testid="events-grouped" /> Group
          repeats
        </label>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => setFilters(emptyEventFilters)}
          disabled={!active}
          data-testid="events-filter-reset"
        >
          Clear
        </button>
        <ClusterFreshnessStrip selected={filters.cluster} onSelect={set('cluster')} />
      </div>
      {data.error ? <ErrorBanner error={data.error} title="Live events stopped." /> : null}
      {[...data.clusters]
        .filter(([, c]) => c.error)
        .map(([id, c]) => (
          <ErrorBanner key={id} tone="warn" error={{ message: c.error! }} title={`${id}: events are not current.`} />
        ))}
      <div className="view__meta">
        <span data-testid="events-count" aria-live="polite">
          {groups.length.toLocaleString()} {grouped ? 'groups' : 'events'} · {warnings.toLocaleString()} warning{warnings === 1 ? '' : 's'}{' '}
          · holding {data.rows.length.toLocaleString()} events
        </span>
        {dropped > 0 ? (
          <span className="text-warn" data-testid="events-cap" data-dropped={dropped}>
            {' '}
            · memory cap {data.cap.toLocaleString()}: {data.droppedNormal.toLocaleString()} oldest Normal
            {data.droppedWarning ? ` and ${data.droppedWarning.toLocaleString()} oldest Warning` : ''} events dropped
          </span>
        ) : null}
        {loading ? (
          <Progress value={synced} max={clusterIds.length} label={`Loading events: ${synced} of ${clusterIds.length} clusters synced`} />
        ) : null}
      </div>
      {groups.length === 0 && !loading ? (
        <EmptyState title={rows.length === 0 ? 'No events in any connected cluster' : 'No events match the filters'}>
          {active ? 'Clear the filters.' : 'API servers keep events for about an hour.'}
        </EmptyState>
      ) : (
        <VirtualTable<EventGroup>
          rows={groups}
          columns={columns}
          rowKey={rowKey}
          label="Events"
          onOpen={onOpen}
          rowClassName={rowClassName}
          rowTestAttrs={rowTestAttrs}
          testId="events-table"
        />
      )}
    </section>
  );
}
