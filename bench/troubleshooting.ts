/**
 * Troubleshooting breadth at scale, in-process (no servers):
 * - palette: main's NameIndex over 50,000 pods + 20,000 other objects in 4 clusters; a person
 *   types five queries character by character; time of each keystroke's search (target p95 ≤ 50 ms).
 *   The IPC hop (one small JSON request/answer) is not included.
 * - events: 100,000 events arrive in diffs of 1,000 into the renderer's EventStore, at its default
 *   cap (20,000: memory bounded, oldest Normal dropped first) and with the cap at 100,000 (all
 *   held); heap retained, time per diff, time to group + sort what is held (what a view update costs);
 *   and main's side: 100,000 events as the events service stores them (eventsInMain).
 * - servicesWithKinds: the main-process services (esbuild bundle, plain node, as foundation.ts runs
 *   them) against the sandbox at 50,000 pods + 20,000 other objects over 4 clusters: peak RSS after
 *   sync, then with the troubleshooting kinds watched (events view, ConfigMap/Secret/Service tables,
 *   the palette's live names of every kind), against the whole-app budget of 300 MB; the palette's
 *   per-keystroke time as main reports it, live index included, under 200 pod changes/s.
 * - logsMerge: see logs-merge.ts (50 sources merged by time into the viewer, kubectl as reference).
 * - breakdown (only when named): each part's share of the services' live heap, one part at a time.
 * `npx tsx --expose-gc bench/troubleshooting.ts [palette|events|services|logs|breakdown]` runs some parts.
 */
import { performance } from 'node:perf_hooks';
import type { EventRow } from '../src-shared/events/contract';
import { NameIndex } from '../src-main/palette/name-index';
import { Interner } from '../src-main/base/interner';
import { slimEvent, type StoredEvent } from '../src-main/events/event-row';
import { ObjectStore } from '../src-main/watch/object-store';
import { Child, bundleScript } from './child';
import { MAIN_PROCESS_NODE_FLAGS } from './foundation';
import { run as logsMerge } from './logs-merge';
import { compareGroups, EventStore, groupEvents } from '../src-renderer/features/events/event-store';

const CLUSTERS = ['fat', 'uat', 'pro-east', 'pro-west'];
const APPS = Array.from(
  { length: 500 },
  (_, i) =>
    ['catalog', 'orders', 'payments', 'search', 'cart', 'gateway', 'billing', 'ledger', 'auth', 'notify'][i % 10] +
    (i < 10 ? '' : `-${Math.floor(i / 10)}`),
);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const hash = (i: number) => (i * 2654435761).toString(36).slice(-5);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function palette() {
  const idx = new NameIndex();
  const kinds: [string, string, number][] = [
    ['services', 'Service', 4000],
    ['configmaps', 'ConfigMap', 5000],
    ['secrets', 'Secret', 5000],
    ['deployments', 'Deployment', 2000],
    ['statefulsets', 'StatefulSet', 1000],
    ['jobs', 'Job', 1500],
    ['ingresses', 'Ingress', 1500],
  ];
  CLUSTERS.forEach((c, ci) => {
    const pods = Array.from({ length: 12_500 }, (_, i) => ({
      namespace: `ns-${i % 40}`,
      name: `${APPS[i % APPS.length]}-${c}-${hash(i + ci)}-${hash(i * 7 + ci)}`,
    }));
    idx.replace(c, { group: '', version: 'v1', resource: 'pods' }, 'Pod', pods);
    for (const [resource, kind, total] of kinds) {
      const n = total / CLUSTERS.length;
      idx.replace(
        c,
        { group: '', version: 'v1', resource },
        kind,
        Array.from({ length: n }, (_, i) => ({
          namespace: `ns-${i % 40}`,
          name: `${APPS[i % APPS.length]}-${resource.slice(0, -1)}-${i}`,
        })),
      );
    }
  });
  const queries = ['catalog-pro-east', 'payments-3', 'kube-root', 'orders fat', 'zzz-not-there'];
  const times: number[] = [];
  for (const q of queries)
    for (let i = 1; i <= q.length; i++) {
      const t0 = performance.now();
      idx.search(q.slice(0, i), 30);
      times.push(performance.now() - t0);
    }
  return {
    names: idx.size,
    keystrokes: times.length,
    p50Ms: +pct(times, 50).toFixed(2),
    p95Ms: +pct(times, 95).toFixed(2),
    maxMs: +Math.max(...times).toFixed(2),
    targetP95Ms: 50,
  };
}

