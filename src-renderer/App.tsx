import type { ComponentType } from 'react';
import { ErrorBanner } from './components/ErrorBanner';
import { OverviewView } from './features/clusters/OverviewView';
import { EventsView } from './features/events/EventsView';
import { ImagesView } from './features/images/ImagesView';
import { CommandPalette, usePaletteShortcut } from './features/palette/CommandPalette';
import { LogsView } from './features/logs/LogsView';
import { MetricsView } from './features/metrics/MetricsView';
import { ForwardsView } from './features/portforward/ForwardsView';
import { ProblemsView } from './features/problems/ProblemsView';
import { ReleasesView } from './features/releases/ReleasesView';
import { ResourceDrawer } from './features/resources/ResourceDrawer';
import { ResourcesView } from './features/resources/ResourcesView';
import { DetailDrawer } from './features/workloads/DetailDrawer';
import { WorkloadsView } from './features/workloads/WorkloadsView';
import { navItems } from './shell/nav';
import { NavBar } from './shell/NavBar';
import { ShortcutsHelp } from './shell/ShortcutsHelp';
import { TopBar } from './shell/TopBar';
import { useGlobalKeys } from './shell/useGlobalKeys';
import { useTheme } from './shell/useTheme';
import { useAppStore } from './store';

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
            <View />
          </main>
        </fieldset>
      </div>
      {selected ? (
        <fieldset className="fieldset-contents" disabled={disconnected}>
          <DetailDrawer key={`${selected.clusterId}/${selected.kind}/${selected.namespace}/${selected.name}`} target={selected} />
        </fieldset>
      ) : null}
      {resource ? (
        <fieldset className="fieldset-contents" disabled={disconnected}>
          <ResourceDrawer key={`${resource.clusterId}/${resource.type.group}/${resource.type.resource}/${resource.namespace}/${resource.name}`} target={resource} />
        </fieldset>
      ) : null}
      {helpOpen ? <ShortcutsHelp nav={navItems} /> : null}
      {paletteOpen ? <CommandPalette nav={navItems} /> : null}
    </div>
  );
}
