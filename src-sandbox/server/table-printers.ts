/**
 * Server-side printing (meta.k8s.io/v1 Table) for the columns kubectl shows, following the
 * apiserver's printers: `kubectl get` and `-o wide` ask the server for these and print them as-is.
 */
import type { ResourceName } from '../kube/resources';
import { labelSelectorString } from '../../src-shared/base/label-selector';
import type { KubeObject } from '../kube/types';

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});
const none = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));

/** kube's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  const days = Math.floor(hours / 24) % 365;
  if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`;
  return `${years}y`;
}

const age = (ts: string | undefined) => (ts ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>');

interface Printer {
  columns: Column[];
  cells(o: KubeObject): unknown[];
}

type ContainerStatus = {
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, { reason?: string; exitCode?: number; signal?: number }>;
  lastState?: { terminated?: { finishedAt?: string } };
};

function podCells(p: KubeObject): unknown[] {
  const statuses = (p.status?.containerStatuses ?? []) as ContainerStatus[];
  let reason: string = p.status?.reason ?? p.status?.phase ?? 'Unknown';
  let restarts = 0;
  let ready = 0;
  let hasRunning = false;
  let lastRestart: number | undefined;
  for (const c of [...statuses].reverse()) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished && (lastRestart === undefined || Date.parse(finished) > lastRestart)) lastRestart = Date.parse(finished);
    const { waiting, terminated, running } = c.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
    else if (c.ready && running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  const initReason = initStatus(p);
  if (initReason) reason = initReason;
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  const restartText = lastRestart !== undefined ? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)` : String(restarts);
  return [
    p.metadata.name,
    `${ready}/${p.spec?.containers?.length ?? 0}`,
    reason,
    restartText,
    age(p.metadata.creationTimestamp),
    none(p.status?.podIP),
    none(p.spec?.nodeName),
    '<none>',
    '<none>',
  ];
}

/** `Init:1/2`, `Init:Error`, `Init:CrashLoopBackOff` while init containers have not all completed (kubectl's printer). */
function initStatus(p: KubeObject): string | undefined {
  const inits = (p.status?.initContainerStatuses ?? []) as ContainerStatus[];
  for (let i = 0; i < inits.length; i++) {
    const { terminated, waiting } = inits[i]!.state ?? {};
    if (terminated?.exitCode === 0) continue;
    if (terminated) return terminated.reason ? `Init:${terminated.reason}` : `Init:ExitCode:${terminated.exitCode}`;
    if (waiting?.reason && waiting.reason !== 'PodInitializing') return `Init:${waiting.reason}`;
    return `Init:${i}/${inits.length}`;
  }
  return undefined;
}

const names = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as { name: string }[]).map((c) => c.name).join(',');
const images = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as { image: string }[]).map((c) => c.image).join(',');
const nameCol = col('Name', 'string', 0, 'name');
/** Columns kubectl shows only with -o wide. */
const wideCols = (...names: string[]) => names.map((n) => col(n, 'string', 1));
/** kubectl's -o wide columns of a workload that selects pods from a template. */
const workloadWide = wideCols('Containers', 'Images', 'Selector');
const wide = (o: KubeObject) => [names(o), images(o), labelSelectorString(o.spec?.selector)];

