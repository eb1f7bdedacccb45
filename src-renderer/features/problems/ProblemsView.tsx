import { FacetSelect } from '../../components/FacetSelect';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { isOutdated } from '../../components/freshness';
import { formatClock, formatElapsed } from '../../../src-shared/base/duration';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../components/useNow';
import type { Column } from '../../components/VirtualTable';
import { VirtualTable } from '../../components/VirtualTable';
import { useAppStore } from '../../store';
import { ClusterFreshnessStrip } from '../clusters/ClusterFreshnessStrip';
import type { ProblemKind, ProblemRow } from './problems';
import { parseImageRef } from '../../../src-shared/base/image-ref';
import type { NewLogsTab } from '../logs/open-tabs';
import { filterProblems, groupProblems, problemKinds, problemLabels, problemLogsTab, totalProblems } from './problems';
import { SearchField } from '../../components/SearchField';

const problemRowKey = (r: ProblemRow) => r.key;

interface Openers {
  logs: (tab: NewLogsTab) => void;
  image: (repository: string, tag?: string) => void;
}

function problemColumns(now: number, open: Openers): Column<ProblemRow>[] {
  return [
    { id: 'cluster', header: 'Cluster', width: 'minmax(70px, 0.8fr)', render: (r) => r.pod.clusterId },
    { id: 'namespace', header: 'Namespace', width: 'minmax(80px, 1fr)', render: (r) => r.pod.namespace },
    { id: 'pod', header: 'Pod', width: 'minmax(160px, 2.2fr)', render: (r) => r.pod.name, title: (r) => r.pod.name },
    { id: 'app', header: 'App', width: 'minmax(70px, 1fr)', render: (r) => r.pod.app ?? '' },
    { id: 'message', header: 'What', width: 'minmax(160px, 3fr)', render: (r) => r.message, title: (r) => r.message },
    {
      id: 'since',
      header: 'Since',
      width: '120px',
      align: 'right',
      render: (r) => `${formatElapsed(now - r.since)} · ${formatClock(r.since, now)}`,
    },
    {
      id: 'logs',
      header: 'Open',
      width: '136px',
      render: (r) => {
        const tab = problemLogsTab(r);
        if (!tab) {
          // No logs before the image is pulled: whether each region's registry has it is the question.
          const ref = r.kind === 'ImagePullBackOff' && r.pod.images[0] ? parseImageRef(r.pod.images[0]) : undefined;
          return ref ? (
            <button
              type="button"
              className="btn btn--link text-bad"
              data-testid="image-sync-link"
              data-pull-error="true"
              title={`Is ${ref.repository}${ref.tag ? `:${ref.tag}` : ''} in every region's registry?`}
              onClick={(e) => {
                e.stopPropagation();
                open.image(ref.repository, ref.tag);
              }}
            >
              image sync →
            </button>
          ) : null;
        }
        return (
          <button
            type="button"
            className="btn btn--link"
            data-testid="problem-open-logs"
            title={tab.selection.previous ? 'The terminated instance, from a little before it ended' : "The pod's current logs"}
            onClick={(e) => {
              // The row itself opens the drawer.
              e.stopPropagation();
              open.logs(tab);
            }}
          >
            {tab.selection.previous ? 'previous →' : 'logs →'}
          </button>
        );
      },
    },
  ];
}

