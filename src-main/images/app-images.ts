import path from 'node:path';
import type { Handlers } from '../../src-shared/base/channels';
import type { imagesContract, RegistryInput } from '../../src-shared/images/contract';
import type { WorkloadDiff } from '../../src-shared/workloads/contract';
import { createImagesHandlers } from './handlers';
import type { SecretStore } from './http';
import { ImageSyncService } from './image-sync-service';
import { JsonFileRegistryConfigStore } from './registry-config';

/**
 * The images feature as the composition root needs it: the service, its handlers (each waits for
 * `init()`, so that `createServices` stays synchronous), the sandbox Harbors registered at start,
 * and the priority images (what running workloads and release plans use) kept up to date while
 * someone watches the matrix.
 */

export interface WorkloadSource {
  subscribe(clusterIds: string[] | undefined, onDiffs: (diffs: WorkloadDiff[]) => void): () => void;
}

export interface AppImagesOptions {
  secrets: SecretStore;
  userDataDir: string;
  workloads?: WorkloadSource;
  /** Images release plans target (read when a matrix watch starts and on every workload change batch, throttled). */
  planImages?: () => Promise<string[]> | string[];
  /** Sandbox mode: these Harbors are (re)registered at start; their test credentials stay in memory. */
  sandbox?: { registries: RegistryInput[]; stuckThresholdMs?: number; sourceRegion?: string };
  log?: (line: string) => void;
}

export interface AppImages {
  images: ImageSyncService;
  ready: Promise<void>;
  handlers: Handlers<typeof imagesContract>;
  dispose(): void;
}

/** Secrets of the sandbox Harbors (public test credentials) live in memory; everything else goes to the vault. */
function sandboxOverlay(vault: SecretStore, ids: Set<string>): SecretStore {
  const memory = new Map<string, string>();
  const isSandbox = (key: string) => [...ids].some((id) => key === `images.registry.${id}.secret`);
  return {
    get: (key) => (isSandbox(key) ? memory.get(key) : vault.get(key)),
    put: (key, secret) => (isSandbox(key) ? void memory.set(key, secret) : vault.put(key, secret)),
    delete: (key) => (isSandbox(key) ? void memory.delete(key) : vault.delete?.(key)),
  };
}

export function createAppImages(opts: AppImagesOptions): AppImages {
  const log = opts.log ?? (() => {});
  const sandboxIds = new Set((opts.sandbox?.registries ?? []).map((r) => r.id ?? r.name));
  const images = new ImageSyncService({
    secrets: opts.sandbox ? sandboxOverlay(opts.secrets, sandboxIds) : opts.secrets,
    // Sandbox Harbors listen on new ports every start: keep them out of the user's real registry list.
    config: new JsonFileRegistryConfigStore(path.join(opts.userDataDir, opts.sandbox ? 'registries-sandbox.json' : 'registries.json'), log),
    ...(opts.sandbox?.stuckThresholdMs ? { stuckThresholdMs: opts.sandbox.stuckThresholdMs } : {}),
    ...(opts.sandbox?.sourceRegion ? { sourceRegion: opts.sandbox.sourceRegion } : {}),
    log,
  });
  const ready = (async () => {
    await images.init();
    for (const input of opts.sandbox?.registries ?? []) {
      const id = input.id ?? input.name;
      if (images.listRegistries().some((r) => r.id === id)) await images.removeRegistry(id);
      const added = await images.addRegistry(input);
      if (!added.ok) log(`images: sandbox registry ${id} not added: ${added.error.message}`);
    }
  })().catch((e: unknown) => log(`images: registry list unreadable: ${e instanceof Error ? e.message : String(e)}`));

  const priority = new PriorityImages(images, opts.workloads, opts.planImages);
  const raw = createImagesHandlers(images);
  const handlers = {} as Record<string, (...args: never[]) => unknown>;
  for (const [name, handler] of Object.entries(raw) as [string, (...args: unknown[]) => unknown][]) {
    handlers[name] = async (...args: unknown[]) => {
      await ready;
      return handler(...args);
    };
  }
  const watch = raw['images.matrix.watch'];
  handlers['images.matrix.watch'] = (async (
    params: Parameters<typeof watch>[0],
    emit: Parameters<typeof watch>[1],
    ctx: Parameters<typeof watch>[2],
  ) => {
    await ready;
    const release = priority.acquire();
    if (ctx.signal.aborted) release();
    else ctx.signal.addEventListener('abort', release, { once: true });
    return watch(params, emit, ctx);
  }) as never;

  return {
    images,
    ready,
    handlers: handlers as unknown as Handlers<typeof imagesContract>,
    dispose() {
      priority.dispose();
      images.dispose();
    },
  };
}

/**
 * Priority images: every image of every Deployment in every connected cluster, plus the
 * images release plans target. Tracked only while a matrix watch is open (it connects clusters).
 */
class PriorityImages {
  private users = 0;
  private stop: (() => void) | undefined;
  private readonly byWorkload = new Map<string, string[]>();
  private plans: string[] = [];
  private last = '';
  private planTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly images: ImageSyncService,
    private readonly workloads: WorkloadSource | undefined,
    private readonly planImages: (() => Promise<string[]> | string[]) | undefined,
  ) {}

  acquire(): () => void {
    this.users++;
    if (this.users === 1) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.halt();
    };
  }

  private start() {
    void this.readPlans();
    this.planTimer = setInterval(() => void this.readPlans(), 60_000);
    this.planTimer.unref?.();
    this.stop = this.workloads?.subscribe(undefined, (diffs) => {
      for (const d of diffs) {
        // A Deployment's template images are what its pods run (or fail to pull).
        if (d.kind !== 'Deployment') continue;
        const prefix = `${d.clusterId}\u0000${d.kind}\u0000`;
        if (d.reset) for (const k of [...this.byWorkload.keys()]) if (k.startsWith(prefix)) this.byWorkload.delete(k);
        for (const uid of d.deletes) this.byWorkload.delete(prefix + uid);
        for (const u of d.upserts) this.byWorkload.set(prefix + u.uid, u.images);
      }
      this.publish();
    });
  }

  private async readPlans() {
    try {
      this.plans = (await this.planImages?.()) ?? [];
      this.publish();
    } catch {
      // A plan folder that cannot be read only loses the plan images' priority.
    }
  }

  private publish() {
    const running = new Set<string>();
    for (const list of this.byWorkload.values()) for (const i of list) running.add(i);
    const plans = [...new Set(this.plans)].sort();
    const key = `${[...running].sort().join('\n')}\u0000${plans.join('\n')}`;
    if (key === this.last) return;
    this.last = key;
    this.images.setContextImages([...running], plans);
  }

  private halt() {
    this.stop?.();
    this.stop = undefined;
    clearInterval(this.planTimer);
    this.byWorkload.clear();
  }

  dispose() {
    this.users = 0;
    this.halt();
  }
}
