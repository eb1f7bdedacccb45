/**
 * The left navigation, as data: later features (Releases, Logs, Images, Metrics) add an entry here
 * and get their shortcuts (g + key, and the digit of their position) for free.
 */
export interface NavItem {
  id: string;
  label: string;
  /** Second key of the "g <key>" chord. */
  key: string;
  /** Short description for the shortcuts overlay. */
  hint: string;
}

export const navItems: readonly NavItem[] = [
  { id: 'overview', label: 'Overview', key: 'o', hint: 'Clusters and their connection state' },
  { id: 'workloads', label: 'Workloads', key: 'w', hint: 'Deployments and pods across clusters' },
  { id: 'logs', label: 'Logs', key: 'l', hint: 'Live logs of pods across clusters; shells in containers' },
  { id: 'problems', label: 'Problems', key: 'p', hint: 'Crash loops, OOM kills, pull errors, pending, not ready' },
  { id: 'metrics', label: 'Metrics', key: 'm', hint: 'Container memory and CPU history, top lists, OOM forensics' },
  { id: 'releases', label: 'Releases', key: 'r', hint: 'Release group boards, planner and executions' },
  { id: 'images', label: 'Images', key: 'i', hint: 'Image sync across regional registries, replication executions' },
  {
    id: 'resources',
    label: 'Resources',
    key: 'k',
    hint: 'Every kind (Services, ConfigMaps, Secrets, StatefulSets, Jobs, custom resources…) across clusters',
  },
  { id: 'events', label: 'Events', key: 'e', hint: 'Events of every cluster, Warnings first, repeats grouped' },
  { id: 'forwards', label: 'Forwards', key: 'f', hint: 'Port-forwards to pods and Services: local ports, traffic, stop' },
];