function ProblemGroup({
  kind,
  rows,
  columns,
  outdated,
}: {
  kind: ProblemKind;
  rows: ProblemRow[];
  columns: Column<ProblemRow>[];
  outdated: ReadonlySet<string>;
}) {
  const openDetail = useAppStore((s) => s.openDetail);
  const drawerOpen = useAppStore((s) => s.selected !== null);
  const onOpen = useCallback(
    (r: ProblemRow) => openDetail({ clusterId: r.pod.clusterId, kind: 'Pod', namespace: r.pod.namespace, name: r.pod.name }),
    [openDetail],
  );
  const rowClassName = useCallback((r: ProblemRow) => (outdated.has(r.pod.clusterId) ? 'is-dim' : undefined), [outdated]);
  const rowTestAttrs = useCallback(
    (r: ProblemRow) => ({
      'data-cluster': r.pod.clusterId,
      'data-namespace': r.pod.namespace,
      'data-name': r.pod.name,
      'data-problem': r.kind,
    }),
    [],
  );
  return (
    <section
      className="problem-group"
      id={`problems-${kind}`}
      aria-label={`${problemLabels[kind]}: ${rows.length}`}
      data-testid="problem-group"
      data-kind={kind}
      data-count={rows.length}
    >
      <h3 className="problem-group__title">
        {problemLabels[kind]} <span className="badge badge--bad">{rows.length}</span>
      </h3>
      <VirtualTable<ProblemRow>
        rows={rows}
        columns={columns}
        rowKey={problemRowKey}
        label={problemLabels[kind]}
        onOpen={onOpen}
        followSelection={drawerOpen}
        rowClassName={rowClassName}
        rowTestAttrs={rowTestAttrs}
        maxRows={10}
        testId={`problems-table-${kind}`}
      />
    </section>
  );
}

export function ProblemsView() {
  const pods = useDeferredValue(useAppStore((s) => s.pods));
  const clusters = useAppStore((s) => s.clusters);
  const now = useNow();
  const [text, setText] = useState('');
  const [clusterId, setClusterId] = useState('');
  const all = useMemo(() => groupProblems(pods, now), [pods, now]);
  const groups = useMemo(() => filterProblems(all, text, clusterId), [all, text, clusterId]);
  const openLogTab = useAppStore((s) => s.openLogTab);
  const showImage = useAppStore((s) => s.showImage);
  const columns = useMemo(
    () => problemColumns(now, { logs: (tab) => void openLogTab(tab), image: showImage }),
    [now, openLogTab, showImage],
  );
  const outdated = useMemo(() => new Set((clusters ?? []).filter((c) => isOutdated(c.state)).map((c) => c.id)), [clusters]);
  const total = totalProblems(groups);
  const syncing = clusters === null || clusters.some((c) => c.state === 'connecting' || c.state === 'idle');
  const present = problemKinds.filter((k) => groups[k].length > 0);

  return (
    <section className="view view--problems" aria-label="Problems">
      <div className="filterbar" role="search" aria-label="Problem filters">
        <SearchField
          grow
          primary
          label="Search"
          ariaLabel="Search problems"
          testId="problems-filter-text"
          placeholder="pod, app, namespace or message contains…  ( / )"
          value={text}
          onChange={setText}
        />
        <FacetSelect
          label="Cluster"
          value={clusterId}
          values={(clusters ?? []).map((c) => c.id)}
          allLabel="All clusters"
          onChange={setClusterId}
          testId="problems-filter-cluster"
        />
        <ClusterFreshnessStrip selected={clusterId} onSelect={setClusterId} />
      </div>
      <div className="view__meta">
        <span data-testid="problem-count">
          {total} problem{total === 1 ? '' : 's'} across {clusters?.length ?? 0} clusters
        </span>
        <nav className="problem-summary" aria-label="Problem kinds">
          {problemKinds.map((k) => (
            <a key={k} href={`#problems-${k}`} className={`chip${groups[k].length ? ' chip--bad' : ''}`} data-testid={`problem-kind-${k}`}>
              {problemLabels[k]} <b>{groups[k].length}</b>
            </a>
          ))}
        </nav>
        {syncing ? <Spinner size="xs" label="Some clusters are still connecting" /> : null}
      </div>
      <div className="problem-groups">
        {present.length === 0 ? (
          syncing ? (
            <div className="center">
              <Spinner size="md" label="Loading pods from clusters…" />
            </div>
          ) : totalProblems(all) > 0 ? (
            <EmptyState title="No problems match the filters" testId="problems-empty">
              {totalProblems(all)} problems are hidden by the search text or cluster filter.
            </EmptyState>
          ) : (
            <EmptyState title="No problems" testId="problems-empty">
              No pod is crash-looping, OOM-killed, failing to pull its image, pending too long or not ready in any connected cluster.
            </EmptyState>
          )
        ) : (
          present.map((k) => <ProblemGroup key={k} kind={k} rows={groups[k]} columns={columns} outdated={outdated} />)
        )}
      </div>
    </section>
  );
}