function eventsAt(cap: number) {
  const before = heapMB();
  const store = new EventStore(cap);
  const applyTimes: number[] = [];
  const now = Date.now();
  for (let b = 0; b < 100; b++) {
    const upserts: EventRow[] = Array.from({ length: 1000 }, (_, i) => {
      const n = b * 1000 + i;
      const warning = n % 10 === 0;
      return {
        uid: `e-${n}`,
        clusterId: CLUSTERS[b % 4]!,
        namespace: `ns-${n % 40}`,
        type: warning ? 'Warning' : 'Normal',
        reason: warning ? 'BackOff' : ['Pulled', 'Created', 'Started', 'Scheduled'][n % 4]!,
        message: `${warning ? 'Back-off restarting failed container' : 'Successfully pulled image'} app in pod ${APPS[n % APPS.length]}-${hash(n)} (${n})`,
        count: 1 + (n % 5),
        lastSeen: now - (100_000 - n) * 100,
        object: { kind: 'Pod', name: `${APPS[n % APPS.length]}-${hash(n % 20_000)}`, namespace: `ns-${n % 40}` },
      };
    });
    const t0 = performance.now();
    store.apply([{ clusterId: CLUSTERS[b % 4]!, reset: false, upserts, deletes: [], synced: true }]);
    applyTimes.push(performance.now() - t0);
  }
  // A view update: group and sort what is held (three times; the last one counts, warmed up).
  let groups: ReturnType<typeof groupEvents> = [];
  let viewMs = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    groups = groupEvents(store.rows(), true).sort(compareGroups);
    viewMs = performance.now() - t0;
  }
  const held = store.size;
  const after = heapMB();
  const warningsHeld = store.rows().filter((r) => r.type === 'Warning').length;
  return {
    cap,
    fed: 100_000,
    held,
    warningsHeld,
    droppedNormal: store.droppedNormal,
    droppedWarning: store.droppedWarning,
    heapRetainedMB: +(after - before).toFixed(1),
    applyP95Ms: +pct(applyTimes, 95).toFixed(2),
    groupAndSortMs: +viewMs.toFixed(1),
    groups: groups.length,
  };
}

/**
 * Main's side of 100,000 events: each parsed from its JSON (as the reflector does), made a stored
 * event (interned strings, one object) and kept in the reflector's ObjectStore, as the events
 * service holds them. Events as a busy cluster has them: ten per pod over 10,000 pods, the same
 * few reasons and messages. Heap retained per event.
 */