const PRINTERS: Record<ResourceName, Printer> = {
  pods: {
    columns: [
      nameCol,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      ...wideCols('IP', 'Node', 'Nominated Node', 'Readiness Gates'),
    ],
    cells: podCells,
  },
  deployments: {
    columns: [nameCol, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), ...workloadWide],
    cells: (d) => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d.metadata.creationTimestamp),
      ...wide(d),
    ],
  },
  replicasets: {
    columns: [nameCol, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age'), ...workloadWide],
    cells: (r) => [
      r.metadata.name,
      r.spec?.replicas ?? 0,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      age(r.metadata.creationTimestamp),
      ...wide(r),
    ],
  },
  nodes: {
    columns: [
      nameCol,
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      ...wideCols('Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'),
    ],
    cells: (n) => {
      const ready =
        (n.status?.conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === 'Ready')?.status === 'True';
      const roles = Object.keys(n.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.split('/')[1])
        .join(',');
      const addr = (t: string) =>
        none((n.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === t)?.address);
      const info = n.status?.nodeInfo ?? {};
      return [
        n.metadata.name,
        (ready ? 'Ready' : 'NotReady') + (n.spec?.unschedulable ? ',SchedulingDisabled' : ''),
        roles || '<none>',
        age(n.metadata.creationTimestamp),
        info.kubeletVersion,
        addr('InternalIP'),
        addr('ExternalIP'),
        info.osImage,
        info.kernelVersion,
        info.containerRuntimeVersion,
      ];
    },
  },
  namespaces: {
    columns: [nameCol, col('Status'), col('Age')],
    cells: (n) => [n.metadata.name, n.status?.phase ?? 'Active', age(n.metadata.creationTimestamp)],
  },
  events: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'integer', 1),
      col('Name', 'string', 1, 'name'),
    ],
    cells: (e) => {
      const inv = (e.involvedObject ?? {}) as { kind?: string; name?: string; fieldPath?: string };
      const src = (e.source ?? {}) as { component?: string; host?: string };
      return [
        age(e.lastTimestamp as string),
        e.type,
        e.reason,
        `${(inv.kind ?? '').toLowerCase()}/${inv.name}`,
        inv.fieldPath ?? '',
        [src.component, src.host].filter(Boolean).join(', '),
        e.message,
        age(e.firstTimestamp as string),
        e.count ?? 1,
        e.metadata.name,
      ];
    },
  },
  ...clusterKindPrinters(),
};

function clusterKindPrinters(): Record<
  Exclude<ResourceName, 'pods' | 'deployments' | 'replicasets' | 'nodes' | 'namespaces' | 'events'>,
  Printer
