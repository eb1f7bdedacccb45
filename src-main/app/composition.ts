import path from 'node:path';
import type { AppInfo } from '../../src-shared/clusters/contract';
import type { AppHandlers } from '../../src-shared/contract';
import type { MetricsSettings } from '../../src-shared/metrics/contract';
import type { CallContext } from '../../src-shared/base/channels';
import { imageString } from '../../src-shared/releases/plan';
import { parsePlanYaml } from '../../src-shared/releases/plan-yaml';
import { staleDeploymentsOf } from '../../src-shared/releases/snapshot';
import { ok } from '../../src-shared/result';
import { ClusterService, type ClusterServiceOptions } from '../clusters/cluster-service';
import { DiagnosticsLog } from '../base/diagnostics-log';
import { refusingKubeconfigPicker, type KubeconfigPicker } from '../clusters/kubeconfig-picker';
import { KubeconfigService, type PathSettings } from '../clusters/kubeconfig-service';
import { createAppImages, type AppImagesOptions } from '../images/app-images';
import type { ImageSyncService } from '../images/image-sync-service';
import type { Logger } from '../ipc/logger';
import { consoleLogger } from '../ipc/logger';
import { metricsHandlers } from '../metrics/handlers';
import { ExecService } from '../exec/exec-service';
import { followFile } from '../exec/file-log-source';
import { execHandlers, logsHandlers } from '../exec/handlers';
import { DebugImages } from '../exec/debug-images';
import { LogService } from '../logs/log-service';
import { clusterServiceSource } from '../metrics/cluster-source';
import { MetricsService, type MetricsServiceOptions } from '../metrics/metrics-service';
import { LoginShellPath } from '../platform/login-shell-path';
import { releaseHandlers } from '../releases/handlers';
import { leaseTimingFromEnv } from '../releases/execution-lease';
import { ReleaseService, type ReleaseServiceOptions } from '../releases/release-service';
import { editHandlers } from '../edit/handlers';
import { EditService } from '../edit/edit-service';
import { eventHandlers } from '../events/handlers';
import { EventService } from '../events/event-service';
import { nodeHandlers } from '../nodes/handlers';
import { portforwardHandlers } from '../portforward/handlers';
import { PortForwardService } from '../portforward/port-forward-service';
import { NodeService } from '../nodes/node-service';
import { PaletteService } from '../palette/palette-service';
import { resourceHandlers } from '../resources/handlers';
import { ResourceService } from '../resources/resource-service';
import type { Cipher } from '../vault/cipher';
import { VaultService } from '../vault/vault-service';
import { WorkloadService, type WorkloadServiceOptions } from '../workloads/workload-service';
import { LaunchGate, openingGate } from './launch-gate';
import { SettingsStore } from './settings';
import { VisibleEntries } from '../clusters/visible-entries';
import { capYoungGeneration } from './young-generation';
import { collectEndOfStartUp, collectGarbage, holdMemoryReducer } from './start-up-collection';

export interface CreateServicesOptions {
  /** An inline kubeconfig (the sandbox datacenter's). Default sources (KUBECONFIG, ~/.kube/config) are then skipped. */
  kubeconfigYaml?: string;
  /** Explicit kubeconfig files (`--kubeconfig`), used instead of KUBECONFIG / ~/.kube/config. */
  kubeconfigPaths?: string[];
  userDataDir: string;
  cipher: Cipher;
  sandbox?: boolean;
  transport: AppInfo['transport'];
  version?: string;
  logger?: Logger;
  /** Tests: environment and home for default kubeconfig discovery. */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  clusters?: ClusterServiceOptions;
  workloads?: WorkloadServiceOptions;
  /** Metrics: kubelet timeout, persistence cadence (tests). */
  metrics?: Pick<MetricsServiceOptions, 'kubeletTimeoutMs' | 'persistEveryMs'>;
  /** Releases: loop interval, time scale of soak timers (tests, sandbox). */
  releases?: Pick<ReleaseServiceOptions, 'tickMs' | 'timeScale' | 'team'>;
  /** How the user chooses a kubeconfig to add (Electron: main's open dialog). Default: refuse (browser mode). */
  kubeconfigPicker?: KubeconfigPicker;
  /** Reuse a settings store already opened by the caller. */
  settings?: SettingsStore;
  /** Sandbox mode: the sandbox Harbors to register (one per region). */
  sandboxImages?: AppImagesOptions['sandbox'];
  /** The young generation's cap in MB (young-generation.ts); 0 leaves V8's growth alone. Default 16. */
  youngGenerationMB?: number;
}

