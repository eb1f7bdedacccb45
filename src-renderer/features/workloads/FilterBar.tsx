import { FacetSelect as Facet } from '../../components/FacetSelect';
import { useAppStore } from '../../store';
import { ClusterFreshnessStrip } from '../clusters/ClusterFreshnessStrip';
import type { WorkloadFilters } from '../../store/ui-slice';
import type { Facets } from './filter';
import { hasActiveFilters } from './filter';
import { SearchField } from '../../components/SearchField';

function FacetSelect({
  name,
  label,
  values,
  allLabel,
}: {
  name: keyof WorkloadFilters;
  label: string;
  values: readonly string[];
  allLabel: string;
}) {
  const value = useAppStore((s) => s.filters[name]);
  const setFilter = useAppStore((s) => s.setFilter);
  return (
    <Facet label={label} value={value} values={values} allLabel={allLabel} onChange={(v) => setFilter(name, v)} testId={`filter-${name}`} />
  );
}

export function FilterBar({ facets, statusLabel }: { facets: Facets; statusLabel: string }) {
  const text = useAppStore((s) => s.filters.text);
  const filters = useAppStore((s) => s.filters);
  const setFilter = useAppStore((s) => s.setFilter);
  const resetFilters = useAppStore((s) => s.resetFilters);
  const clusters = useAppStore((s) => s.clusters);
  const active = hasActiveFilters(filters);
  return (
    <div className="filterbar" role="search" aria-label="Workload filters">
      <SearchField
        grow
        primary
        id="workload-filter"
        label="Search"
        ariaLabel="Search name or image"
        testId="filter-text"
        placeholder="name or image contains…  ( / )"
        value={text}
        onChange={(v) => setFilter('text', v)}
      />
      <FacetSelect name="cluster" label="Cluster" values={clusters ? clusters.map((c) => c.id) : facets.clusters} allLabel="All clusters" />
      <FacetSelect name="namespace" label="Namespace" values={facets.namespaces} allLabel="All namespaces" />
      <FacetSelect name="app" label="App" values={facets.apps} allLabel="All apps" />
      <FacetSelect name="group" label="Group" values={facets.groups} allLabel="All groups" />
      <FacetSelect name="status" label={statusLabel} values={facets.statuses} allLabel="Any status" />
      <button type="button" className="btn btn--ghost" onClick={resetFilters} disabled={!active} data-testid="filter-reset">
        Clear
      </button>
      <ClusterFreshnessStrip selected={filters.cluster} onSelect={(id) => setFilter('cluster', id)} />
    </div>
  );
}