function eventsInMain(n = 100_000) {
  const before = heapMB();
  const store = new ObjectStore<StoredEvent>(false);
  const strings = new Interner(20_000, 1024);
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const pod = `${APPS[i % APPS.length]}-${hash(i % 10_000)}-${hash((i % 10_000) * 7)}`;
    const warning = i % 10 === 0;
    const raw = JSON.stringify({
      kind: 'Event',
      metadata: {
        name: `${pod}.${hash(i)}${hash(i * 3)}`,
        namespace: `ns-${i % 40}`,
        uid: `${hash(i)}${hash(i + 1)}-0000-4000-8000-${hash(i * 5)}${hash(i * 11)}00`,
        resourceVersion: String(1_000_000 + i),
        creationTimestamp: new Date(now - (n - i) * 1000).toISOString(),
        managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: new Date(now).toISOString() }],
      },
      involvedObject: {
        kind: 'Pod',
        namespace: `ns-${i % 40}`,
        name: pod,
        uid: `pod-${i % 10_000}`,
        apiVersion: 'v1',
        fieldPath: 'spec.containers{app}',
      },
      reason: warning ? 'BackOff' : ['Pulled', 'Created', 'Started', 'Scheduled'][i % 4],
      message: warning
        ? 'Back-off restarting failed container app in pod'
        : `Successfully pulled image "registry.example.com/${APPS[i % 10]}:1.4.2"`,
      source: { component: 'kubelet', host: `node-${i % 50}` },
      firstTimestamp: new Date(now - (n - i) * 1000).toISOString(),
      lastTimestamp: new Date(now - (n - i) * 1000 + 500).toISOString(),
      count: 1 + (i % 5),
      type: warning ? 'Warning' : 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: `node-${i % 50}`,
    });
    const e = slimEvent(JSON.parse(raw) as never, strings);
    store.set(e.metadata.uid!, e);
  }
  const after = heapMB();
  return { events: store.size, heapRetainedMB: +(after - before).toFixed(1), bytesPerEvent: Math.round(((after - before) * 2 ** 20) / n) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (m: string) => process.stderr.write(`troubleshooting bench: ${m}\n`);

/**
 * The sandbox at `scale` (pods per cluster, 4 clusters) with `objects` more ConfigMaps, Secrets and
 * Services, and the main-process services (the bundle, as foundation.ts runs it) connected to it,
 * synced; both stopped after `body`.
 */
async function withSyncedServices<T>(
  nodeArgs: string[],
  body: (sandbox: Child, services: Child, sync: { pods: number; otherObjects: number; syncMs: number }) => Promise<T>,
  scale = 500,
  objects = 20_000,
): Promise<T> {
  const bundle = await bundleScript('services-process.ts');
  const sandbox = new Child('sandbox-process.ts', [String(scale)]);
  try {
    const [, kubeconfig, podsText] = (await sandbox.waitFor(/^ready /)).split(' ');
    sandbox.send(`objects ${objects}`);
    const otherObjects = Number((await sandbox.waitFor(/^objects /)).split(' ')[1]);
    progress(`sandbox: ${podsText} pods, ${otherObjects} ConfigMaps + Secrets + Services`);
    const services = new Child(bundle, [kubeconfig!, podsText!], { bundled: true, nodeArgs });
    try {
      const syncMs = Number((await services.waitFor(/^synced /)).split(' ')[1]);
      return await body(sandbox, services, { pods: Number(podsText), otherObjects, syncMs });
    } finally {
      await services.stop();
    }
  } finally {
    await sandbox.stop();
  }
}

function servicesWithKinds() {
  return withSyncedServices(MAIN_PROCESS_NODE_FLAGS, async (sandbox, services, sync) => {
    await sleep(3000);
    const measure = async (seconds: number) => {
      services.send(`measure ${seconds}`);
      return JSON.parse(await services.waitFor(/^\{"cpu/)) as Record<string, number>;
    };
    const before = await measure(10);
    // The same churn before the kinds are watched: what the foundation's own churn peak is.
    sandbox.send('churn 200');
    await sleep(2000);
    const busyWithout = await measure(10);
    sandbox.send('calm');
    await sleep(3000);
    progress(`synced in ${sync.syncMs} ms, peak RSS ${before.peakRssMB} MB; watching the troubleshooting kinds`);
    services.send('kinds');
    const [, kindsMs, indexed] = (await services.waitFor(/^kinds /)).split(' ');
    await sleep(3000);
    const withKinds = await measure(10);
    sandbox.send('churn 200');
    await sleep(2000);
    services.send('palette');
    const typed = (JSON.parse(await services.waitFor(/^\{"palette"/)) as { palette: Record<string, number> }).palette;
    const busy = await measure(10);
    sandbox.send('calm');
    return {
      ...sync,
      peakRssMBAfterSync: before.peakRssMB,
      kindsListedMs: Number(kindsMs),
      paletteNamesIndexed: Number(indexed),
      peakRssMBWithKinds: withKinds.peakRssMB,
      rssMBWithKinds: withKinds.rssMB,
      peakRssMBWithKindsUnderChurn: busy.peakRssMB,
      // The process's peak (above) is usually set by the first sync; these are each window's own.
      windowPeakRssMB: {
        afterSync: before.windowPeakRssMB,
        underChurnWithoutKinds: busyWithout.windowPeakRssMB,
        withKinds: withKinds.windowPeakRssMB,
        underChurn: busy.windowPeakRssMB,
      },
      withKindsVsAfterSync: Math.round((busy.peakRssMB! / before.peakRssMB!) * 100) / 100,
      vsWholeAppBudget: Math.round((busy.peakRssMB! / 300) * 100) / 100,
      budgetMB: 300,
      paletteInMainUnderChurn: {
        ...typed,
        targetP95Ms: 50,
        note: 'as main reports each search (rebuilds of changed names run off the keystroke path), IPC not included',
      },
    };
  });
}

/**
 * Each troubleshooting part's share of the services' memory: after sync, the events view, then the
 * three tables, then the palette's live names are added one at a time; after each, a full GC and
 * the live heap / RSS. With SNAPSHOT_DIR set, a heap snapshot after sync and after each part
 * (RSS figures after the first snapshot are the snapshot's, not the services').
 */
function servicesBreakdown() {
  return withSyncedServices(['--expose-gc', ...MAIN_PROCESS_NODE_FLAGS], async (_sandbox, services) => {
    await sleep(3000);
    const memory = async () => {
      services.send('memory gc');
      const m = (JSON.parse(await services.waitFor(/^\{"memory"/)) as { memory: Record<string, number> }).memory;
      return { heapUsedMB: m.heapUsedMB!, rssMB: m.rssMB! };
    };
    const snapshot = async (name: string) => {
      if (!process.env.SNAPSHOT_DIR) return;
      services.send(`snapshot ${process.env.SNAPSHOT_DIR}/${name}.heapsnapshot`);
      await services.waitFor(/^snapshot /);
    };
    const steps: Record<string, unknown>[] = [{ step: 'after sync', ...(await memory()) }];
    await snapshot('after-sync');
    let prev = steps[0]!.heapUsedMB as number;
    for (const part of ['events', 'tables', 'palette']) {
      services.send(`kinds ${part}`);
      const [, ms, n] = (await services.waitFor(/^kinds /)).split(' ');
      await sleep(2000);
      const m = await memory();
      steps.push({
        step: part,
        listedMs: Number(ms),
        [part === 'palette' ? 'names' : 'rows']: Number(n),
        ...m,
        heapAddedMB: +(m.heapUsedMB - prev).toFixed(1),
      });
      prev = m.heapUsedMB;
      await snapshot(`with-${part}`);
    }
    return steps;
  });
}

export async function run(parts: string[] = []) {
  const want = (p: string) => parts.length === 0 || parts.includes(p);
  const out: Record<string, unknown> = {};
  if (want('palette')) out.palette = palette();
  if (want('events')) {
    out.eventsDefaultCap = eventsAt(20_000);
    out.eventsAll = eventsAt(100_000);
    out.eventsInMain = eventsInMain();
    out.note = 'heap figures need --expose-gc to be exact (run: node --expose-gc via tsx)';
  }
  if (want('services')) out.servicesWithKinds = await servicesWithKinds().catch((e: unknown) => ({ error: String(e) }));
  if (parts.includes('breakdown')) out.servicesBreakdown = await servicesBreakdown();
  if (want('logs')) out.logsMerge = await logsMerge().catch((e: unknown) => ({ error: String(e) }));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(process.argv.slice(2)), null, 2));
  process.exit(0);
}
