/**
 * Team releases, watched: per live cluster, a watch on `capstan-system`'s team records (ConfigMaps,
 * metadata only: the content is read by the poll) and on its team Leases (small; only a change of
 * holder counts, so renewals every retry period wake nobody). Any such change asks for a poll
 * round at once (`onChange`), so a teammate's new release, a Lease taken or handed back shows
 * within about a second while the periodic poll stays a slow fallback.
 *
 * The reflectors (src-main/watch/reflector.ts) retry on their own with back-off (800 ms doubling
 * to 30 s): a watch refused (403 in a namespace we cannot read) or a cluster gone costs one request
 * now and then, never a tight loop, and nothing is logged. `up()` says whether every live cluster
 * is watched; while it is not, the service polls at the shorter idle period.
 */
import type { KubeObject } from '../../src-shared/k8s/types';
import { metadataTransport } from '../watch/metadata-transport';
import type { BackoffPolicy } from '../../src-shared/base/backoff';
import { Reflector, type ReflectorEvent, type ReflectorTransport } from '../watch/reflector';
import { RECORD_LABEL, TEAM_NAMESPACE } from './execution-lease';

export interface TeamWatchOptions {
  /** The connection of a cluster, when connected. */
  connection: (clusterId: string) => ReflectorTransport | undefined;
  /** A team record or a Lease's holder changed somewhere: read the records. */
  onChange: () => void;
  /** A watch opened or failed (the fallback period may change). */
  onStatus: () => void;
  backoff?: BackoffPolicy & { resetAfterMs?: number };
}

type Slim = KubeObject & { holder?: string };

interface ClusterWatch {
  conn: ReflectorTransport;
  reflectors: Reflector<Slim>[];
  disposers: (() => void)[];
}

const selector = (v: string) => `labelSelector=${encodeURIComponent(`${RECORD_LABEL}=${v}`)}`;

/** What the watches keep of a record or a Lease: its identity and version, and a Lease's holder. */
const slim = (o: KubeObject & { spec?: { holderIdentity?: string } }): Slim => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  metadata: {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    resourceVersion: o.metadata.resourceVersion,
  },
  holder: o.spec?.holderIdentity ?? '',
});

export class TeamWatch {
  private readonly clusters = new Map<string, ClusterWatch>();

  constructor(private readonly o: TeamWatchOptions) {}

  /** Watch exactly these clusters (the live ones); a cluster whose connection was replaced is watched anew. */
  sync(clusterIds: readonly string[]): void {
    const want = new Set(clusterIds);
    for (const [id, w] of this.clusters) if (!want.has(id) || this.o.connection(id) !== w.conn) this.stop(id);
    for (const id of want) if (!this.clusters.has(id)) this.start(id);
  }

  /** Every one of `clusterIds` (at least one) is watched, with its watches open. */
  up(clusterIds: readonly string[]): boolean {
    return (
      clusterIds.length > 0 && clusterIds.every((id) => this.clusters.get(id)?.reflectors.every((r) => r.status().phase === 'watching'))
    );
  }

  dispose(): void {
    for (const id of [...this.clusters.keys()]) this.stop(id);
  }

  private start(clusterId: string): void {
    const conn = this.o.connection(clusterId);
    if (!conn) return;
    const records = new Reflector<Slim>({
      transport: metadataTransport(conn),
      path: `/api/v1/namespaces/${TEAM_NAMESPACE}/configmaps?${selector('record')}`,
      resource: 'configmaps',
      transform: slim,
      backoff: this.o.backoff,
    });
    const leases = new Reflector<Slim>({
      transport: conn,
      path: `/apis/coordination.k8s.io/v1/namespaces/${TEAM_NAMESPACE}/leases?${selector('lease')}`,
      resource: 'leases',
      transform: slim,
      backoff: this.o.backoff,
    });
    // The holder each Lease had, to tell a renewal (nothing to do) from a take-over or hand-back.
    const holders = new Map<string, string>();
    const w: ClusterWatch = { conn, reflectors: [records, leases], disposers: [] };
    const synced = new Set<Reflector<Slim>>();
    for (const r of w.reflectors) {
      w.disposers.push(
        r.onDidChangeStatus((s) => {
          // First sync: whatever changed between the last read and the watch's start is read now.
          if (s.synced && !synced.has(r)) {
            synced.add(r);
            this.o.onChange();
          }
          this.o.onStatus();
        }),
      );
    }
    w.disposers.push(records.onDidChange(() => this.o.onChange()));
    w.disposers.push(
      leases.onDidChange((events: ReflectorEvent<Slim>[]) => {
        let changed = false;
        for (const e of events) {
          const key = e.object.metadata.name ?? '';
          const holder = e.type === 'delete' ? undefined : (e.object.holder ?? '');
          if (holders.get(key) === holder) continue;
          changed = true;
          if (holder === undefined) holders.delete(key);
          else holders.set(key, holder);
        }
        if (changed) this.o.onChange();
      }),
    );
    this.clusters.set(clusterId, w);
    for (const r of w.reflectors) r.start();
  }

  private stop(clusterId: string): void {
    const w = this.clusters.get(clusterId);
    if (!w) return;
    this.clusters.delete(clusterId);
    for (const d of w.disposers) d();
    for (const r of w.reflectors) r.dispose();
  }
}