export interface Services {
  handlers: AppHandlers;
  settings: SettingsStore;
  kubeconfig: KubeconfigService;
  clusters: ClusterService;
  workloads: WorkloadService;
  resources: ResourceService;
  vault: VaultService;
  metrics: MetricsService;
  /** Log views by sender (benchmarks read a view's spool to check that no line is missing). */
  logs: LogService;
  releases: ReleaseService;
  images: ImageSyncService;
  /** Where details that must not reach the renderer go (Electron's Help menu reveals the file). */
  diagnostics: DiagnosticsLog;
  /** Resolves when the registry list is loaded (and the sandbox Harbors registered). */
  imagesReady: Promise<void>;
  dispose(): void;
}

/** Run `cleanup` when the subscription ends (or now, if it already has). */
const onAbort = (ctx: CallContext, cleanup: () => void) => {
  if (ctx.signal.aborted) cleanup();
  else ctx.signal.addEventListener('abort', cleanup, { once: true });
};

/**
 * The composition root of the main process, shared by Electron and browser mode: builds every
 * service by hand (plain classes, constructor dependencies) and implements every channel of the
 * contract on top of them. Handlers stay thin: validation already happened in the router.
 */
export function createServices(opts: CreateServicesOptions): Services {
  const youngMB = opts.youngGenerationMB ?? Number(process.env.CAPSTAN_YOUNG_GENERATION_MB ?? 16);
  if (youngMB > 0) capYoungGeneration(youngMB);
  // Start-up's last collection does V8's memory reducer's job (start-up-collection.ts): held from here.
  const startUpGc = process.env.CAPSTAN_START_UP_GC !== '0';
  if (startUpGc) holdMemoryReducer();
  const log = opts.logger ?? consoleLogger;
  const settings = opts.settings ?? new SettingsStore(opts.userDataDir, log);
  const added = settings.kubeconfigPaths();
  const logLine = (m: string) => log.info(m);

  let kubeconfig: KubeconfigService;
  if (opts.kubeconfigYaml !== undefined) {
    kubeconfig = KubeconfigService.fromString(opts.kubeconfigYaml, 'sandbox', { settings: added, log: logLine });
  } else if (opts.kubeconfigPaths?.length) {
    const explicit = opts.kubeconfigPaths.map((p) => path.resolve(p));
    const paths: PathSettings = {
      get: () => [...explicit, ...added.get().filter((p) => !explicit.includes(p))],
      set: (next) => added.set(next.filter((p) => !explicit.includes(p))),
    };
    kubeconfig = new KubeconfigService({ settings: paths, noDefaultSources: true, log: logLine });
  } else {
    kubeconfig = new KubeconfigService({ settings: added, env: opts.env, homeDir: opts.homeDir, log: logLine });
  }
  kubeconfig.start();
  const picker = opts.kubeconfigPicker ?? refusingKubeconfigPicker(settings.file);

  const visible = new VisibleEntries(kubeconfig, {
    get: () =>
      Array.isArray(settings.get().prefs.hiddenClusters)
        ? (settings.get().prefs.hiddenClusters as unknown[]).filter((x): x is string => typeof x === 'string')
        : [],
    set: (ids) => void settings.update((s) => void (s.prefs.hiddenClusters = ids)),
  });
  // Details that must not reach the renderer (credential plugin stderr) go here; messages name the file.
  const diagnostics = new DiagnosticsLog(opts.userDataDir);
  const clusters = new ClusterService(visible, {
    loginPath: new LoginShellPath(),
    log: logLine,
    ...opts.clusters,
    connection: { diagnostics, ...opts.clusters?.connection },
  });
  // Start-up's garbage is collected while the app is busy anyway, not by V8 in the middle of the
  // idle period: the first lists' once every connected cluster has synced (before the metrics
  // start-up adds its own on top), the metrics start-up's after their second round.
  // The metrics history and rounds wait until the first screen (the last known board) is out and
  // the first lists are in (they would add to the first lists' peak and slow them down).
  const launchGate = new LaunchGate({ waitForSync: true, maxMs: 60_000 });
  const offFirstSync = clusters.onDidChangeClusters((list) => {
    if (list.some((c) => c.state === 'connecting') || !list.some((c) => c.state === 'live')) return;
    offFirstSync();
    if (startUpGc) collectGarbage();
    launchGate.firstSync();
  });
  // The release snapshot (read at construction, below) feeds the launch: each cluster's last known
  // Deployments show, marked stale, until that cluster has synced.
  const workloads = new WorkloadService(clusters, {
    lastKnown: (id) => {
      const last = releases.snapshots.get().clusters.find((c) => c.clusterId === id);
      return last ? staleDeploymentsOf(last) : undefined;
    },
    ...opts.workloads,
  });
  const resources = new ResourceService(clusters, { log: logLine });
  const events = new EventService(clusters, { log: logLine });
  const palette = new PaletteService(clusters, (id) => resources.discover(id));
  const debugImages = new DebugImages({
    read: () => settings.get().prefs.debugImages,
    write: (images) => void settings.update((s) => void (s.prefs.debugImages = images)),
  });
  const metrics = new MetricsService(clusterServiceSource(clusters), {
    file: path.join(opts.userDataDir, 'metrics-history.bin'),
    settings: {
      get: () => settings.get().prefs.metrics as Partial<MetricsSettings> | undefined,
      set: (m) => void settings.update((s) => void (s.prefs.metrics = m)),
    },
    log: logLine,
    // The second round is the first the pacing judges: the end of the metrics start-up.
    onRound: (n) => n === 2 && startUpGc && collectEndOfStartUp(),
    ...opts.metrics,
  });
  launchGate.then(() => metrics.start());
  const exec = new ExecService((id) => clusters.connection(id));
  const forwards = new PortForwardService({ connection: (id) => clusters.connection(id) });
  const logs = new LogService({
    connection: (id) => clusters.connection(id),
    acquire: (id) => clusters.acquire(id),
    followFile: (id, t, sink, feed) => followFile(exec, id, t, sink, feed),
  });
  const vault = new VaultService({ file: path.join(opts.userDataDir, 'vault.json'), cipher: opts.cipher });
  const appImages = createAppImages({
    secrets: vault,
    userDataDir: opts.userDataDir,
    workloads,
    planImages: async () => (await releases.listPlans()).flatMap((p) => planImage(p.yaml)),
    sandbox: opts.sandboxImages,
    log: logLine,
  });
  // The planner asks the registries whether a plan's image is in every region (after the registry list is loaded).
  const presence = {
    listRegistries: async () => (await appImages.ready, appImages.images.listRegistries()),
    checkImagePresent: async (image: string, digest: string | undefined, regions: string[]) => (
      await appImages.ready,
      appImages.images.checkImagePresent(image, digest, regions)
    ),
  };
  const releases = new ReleaseService({
    dir: opts.userDataDir,
    clusters,
    log: logLine,
    images: presence,
    diagnostics,
    team: { timing: leaseTimingFromEnv(opts.env ?? process.env) },
    ...opts.releases,
  });
  releases.start().catch((e: Error) => log.warn(`[releases] could not load saved releases: ${e.message}`));
  if (vault.corruptMovedTo) log.warn(`[vault] the vault file was unreadable and was moved to ${vault.corruptMovedTo}`);

  const handlers: AppHandlers = {
    'app.info': async () =>
      ok({
        version: opts.version ?? '0.0.0',
        transport: opts.transport,
        sandbox: opts.sandbox ?? false,
        kubeconfigSources: kubeconfig.sources().map((s) => ({
          path: s.path,
          exists: s.exists,
          ...(s.error ? { error: s.error } : {}),
          ...(added.get().includes(s.path) ? { added: true } : {}),
        })),
        vault: vault.status(),
      }),
    'clusters.list': async () => ok(clusters.list()),
    'clusters.watch': (_params, emit, ctx) => {
      // Watching the overview uses every cluster: acquire them (lazy connect), release on teardown.
      const releases = new Map<string, () => void>();
      const syncAcquired = () => {
        const ids = new Set(clusters.ids());
        for (const id of ids) if (!releases.has(id)) releases.set(id, clusters.acquire(id));
        for (const [id, release] of releases) {
          if (!ids.has(id)) {
            release();
            releases.delete(id);
          }
        }
      };
      const off = clusters.onDidChangeClusters((list) => {
        syncAcquired();
        emit({ clusters: list });
      });
      syncAcquired();
      emit({ clusters: clusters.list() });
      onAbort(ctx, () => {
        off();
        for (const release of releases.values()) release();
        releases.clear();
      });
      return ok(undefined);
    },
    'clusters.reconnect': async ({ clusterId }) => clusters.reconnect(clusterId),
    'kubeconfig.choose': async () => {
      const chosen = await picker.choose();
      if (!chosen.ok) return chosen;
      if (chosen.value === undefined) return ok({ contexts: 0 });
      const added = kubeconfig.addPath(chosen.value);
      return added.ok ? ok({ path: chosen.value, contexts: added.value.contexts }) : added;
    },
    'clusters.hidden': async () => ok({ hidden: visible.hidden() }),
    'clusters.setHidden': async ({ clusterId, hidden }) => (visible.setHidden(clusterId, hidden), ok(null)),
    'kubeconfig.removePath': async ({ path: p }) => kubeconfig.removePath(p),
    'vault.consent': async ({ allow }) => ok(vault.consent(allow)),
    'workloads.subscribe': ({ clusterIds }, emit, ctx) => {
      const stop = workloads.subscribe(clusterIds, (diffs) => {
        emit({ diffs });
        launchGate.firstScreenSent();
      });
      onAbort(ctx, stop);
      return ok(undefined);
    },
    'workloads.getYaml': async (ref) => workloads.getYaml(ref),
    // The metrics view opened before the launch gate: its history is needed now.
    ...openingGate(launchGate, metricsHandlers(metrics)),
    ...releaseHandlers(releases),
    ...appImages.handlers,
    ...logsHandlers(logs),
    ...execHandlers(exec, (id) => clusters.connection(id), debugImages),
    ...resourceHandlers(resources, clusters),
    ...eventHandlers(events),
    'palette.search': async ({ query, limit }) => ok(palette.search(query, limit)),
    ...editHandlers(new EditService({ connection: (id) => clusters.connection(id), discover: (id) => resources.discover(id) })),
    ...nodeHandlers(new NodeService((id) => clusters.connection(id))),
    ...portforwardHandlers(forwards),
  };

  let disposed = false;
  return {
    handlers,
    settings,
    kubeconfig,
    clusters,
    workloads,
    resources,
    vault,
    releases,
    metrics,
    logs,
    images: appImages.images,
    diagnostics,
    imagesReady: appImages.ready,
    dispose() {
      if (disposed) return;
      disposed = true;
      launchGate.dispose();
      void releases.dispose();
      metrics.dispose();
      appImages.dispose();
      logs.dispose();
      forwards.dispose();
      palette.dispose();
      resources.dispose();
      events.dispose();
      workloads.dispose();
      clusters.dispose();
      visible.close();
      kubeconfig.dispose();
    },
  };
}

/** The target image of a saved release plan (for the image matrix's priority rows). */
function planImage(yaml: string): string[] {
  const parsed = parsePlanYaml(yaml);
  return parsed.ok ? [imageString(parsed.plan.image)] : [];
}
