import type { AppClient } from '../../src-shared/contract';
import type { WorkloadDiff } from '../../src-shared/workloads/contract';
import type { AppError } from '../../src-shared/result';
import type { ServicesState } from '../features/clusters/clusters-slice';
import type { AppStore } from './index';
import type { DeploymentRow, PodRow } from '../features/workloads/workload-index';
import { WorkloadIndex } from '../features/workloads/workload-index';

/**
 * The one place where IPC pushes enter the store (DESIGN.md, convention 6).
 *
 * Workload diffs are queued and applied in batches: on the next animation frame, but no more often
 * than every `minIntervalMs`, so that 200 pod changes per second cost a few store updates per second,
 * not 200 re-renders (at most 10 a second). Clusters (a small list, rate-bounded by main) are applied as they come.
 * Streams that live only while their view is open enter through their own part of the bridge,
 * beside this file: images-bridge.ts (the image matrix) and metrics-bridge.ts (the top lists).
 */
export interface BridgeOptions {
  /** Defaults to requestAnimationFrame, raced with a timer so a hidden window still drains its queue. */
  requestFrame?: (cb: () => void) => void;
  setTimer?: (cb: () => void, ms: number) => unknown;
  now?: () => number;
  minIntervalMs?: number;
  /** The transport's connection state (browser mode's WebSocket can drop and come back). */
  watchTransport?: (listener: (state: ServicesState) => void) => () => void;
}

const defaultRequestFrame = (cb: () => void): void => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cb();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, 500);
};

export function startBridge(client: AppClient, store: AppStore, options: BridgeOptions = {}): () => void {
  const requestFrame = options.requestFrame ?? defaultRequestFrame;
  const setTimer = options.setTimer ?? ((cb: () => void, ms: number) => setTimeout(cb, ms));
  const now = options.now ?? (() => performance.now());
  const minIntervalMs = options.minIntervalMs ?? 100;

  const index = new WorkloadIndex();
  let queue: WorkloadDiff[] = [];
  let knownClusters: Set<string> | null = null;
  let scheduled = false;
  // When the last batch was let through (not when its frame came): measured from the flush, each
  // frame's wait was added to the next interval, and against main's own cadence (then 200 ms) a diff
  // waited here ~100 ms on average (bench releases, under churn).
  let lastSlot = -Infinity;
  let stopped = false;

  const flush = () => {
    scheduled = false;
    if (stopped) return;
    const batch = queue;
    queue = [];
    // A flush with no workload diffs (a cluster list change) does not take the workloads' slot: at
    // launch the clusters arrive first, and the last known board must not wait the interval after them.
    if (batch.length === 0) lastSlot = -Infinity;
    const changes = index.applyDiffs(batch);
    if (knownClusters) {
      const removed = index.retainClusters(knownClusters);
      changes.pods ||= removed.pods;
      changes.deployments ||= removed.deployments;
    }
    const patch: { pods?: PodRow[]; deployments?: DeploymentRow[]; syncedKinds?: ReturnType<WorkloadIndex['syncedKinds']> } = {};
    if (changes.pods) patch.pods = index.pods.rows() as PodRow[];
    if (changes.deployments) patch.deployments = index.deployments.rows() as DeploymentRow[];
    if (changes.pods || changes.deployments || batch.some((d) => d.reset)) patch.syncedKinds = index.syncedKinds();
    if (Object.keys(patch).length > 0) store.getState().setWorkloads(patch);
  };

  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    const t = now();
    const wait = lastSlot + minIntervalMs - t;
    lastSlot = t + Math.max(0, wait);
    if (wait > 0) setTimer(() => requestFrame(flush), wait);
    else requestFrame(flush);
  };

  // The client reports a stream's end with an AppError (or an Err result): keep the message, it says what to do.
  const servicesError = (e: unknown) => {
    const candidate = (e && typeof e === 'object' && 'error' in e ? (e as { error: unknown }).error : e) as AppError | undefined;
    store
      .getState()
      .setServicesError(
        candidate && typeof candidate.message === 'string'
          ? candidate
          : { code: 'unavailable', message: 'Lost the live updates from Capstan services. Reload the window (Ctrl+R) to retry.' },
      );
  };

  const unwatchTransport = options.watchTransport?.((state) => store.getState().setServicesState(state));

  const unsubscribeClusters = client['clusters.watch'](
    {},
    (event) => {
      const state = store.getState();
      state.setClusters(event.clusters);
      if (state.servicesError) state.setServicesError(null);
      knownClusters = new Set(event.clusters.map((c) => c.id));
      schedule();
    },
    servicesError,
  );
  const unsubscribeWorkloads = client['workloads.subscribe'](
    {},
    (event) => {
      if (event.diffs.length === 0) return;
      for (const diff of event.diffs) queue.push(diff);
      schedule();
    },
    servicesError,
  );
  void client['app.info']({}).then(
    (result) => {
      if (stopped) return;
      if (result.ok) store.getState().setAppInfo(result.value);
      else store.getState().setServicesError(result.error);
    },
    () => servicesError(undefined),
  );

  return () => {
    stopped = true;
    unsubscribeClusters();
    unsubscribeWorkloads();
    unwatchTransport?.();
  };
}