> {
  const jobTemplate = (o: KubeObject) => ({ ...o, spec: o.spec?.jobTemplate?.spec ?? {} }) as KubeObject;
  const nameAge = { columns: [nameCol, col('Age')], cells: (o: KubeObject) => [o.metadata.name, age(o.metadata.creationTimestamp)] };
  return {
    services: {
      columns: [nameCol, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
      cells: (s) => [
        s.metadata.name,
        s.spec?.type,
        s.spec?.clusterIP || '<none>',
        serviceExternalIp(s),
        servicePorts(s),
        age(s.metadata.creationTimestamp),
        Object.entries((s.spec?.selector ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      ],
    },
    endpointslices: {
      columns: [nameCol, col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
      cells: (e) => {
        const ports = ((e.ports ?? []) as { port?: number }[]).map((p) => p.port).filter((p) => p !== undefined);
        const addrs = ((e.endpoints ?? []) as { addresses: string[] }[]).flatMap((x) => x.addresses);
        const shown = addrs.slice(0, 3).join(',') + (addrs.length > 3 ? ` + ${addrs.length - 3} more...` : '');
        return [
          e.metadata.name,
          e.addressType,
          ports.length ? ports.join(',') : '<unset>',
          addrs.length ? shown : '<unset>',
          age(e.metadata.creationTimestamp),
        ];
      },
    },
    endpoints: {
      columns: [nameCol, col('Endpoints'), col('Age')],
      cells: (e) => {
        const pairs = ((e.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[]).flatMap((s) =>
          (s.addresses ?? []).flatMap((a) => (s.ports?.length ? s.ports.map((p) => `${a.ip}:${p.port}`) : [a.ip])),
        );
        const shown = pairs.slice(0, 3).join(',') + (pairs.length > 3 ? ` + ${pairs.length - 3} more...` : '');
        return [e.metadata.name, pairs.length ? shown : '<none>', age(e.metadata.creationTimestamp)];
      },
    },
    configmaps: {
      columns: [nameCol, col('Data', 'integer'), col('Age')],
      cells: (c) => [
        c.metadata.name,
        Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length,
        age(c.metadata.creationTimestamp),
      ],
    },
    secrets: {
      columns: [nameCol, col('Type'), col('Data', 'integer'), col('Age')],
      cells: (c) => [c.metadata.name, c.type, Object.keys(c.data ?? {}).length, age(c.metadata.creationTimestamp)],
    },
    serviceaccounts: {
      columns: [nameCol, col('Secrets', 'integer'), col('Age')],
      cells: (c) => [c.metadata.name, ((c.secrets as unknown[] | undefined) ?? []).length, age(c.metadata.creationTimestamp)],
    },
    leases: {
      columns: [nameCol, col('Holder'), col('Age')],
      cells: (l) => [l.metadata.name, l.spec?.holderIdentity ?? '', age(l.metadata.creationTimestamp)],
    },
    statefulsets: {
      columns: [nameCol, col('Ready'), col('Age'), ...wideCols('Containers', 'Images')],
      cells: (s) => [
        s.metadata.name,
        `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`,
        age(s.metadata.creationTimestamp),
        names(s),
        images(s),
      ],
    },
    daemonsets: {
      columns: [
        nameCol,
        col('Desired', 'integer'),
        col('Current', 'integer'),
        col('Ready', 'integer'),
        col('Up-to-date', 'integer'),
        col('Available', 'integer'),
        col('Node Selector'),
        col('Age'),
        ...workloadWide,
      ],
      cells: (d) => {
        const st = d.status ?? {};
        const sel = Object.entries((d.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return [
          d.metadata.name,
          st.desiredNumberScheduled ?? 0,
          st.currentNumberScheduled ?? 0,
          st.numberReady ?? 0,
          st.updatedNumberScheduled ?? 0,
          st.numberAvailable ?? 0,
          sel || '<none>',
          age(d.metadata.creationTimestamp),
          ...wide(d),
        ];
      },
    },
    jobs: {
      columns: [nameCol, col('Status'), col('Completions'), col('Duration'), col('Age'), ...workloadWide],
      cells: (j) => [
        j.metadata.name,
        jobStatus(j),
        `${j.status?.succeeded ?? 0}/${j.spec?.completions ?? 1}`,
        jobDuration(j),
        age(j.metadata.creationTimestamp),
        ...wide(j),
      ],
    },
    cronjobs: {
      columns: [
        nameCol,
        col('Schedule'),
        col('Timezone'),
        col('Suspend'),
        col('Active', 'integer'),
        col('Last Schedule'),
        col('Age'),
        ...workloadWide,
      ],
      cells: (c) => [
        c.metadata.name,
        c.spec?.schedule,
        c.spec?.timeZone ?? '<none>',
        c.spec?.suspend ? 'True' : 'False',
        ((c.status?.active as unknown[] | undefined) ?? []).length,
        c.status?.lastScheduleTime ? age(c.status.lastScheduleTime) : '<none>',
        age(c.metadata.creationTimestamp),
        ...wide(jobTemplate(c)),
      ],
    },
    poddisruptionbudgets: {
      columns: [nameCol, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
      cells: (p) => [
        p.metadata.name,
        p.spec?.minAvailable ?? 'N/A',
        p.spec?.maxUnavailable ?? 'N/A',
        p.status?.disruptionsAllowed ?? 0,
        age(p.metadata.creationTimestamp),
      ],
    },
    selfsubjectaccessreviews: nameAge,
    selfsubjectreviews: nameAge,
    selfsubjectrulesreviews: nameAge,
    controllerrevisions: {
      columns: [nameCol, col('Controller'), col('Revision', 'integer'), col('Age')],
      cells: (r) => {
        const owner = r.metadata.ownerReferences?.find((o) => o.controller);
        const group = owner?.apiVersion.includes('/') ? `.${owner.apiVersion.split('/')[0]}` : '';
        return [
          r.metadata.name,
          owner ? `${owner.kind.toLowerCase()}${group}/${owner.name}` : '<none>',
          r.revision ?? 0,
          age(r.metadata.creationTimestamp),
        ];
      },
    },
  };
}

function servicePorts(s: KubeObject): string {
  const ports = (s.spec?.ports ?? []) as { port: number; protocol?: string; nodePort?: number }[];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function serviceExternalIp(s: KubeObject): string {
  const type = s.spec?.type;
  if (type === 'ExternalName') return s.spec?.externalName ?? '<none>';
  const external = (s.spec?.externalIPs ?? []) as string[];
  if (type === 'LoadBalancer') {
    const ingress = ((s.status?.loadBalancer?.ingress ?? []) as { ip?: string; hostname?: string }[]).map((i) => i.ip ?? i.hostname);
    const all = [...ingress, ...external];
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : '<none>';
}

/** kubectl 1.32's Job STATUS column: the terminal condition, else Suspended / Running. */
function jobStatus(j: KubeObject): string {
  const conds = (j.status?.conditions ?? []) as { type: string; status: string }[];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(j: KubeObject): string {
  const start = j.status?.startTime;
  if (!start) return '';
  const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : Date.now();
  return humanDuration(end - Date.parse(start));
}

export function printerFor(resource: ResourceName): Printer {
  return PRINTERS[resource];
}
