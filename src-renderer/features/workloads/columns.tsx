import { lastOomKill } from '../../../src-shared/workloads/oom';
import { formatElapsed } from '../../../src-shared/base/duration';
import { podStatusTone, rolloutTone, StatusBadge } from '../../components/StatusBadge';
import type { Column } from '../../components/VirtualTable';
import type { DeploymentRow, PodRow } from './workload-index';
import type { SortValue } from './sort';

export type SortableColumn<T> = Column<T> & { sortValue?: (row: T) => SortValue };

const shortImage = (image: string) => image.slice(image.lastIndexOf('/') + 1);

export const podStatusOf = (p: PodRow): string => p.status;
export const deploymentStatusOf = (d: DeploymentRow): string => d.rollout;

export function podColumns(now: number): SortableColumn<PodRow>[] {
  return [
    {
      id: 'cluster',
      header: 'Cluster',
      width: 'minmax(70px, 0.8fr)',
      render: (p) => p.clusterId,
      sortable: true,
      sortValue: (p) => p.clusterId,
    },
    {
      id: 'namespace',
      header: 'Namespace',
      width: 'minmax(80px, 1fr)',
      render: (p) => p.namespace,
      sortable: true,
      sortValue: (p) => p.namespace,
    },
    {
      id: 'name',
      header: 'Name',
      width: 'minmax(160px, 2.6fr)',
      render: (p) => p.name,
      title: (p) => p.name,
      sortable: true,
      sortValue: (p) => p.name,
    },
    { id: 'app', header: 'App', width: 'minmax(70px, 1fr)', render: (p) => p.app ?? '', sortable: true, sortValue: (p) => p.app ?? '' },
    {
      id: 'group',
      header: 'Group',
      width: 'minmax(50px, 0.6fr)',
      render: (p) => p.group ?? '',
      sortable: true,
      sortValue: (p) => p.group ?? '',
    },
    {
      id: 'status',
      header: 'Status',
      width: 'minmax(110px, 1.2fr)',
      render: (p) => <StatusBadge tone={podStatusTone(p.status, p.ready)}>{p.status}</StatusBadge>,
      sortable: true,
      sortValue: (p) => p.status,
    },
    {
      id: 'ready',
      header: 'Ready',
      width: '56px',
      align: 'right',
      render: (p) => `${p.readyContainers}/${p.totalContainers}`,
      sortable: true,
      sortValue: (p) => (p.ready ? 1 : 0),
    },
    {
      id: 'restarts',
      header: 'Restarts',
      width: '74px',
      align: 'right',
      render: (p) => (p.restarts > 0 ? <span className={lastOomKill(p) ? 'text-bad' : 'text-warn'}>{p.restarts}</span> : '0'),
      title: (p) => (p.lastTerminationReason ? `last termination: ${p.lastTerminationReason}` : undefined),
      sortable: true,
      sortValue: (p) => p.restarts,
    },
    {
      id: 'age',
      header: 'Age',
      width: '56px',
      align: 'right',
      render: (p) => formatElapsed(now - p.createdAt),
      sortable: true,
      sortValue: (p) => -p.createdAt,
    },
    {
      id: 'node',
      header: 'Node',
      width: 'minmax(80px, 1fr)',
      render: (p) => p.node ?? '',
      title: (p) => p.node,
      sortable: true,
      sortValue: (p) => p.node ?? '',
    },
  ];
}

export function deploymentColumns(now: number): SortableColumn<DeploymentRow>[] {
  return [
    {
      id: 'cluster',
      header: 'Cluster',
      width: 'minmax(70px, 0.8fr)',
      render: (d) => d.clusterId,
      sortable: true,
      sortValue: (d) => d.clusterId,
    },
    {
      id: 'namespace',
      header: 'Namespace',
      width: 'minmax(80px, 1fr)',
      render: (d) => d.namespace,
      sortable: true,
      sortValue: (d) => d.namespace,
    },
    {
      id: 'name',
      header: 'Name',
      width: 'minmax(140px, 2fr)',
      render: (d) => d.name,
      title: (d) => d.name,
      sortable: true,
      sortValue: (d) => d.name,
    },
    { id: 'app', header: 'App', width: 'minmax(70px, 1fr)', render: (d) => d.app ?? '', sortable: true, sortValue: (d) => d.app ?? '' },
    {
      id: 'group',
      header: 'Group',
      width: 'minmax(50px, 0.6fr)',
      render: (d) => d.group ?? '',
      sortable: true,
      sortValue: (d) => d.group ?? '',
    },
    {
      id: 'ready',
      header: 'Ready',
      width: '84px',
      align: 'right',
      render: (d) => <span className={d.readyReplicas < d.replicas ? 'text-warn' : undefined}>{`${d.readyReplicas}/${d.replicas}`}</span>,
      sortable: true,
      sortValue: (d) => (d.replicas === 0 ? 1 : d.readyReplicas / d.replicas),
    },
    {
      id: 'updated',
      header: 'Updated',
      width: '72px',
      align: 'right',
      render: (d) => d.updatedReplicas,
      sortable: true,
      sortValue: (d) => d.updatedReplicas,
    },
    {
      id: 'available',
      header: 'Available',
      width: '78px',
      align: 'right',
      render: (d) => d.availableReplicas,
      sortable: true,
      sortValue: (d) => d.availableReplicas,
    },
    {
      id: 'rollout',
      header: 'Rollout',
      width: 'minmax(90px, 0.9fr)',
      render: (d) => <StatusBadge tone={rolloutTone[d.rollout]}>{d.rollout}</StatusBadge>,
      title: (d) => d.rolloutMessage,
      sortable: true,
      sortValue: (d) => d.rollout,
    },
    {
      id: 'image',
      header: 'Image',
      width: 'minmax(120px, 1.6fr)',
      render: (d) => d.images.map(shortImage).join(', '),
      title: (d) => d.images.join('\n'),
      sortable: true,
      sortValue: (d) => d.images[0] ?? '',
    },
    {
      id: 'age',
      header: 'Age',
      width: '56px',
      align: 'right',
      render: (d) => formatElapsed(now - d.createdAt),
      sortable: true,
      sortValue: (d) => -d.createdAt,
    },
  ];
}
