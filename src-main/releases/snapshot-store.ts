/**
 * The last known state of every cluster (src-shared/releases/snapshot.ts), on disk in one JSON
 * file so that plans can be validated offline. A cluster's part is replaced only while that
 * cluster is live: a stale or unreachable cluster keeps its last capture and its date, which is
 * exactly what an offline planner needs to see.
 */
import { readFileSync } from 'node:fs';
import type { ClusterService } from '../clusters/cluster-service';
import { clusterSnapshotFromSummaries, snapshotSchema, type Snapshot } from '../../src-shared/releases/snapshot';
import { writeFileAtomic } from '../base/atomic-write';

export class SnapshotStore {
  private snapshot: Snapshot = { clusters: [] };
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly disposers: (() => void)[] = [];
  problem: string | undefined;
  /** Called after the snapshot changed (the board shows each cluster's capture date). */
  onDidChange: () => void = () => undefined;

  constructor(
    private readonly file: string,
    private readonly clusters: ClusterService,
    private readonly now: () => number = Date.now,
    private readonly throttleMs = 2000,
  ) {
    try {
      const parsed = snapshotSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) this.snapshot = parsed.data;
      else this.problem = `The saved cluster snapshot ${file} is not valid; it will be replaced by the next live capture.`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.problem = `Could not read the cluster snapshot ${file}: ${(e as Error).message}`;
    }
    this.disposers.push(
      clusters.onDidChangeWorkloads((_id, change) => {
        if (change.kind !== 'Pod') this.schedule();
      }),
      clusters.onDidChangeClusters(() => this.schedule()),
    );
  }

  get(): Snapshot {
    return this.snapshot;
  }

  /** Clusters that are live right now, captured now (the drift check's "after"). */
  live(): { snapshot: Snapshot; unreachable: string[] } {
    const clusters = [];
    const unreachable: string[] = [];
    for (const id of this.clusters.ids()) {
      const info = this.clusters.get(id);
      const w = this.clusters.workloads(id);
      if (info?.state === 'live' && w) clusters.push(clusterSnapshotFromSummaries(id, info.datacenter, this.now(), w.deploymentList()));
      else unreachable.push(id);
    }
    return { snapshot: { clusters }, unreachable };
  }

  isLive(clusterId: string): boolean {
    return this.clusters.get(clusterId)?.state === 'live';
  }

  /** Take live clusters into the snapshot now and write it. */
  refresh(): Promise<void> {
    const { snapshot } = this.live();
    if (snapshot.clusters.length === 0) return this.writing;
    const fresh = new Map(snapshot.clusters.map((c) => [c.clusterId, c]));
    const kept = this.snapshot.clusters.filter((c) => !fresh.has(c.clusterId) && this.clusters.ids().includes(c.clusterId));
    this.snapshot = { clusters: [...kept, ...fresh.values()].sort((a, b) => a.clusterId.localeCompare(b.clusterId)) };
    this.onDidChange();
    const text = `${JSON.stringify(this.snapshot)}\n`;
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, text))
      .catch((e: Error) => void (this.problem = `Could not save the cluster snapshot: ${e.message}`));
    return this.writing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.throttleMs);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposers) d();
  }
}
