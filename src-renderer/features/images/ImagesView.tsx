/**
 * Image sync status across regional registries: a matrix of images (rows) by region (columns),
 * counts per region at the top, the replication executions and tasks of a selected cell, and
 * the registries panel. The matrix comes from main's watch (whole, then diffs).
 */
import { useEffect, useMemo, useState } from 'react';
import { useClient } from '../../components/ClientContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../store';
import { ChoiceButton } from '../../components/ChoiceButton';
import { watchImages } from './images-bridge';
import type { ImagesFilter } from './images-slice';
import { CellDetailPanel } from './CellDetailPanel';
import { projectsOf, regionSummaryText, rowKey, worstCell } from './images-model';
import './images.css';
import { MatrixTable } from './MatrixTable';
import { LineagePanel } from './LineagePanel';
import { RegistriesPanel } from './RegistriesPanel';
import { useRefreshBurst } from './useImagesActions';
import { SearchField } from '../../components/SearchField';

/** Typing in a filter re-subscribes in main: wait for a pause. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function useMatrixFeed(filter: ImagesFilter) {
  const client = useClient();
  const debounced = useDebounced(filter, 250);
  useEffect(() => watchImages(client, useAppStore, debounced), [client, debounced]);
}

function Summary() {
  const matrix = useAppStore((s) => s.imagesMatrix);
  const setFilter = useAppStore((s) => s.setImagesFilter);
  if (!matrix) return null;
  const total = matrix.rows.length;
  return (
    <div className="img-summary" data-testid="images-summary" aria-label="Out of sync per region">
      <span className="img-summary__total">
        {total}
        {matrix.truncated ? '+' : ''} image{total === 1 ? '' : 's'}
      </span>
      {matrix.summary.map((s) => (
        <button
          key={s.region}
          type="button"
          className={`chip${s.outOfSync ? ' chip--bad' : s.state === 'unknown' ? ' chip--warn' : ''}`}
          data-testid="images-summary-region"
          data-region={s.region}
          data-out-of-sync={s.outOfSync}
          data-state={s.state}
          title={s.error ? `${s.region}: ${s.error.message}` : `Show only images out of sync (${s.region}: ${s.outOfSync})`}
          onClick={() => setFilter({ onlyOutOfSync: true })}
        >
          <b>{s.region}</b>
          {matrix.sourceRegion === s.region ? <span className="muted"> (source)</span> : null} {regionSummaryText(s)}
          {s.oldestLagMs !== undefined ? <span className="muted"> · oldest {formatElapsed(s.oldestLagMs)}</span> : null}
          {s.stuck ? <span className="text-warn"> · {s.stuck} stuck</span> : null}
        </button>
      ))}
      <span className="muted img-small" data-testid="images-computed-at">
        checked {new Date(matrix.computedAt).toLocaleTimeString()}
      </span>
    </div>
  );
}

function FilterBar({ projects }: { projects: string[] }) {
  const filter = useAppStore((s) => s.imagesFilter);
  const setFilter = useAppStore((s) => s.setImagesFilter);
  return (
    <div className="filterbar" role="search" aria-label="Image filters">
      <label className="field">
        <span className="field__label">Project</span>
        <select
          aria-label="Filter by project"
          data-testid="images-filter-project"
          value={filter.project}
          onChange={(e) => setFilter({ project: e.target.value })}
        >
          <option value="">All projects</option>
          {[...new Set([...projects, ...(filter.project ? [filter.project] : [])])].map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <SearchField
        grow
        primary
        label="App / repository"
        ariaLabel="Filter by app or repository"
        testId="images-filter-app"
        placeholder="repository contains…  ( / )"
        value={filter.app}
        onChange={(app) => setFilter({ app })}
      />
      <SearchField
        label="Tag pattern"
        ariaLabel="Filter by tag pattern"
        testId="images-filter-tag"
        placeholder="1.5.*"
        value={filter.tagPattern}
        onChange={(tagPattern) => setFilter({ tagPattern })}
      />
      <label className="img-check">
        <input
          type="checkbox"
          checked={filter.onlyOutOfSync}
          onChange={(e) => setFilter({ onlyOutOfSync: e.target.checked })}
          data-testid="images-filter-out-of-sync"
        />
        only out of sync
      </label>
    </div>
  );
}

function MatrixTab() {
  const now = useNow();
  const matrix = useAppStore((s) => s.imagesMatrix);
  const error = useAppStore((s) => s.imagesError);
  const filter = useAppStore((s) => s.imagesFilter);
  const selected = useAppStore((s) => s.imagesSelected);
  const select = useAppStore((s) => s.selectImageCell);
  const focus = useAppStore((s) => s.imagesFocus);
  const clearFocus = useAppStore((s) => s.clearImagesFocus);
  const setTab = useAppStore((s) => s.setImagesTab);
  const projects = useMemo(() => projectsOf(matrix), [matrix]);

  // Another view asked for one image (a pod that cannot pull it): select its worst cell once it is here.
  useEffect(() => {
    if (!focus || !matrix) return;
    const row = matrix.rows.find((r) => r.repository === focus.repository && (!focus.tag || r.tag === focus.tag));
    if (row) {
      const cell = worstCell(row);
      if (cell) select({ repository: row.repository, tag: row.tag, region: cell.region });
      clearFocus();
    }
  }, [focus, matrix, select, clearFocus]);

  // h/l or ←/→ move the selected cell across regions (j/k move rows, as in every table).
  useEffect(() => {
    if (!selected || !matrix) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      const delta = e.key === 'ArrowLeft' || e.key === 'h' ? -1 : e.key === 'ArrowRight' || e.key === 'l' ? 1 : 0;
      if (!delta || e.ctrlKey || e.metaKey || e.altKey) return;
      const i = matrix.regions.indexOf(selected.region);
      const next = matrix.regions[Math.max(0, Math.min(matrix.regions.length - 1, i + delta))];
      if (next && next !== selected.region) {
        e.preventDefault();
        select({ ...selected, region: next });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, matrix, select]);

  const filtered = filter.app || filter.project || filter.tagPattern || filter.onlyOutOfSync;
  return (
    <>
      <FilterBar projects={projects} />
      {error ? <ErrorBanner error={error} title="The image matrix stopped updating." testId="images-error" /> : null}
      {matrix?.errors.map((e) => (
        <ErrorBanner
          key={`${e.registryId}-${e.error.code}`}
          error={e.error}
          title={`${e.registryId}:`}
          tone="warn"
          testId="images-registry-error"
        >
          <button type="button" className="btn" onClick={() => setTab('registries')}>
            Registries
          </button>
        </ErrorBanner>
      ))}
      {matrix === null ? (
        error ? null : (
          <div className="center">
            <Spinner size="md" label="Reading tags and replication from every registry…" />
          </div>
        )
      ) : matrix.regions.length === 0 ? (
        <EmptyState title="No registry configured" testId="images-empty">
          Add each region's Harbor (or any OCI registry) in{' '}
          <button type="button" className="btn btn--link" onClick={() => setTab('registries')}>
            Registries
          </button>{' '}
          to see whether every region has the images your workloads run.
        </EmptyState>
      ) : matrix.rows.length === 0 ? (
        <EmptyState title={filtered ? 'No image matches the filters' : 'No images'} testId="images-empty">
          {filtered
            ? 'Change the project, repository or tag pattern, or show images in sync too.'
            : 'The registries hold no tagged image in the followed projects.'}
        </EmptyState>
      ) : (
        <div className={`img-layout${selected ? ' has-detail' : ''}`}>
          <div className="img-layout__matrix">
            <MatrixTable rows={matrix.rows} regions={matrix.regions} selected={selected} onSelect={select} now={now} />
            <p className="muted img-small img-keys">
              {matrix.truncated ? `Only the first ${matrix.rows.length} images are listed: narrow the filter. ` : ''}
              <kbd>j</kbd> <kbd>k</kbd> rows · <kbd>h</kbd> <kbd>l</kbd> regions · <kbd>Enter</kbd> replication details · <kbd>/</kbd>{' '}
              filter · ● used by running workloads or release plans
            </p>
          </div>
          {selected ? <CellDetailPanel key={`${rowKey(selected)}@${selected.region}`} cell={selected} /> : null}
        </div>
      )}
    </>
  );
}

const IMAGES_TABS = [
  ['matrix', 'Sync matrix'],
  ['registries', 'Registries'],
  ['lineage', 'Base images'],
] as const;

export function ImagesView() {
  const tab = useAppStore((s) => s.imagesTab);
  const setTab = useAppStore((s) => s.setImagesTab);
  const filter = useAppStore((s) => s.imagesFilter);
  const refreshBurst = useRefreshBurst();
  useMatrixFeed(filter);
  return (
    <section className="view view--images" aria-label="Image sync">
      <div className="img-toolbar">
        <div className="segmented" role="tablist" aria-label="Images view">
          {IMAGES_TABS.map(([id, label]) => (
            <ChoiceButton key={id} role="tab" selected={tab === id} onSelect={() => setTab(id)} testId={`images-tab-${id}`}>
              {label}
            </ChoiceButton>
          ))}
        </div>
        {tab === 'matrix' ? <Summary /> : <span className="img-summary" />}
        <button
          type="button"
          className="btn"
          onClick={() => refreshBurst([0])}
          data-testid="images-refresh"
          title="Read every registry again now"
        >
          Refresh
        </button>
      </div>
      {tab === 'matrix' ? <MatrixTab /> : tab === 'registries' ? <RegistriesPanel /> : <LineagePanel />}
    </section>
  );
}
