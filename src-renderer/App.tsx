import { lazy, Suspense, type ComponentType } from 'react';
import { ErrorBanner } from './components/ErrorBanner';
import { Spinner } from './components/Spinner';
import { OverviewView } from './features/clusters/OverviewView';
import { CommandPalette, usePaletteShortcut } from './features/palette/CommandPalette';
import { ProblemsView } from './features/problems/ProblemsView';
import { ReleasesView } from './features/releases/ReleasesView';
import { WorkloadsView } from './features/workloads/WorkloadsView';
import { navItems } from './shell/nav';
import { NavBar } from './shell/NavBar';
import { ShortcutsHelp } from './shell/ShortcutsHelp';
import { TopBar } from './shell/TopBar';
import { useGlobalKeys } from './shell/useGlobalKeys';
import { useTheme } from './shell/useTheme';
import { useAppStore } from './store';

/**
 * Views that are not on the launch's screens (overview, board, workloads) load on first use, each
 * with its heavy libraries (xterm, uPlot, CodeMirror): the script parsed at launch is the first
 * screens' only.
 */
const lazyNamed = <K extends string>(load: () => Promise<Record<K, ComponentType<never>>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] as ComponentType }));
const ImagesView = lazyNamed(() => import('./features/images/ImagesView'), 'ImagesView');
const ResourcesView = lazyNamed(() => import('./features/resources/ResourcesView'), 'ResourcesView');
const EventsView = lazyNamed(() => import('./features/events/EventsView'), 'EventsView');
const LogsView = lazyNamed(() => import('./features/logs/LogsView'), 'LogsView');
const MetricsView = lazyNamed(() => import('./features/metrics/MetricsView'), 'MetricsView');
const ForwardsView = lazyNamed(() => import('./features/portforward/ForwardsView'), 'ForwardsView');
const DetailDrawer = lazy(async () => ({ default: (await import('./features/workloads/DetailDrawer')).DetailDrawer }));
const ResourceDrawer = lazy(async () => ({ default: (await import('./features/resources/ResourceDrawer')).ResourceDrawer }));

const loading = <Spinner label="Loading…" />;

/** View components by nav id; a feature adds its nav entry (shell/nav.ts) and its view here. */
const views: Record<string, ComponentType> = {
  overview: OverviewView,
  images: ImagesView,
  workloads: WorkloadsView,
  resources: ResourcesView,
  events: EventsView,
  problems: ProblemsView,
  logs: LogsView,
  metrics: MetricsView,
  releases: ReleasesView,
  forwards: ForwardsView,
};

export function App() {
  const theme = useAppStore((s) => s.theme);
  const view = useAppStore((s) => s.view);
  const workloadSelected = useAppStore((s) => s.selected);
  const resourceSelected = useAppStore((s) => s.resourceSelected);
  // The Resources and Events views share the resources drawer; elsewhere the workload drawer shows.
  const resourceDrawer = view === 'resources' || view === 'events';
  const selected = resourceDrawer ? null : workloadSelected;
  const resource = resourceDrawer ? resourceSelected : null;
  const helpOpen = useAppStore((s) => s.helpOpen);
  const servicesError = useAppStore((s) => s.servicesError);
  // While the services are unreachable every control in the views and the drawer is disabled
  // (a disabled fieldset), so nothing can be attempted against data that is no longer live.
  const disconnected = useAppStore((s) => s.servicesDownSince !== null);
  useTheme(theme);
  useGlobalKeys(useAppStore, navItems);
  usePaletteShortcut();
  const paletteOpen = useAppStore((s) => s.paletteOpen);
  const View = views[view] ?? OverviewView;
  const title = navItems.find((n) => n.id === view)?.label ?? 'Overview';
  return (
    <div className={`app${selected || resource ? ' has-drawer' : ''}`} data-view={view}>
      <NavBar items={navItems} />
      <div className="main">
        <TopBar title={title} />
        {servicesError ? <ErrorBanner error={servicesError} title="Live updates stopped." testId="services-error" /> : null}
        <fieldset className="fieldset-contents" disabled={disconnected} data-testid="actions-fieldset">
          <main className="content" data-testid={`view-${view}`}>
            <Suspense fallback={loading}>
              <View />
            </Suspense>
          </main>
        </fieldset>
      </div>
      {selected ? (
        <fieldset className="fieldset-contents" disabled={disconnected}>
          <Suspense fallback={loading}>
            <DetailDrawer key={`${selected.clusterId}/${selected.kind}/${selected.namespace}/${selected.name}`} target={selected} />
          </Suspense>
        </fieldset>
      ) : null}
      {resource ? (
        <fieldset className="fieldset-contents" disabled={disconnected}>
          <Suspense fallback={loading}>
            <ResourceDrawer
              key={`${resource.clusterId}/${resource.type.group}/${resource.type.resource}/${resource.namespace}/${resource.name}`}
              target={resource}
            />
          </Suspense>
        </fieldset>
      ) : null}
      {helpOpen ? <ShortcutsHelp nav={navItems} /> : null}
      {paletteOpen ? <CommandPalette nav={navItems} /> : null}
    </div>
  );
}
