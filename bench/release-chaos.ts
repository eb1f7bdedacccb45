/**
 * Chaos proof of the release executor: in each run, Capstan's release services run in a child
 * process (release-chaos-child.ts) against a sandbox cluster in this process, and are killed with
 * SIGKILL at a random instant of the release (a random batch, a random delay into it: claim,
 * growth, retirement of old pods, soak or approval wait), left dead for 30 simulated seconds, then
 * restarted and told to resume (or, every fourth run, to roll back) as a person would in the UI.
 *
 * The referee is the sandbox's store itself: every change of every object is a sample (finer
 * than any polling). It asserts that no sample shows more pods on the new version than the
 * boundary of the batch the execution record is in (the record is saved before the driver moves
 * a batch), nor fewer ready pods than min-online (70 % of 10; the plan validator still counts a batch as pods down, the mechanism never takes one down), and that every run ends succeeded
 * or rolled back with the original strategy restored, as kubectl sees it.
 *
 * `npm run bench -- release-chaos` runs 50 (CHAOS_RUNS to change); release-chaos.test.ts runs 8.
 * CHAOS_CHILD_ROOT runs the child from another source tree (e.g. an older commit extracted with
 * `git archive`), to measure the executor before a change against the same referee.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { startDatacenter } from '../src-sandbox/datacenter';
import { mulberry32 } from '../src-sandbox/harbor/replication';
import { isPodReady } from '../src-sandbox/kube/pods';
import { parseScenario } from '../src-sandbox/scenario';

const SPEED = 20;
const N = 10;
const MIN_ONLINE = 7;
/** fort + 10%+20%+30%+20%+20% of 10. */
const BOUNDARIES = [1, 2, 3, 6, 8, 10];
const ORIGINAL_STRATEGY = '{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"}';

const scenario = parseScenario({
  name: 'chaos',
  registries: { 'dc-east': 'harbor-east.sandbox.local' },
  clusters: [{ name: 'pro-east', datacenter: 'dc-east', nodes: 4 }],
  namespaces: ['shop'],
  apps: [
    {
      name: 'orders',
      namespace: 'shop',
      readySeconds: 6,
      versions: { '1.4.1': {}, '1.4.2': {}, '1.5.0': {} },
      groups: [{ group: 'pro', cluster: 'pro-east', replicas: N, version: '1.4.2', history: ['1.4.1'] }],
    },
  ],
});

const PLAN = `name: chaos
app: orders
image: { repository: shop/orders, tag: "1.5.0" }
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:00:00Z
maxParallelGroups: 1
rollback: manual
defaults: { batchPattern: 10%+20%+30%+20%+20%, minOnline: 70% }
gates:
  approval: { beforeStage: false, afterFort: true }
  soak: { afterFort: 10s, afterBatch: 5s }
  health: { readyWithin: 2m }
stages:
  - { name: pro, approval: false, groups: [{ group: pro }] }
`;

export interface KillPoint {
  run: number;
  batch: number;
  delayMs: number;
  /** Where the record was when the child died: phase/batch/step. */
  at: string;
  then: 'resume' | 'rollback';
}

export interface ChaosResult {
  runs: number;
  kills: number;
  killPoints: KillPoint[];
  violations: { run: number; kind: 'boundary' | 'min-online' | 'unfinished'; detail: string }[];
  outcomes: Record<string, number>;
  samples: number;
  maxNewPods: number;
  minReady: number;
  seconds: number;
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  done: Promise<string>;
  onLine: (fn: (l: string) => void) => void;
}

function startChild(root: string, args: string[]): Child {
  const script = resolve(root, 'bench/release-chaos-child.ts');
  // node --import tsx: one process, so SIGKILL kills the services themselves (the tsx CLI would relay).
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners: ((l: string) => void)[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const fn of listeners) fn(l);
  });
  const done = new Promise<string>((res) =>
    proc.on('exit', (code, signal) =>
      res(
        lines.find((l) => l.startsWith('done ')) ??
          `exit ${code ?? signal} ${lines.filter((l) => l.startsWith('error')).join(' ')} ${stderr.slice(-600)}`,
      ),
    ),
  );
  return { proc, lines, done, onLine: (fn) => listeners.push(fn) };
}

/**
 * `afterSpecWrite`: instead of a random delay into a random batch, kill 17 ms after the j-th
 * change of the Deployment's spec (j random): the instants right after one of Capstan's own
 * writes (an unpause, a strategy change), where a window would be if there were one.
 */
export async function runChaos(opts: {
  runs: number;
  seed?: number;
  afterSpecWrite?: boolean;
  log?: (m: string) => void;
}): Promise<ChaosResult> {
  const started = Date.now();
  // Deterministic, so a failing run can be replayed with its seed.
  const random = mulberry32(opts.seed ?? 13);
  const root = process.env.CHAOS_CHILD_ROOT ?? resolve(import.meta.dirname, '..');
  const result: ChaosResult = {
    runs: opts.runs,
    kills: 0,
    killPoints: [],
    violations: [],
    outcomes: {},
    samples: 0,
    maxNewPods: 0,
    minReady: N,
    seconds: 0,
  };
  for (let run = 1; run <= opts.runs; run++) {
    const dc = await startDatacenter({ scenario, clockSpeed: SPEED, bookmarkIntervalMs: 500 });
    const dir = mkdtempSync(join(tmpdir(), 'capstan-chaos-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const planFile = join(dir, 'plan.yaml');
    dc.writeKubeconfig(kubeconfig);
    writeFileSync(planFile, PLAN);
    const store = dc.cluster('pro-east').store;
    const record = recordReader(join(dir, 'releases', 'executions'));
    let generation = 0;
    let specWrites = 0;
    let onSpecWrite: ((n: number) => void) | undefined;
    const unsubscribe = store.subscribe(() => {
      const g = store.get('deployments', 'shop', 'orders-pro')?.obj.metadata.generation ?? 0;
      if (g !== generation) {
        generation = g;
        onSpecWrite?.(++specWrites);
      }
      const pods = [...store.values('pods')]
        .map((s) => s.obj)
        .filter((p) => !p.metadata.deletionTimestamp && p.metadata.name.startsWith('orders-pro-'));
      const updated = pods.filter((p) => String(p.spec.containers[0].image).endsWith(':1.5.0')).length;
      const ready = pods.filter(isPodReady).length;
      result.samples++;
      result.maxNewPods = Math.max(result.maxNewPods, updated);
      result.minReady = Math.min(result.minReady, ready);
      const allowed = record.boundary();
      if (updated > allowed) result.violations.push({ run, kind: 'boundary', detail: `${updated} new pods, boundary ${allowed}` });
      if (ready < MIN_ONLINE) result.violations.push({ run, kind: 'min-online', detail: `${ready} ready pods, min-online ${MIN_ONLINE}` });
    });
    const killBatch = Math.floor(random() * BOUNDARIES.length);
    const delayMs = Math.round(random() * 1500);
    const then = run % 4 === 0 ? 'rollback' : 'resume';
    try {
      const first = startChild(root, [dir, kubeconfig, planFile, 'create', String(SPEED)]);
      let timer: NodeJS.Timeout | undefined;
      const killAtWrite = opts.afterSpecWrite ? 2 + Math.floor(random() * 12) : 0;
      if (opts.afterSpecWrite) {
        specWrites = 0;
        onSpecWrite = (n) => {
          if (n === killAtWrite && !timer) timer = setTimeout(() => first.proc.kill('SIGKILL'), 17);
        };
      }
      first.onLine((l) => {
        if (opts.afterSpecWrite || timer || !l.startsWith('{')) return;
        const g = (JSON.parse(l) as { groups: [string, number, string][] }).groups[0]!;
        if (g[1] === killBatch && g[0] !== 'pending') timer = setTimeout(() => first.proc.kill('SIGKILL'), delayMs);
      });
      const firstEnd = await first.done;
      clearTimeout(timer);
      let end = firstEnd;
      if (!firstEnd.startsWith('done') && !firstEnd.startsWith('exit SIGKILL'))
        throw new Error(`run ${run}: the services failed before the kill: ${firstEnd}`);
      if (!firstEnd.startsWith('done')) {
        result.kills++;
        const at = record.where();
        result.killPoints.push(
          opts.afterSpecWrite
            ? { run, batch: -1, delayMs: 17, at: `${at}, spec write ${killAtWrite}`, then }
            : { run, batch: killBatch, delayMs, at, then },
        );
        opts.log?.(
          `run ${run}: killed at ${at} (${opts.afterSpecWrite ? `17 ms after spec write ${killAtWrite}` : `batch ${killBatch} + ${delayMs} ms`}), ${then}`,
        );
        // Dead for 30 simulated seconds: whatever the controller does alone is sampled.
        await new Promise((r) => setTimeout(r, 1500));
        const second = startChild(root, [dir, kubeconfig, planFile, then, String(SPEED)]);
        // A release that cannot go on (held for a person forever) is stopped after 90 s and counted as unfinished.
        const stuck = setTimeout(() => second.proc.kill('SIGKILL'), 90_000);
        end = await second.done;
        clearTimeout(stuck);
        if (end.startsWith('exit SIGKILL')) end = `stuck: ${second.lines.filter((l) => l.startsWith('{')).at(-1) ?? ''}`;
      }
      const outcome = end.replace(/^done /, '');
      result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
      if (outcome !== 'succeeded' && outcome !== 'rolled-back')
        result.violations.push({ run, kind: 'unfinished', detail: end.slice(0, 400) });
      else await checkFinal(kubeconfig, outcome, run, result);
    } finally {
      unsubscribe();
      await dc.close();
      rmSync(dir, { recursive: true, force: true });
    }
    opts.log?.(`run ${run}/${opts.runs}: ${JSON.stringify(result.outcomes)}, ${result.violations.length} violations`);
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}

/** kubectl as the final referee: the rollout is complete on the right version, with the original strategy. */
async function checkFinal(kubeconfig: string, outcome: string, run: number, result: ChaosResult): Promise<void> {
  const kubectl = async (...args: string[]) =>
    (
      await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, '--context', 'pro-east', '-n', 'shop', ...args], {
        encoding: 'utf8',
        timeout: 20_000,
      })
    ).stdout;
  const status = await kubectl('rollout', 'status', 'deployment/orders-pro', '--timeout=20s').catch((e: Error) => e.message);
  const image = await kubectl('get', 'deployment/orders-pro', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
  const strategy = await kubectl('get', 'deployment/orders-pro', '-o', 'jsonpath={.spec.strategy}');
  const annotations = await kubectl('get', 'deployment/orders-pro', '-o', 'jsonpath={.metadata.annotations}');
  const want = outcome === 'succeeded' ? ':1.5.0' : ':1.4.2';
  const problems = [
    !status.includes('successfully rolled out') && `rollout status: ${status.trim()}`,
    !image.endsWith(want) && `image ${image}`,
    canonical(strategy) !== canonical(ORIGINAL_STRATEGY) && `strategy ${strategy}`,
    annotations.includes('capstan.io/') && `annotations ${annotations}`,
  ].filter(Boolean);
  if (problems.length) result.violations.push({ run, kind: 'unfinished', detail: `${outcome} but ${problems.join('; ')}` });
}

const canonical = (json: string) => {
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, sort(x)]),
        )
      : v;
  return JSON.stringify(sort(JSON.parse(json || '{}')));
};

/** The execution record on disk (written before the driver moves a batch): which boundary holds now. */
function recordReader(executions: string) {
  let cache: { mtime: number; batch: number; where: string } = { mtime: -1, batch: 0, where: 'not created' };
  const read = () => {
    try {
      const file = readdirSync(executions).find((f) => f.endsWith('.json'));
      if (!file) return cache;
      const path = join(executions, file);
      const mtime = statSync(path).mtimeMs;
      if (mtime === cache.mtime) return cache;
      const g = (JSON.parse(readFileSync(path, 'utf8')) as { groups: { phase: string; batch: number; step: string }[] }).groups[0]!;
      cache = { mtime, batch: g.batch, where: `${g.phase} batch ${g.batch} ${g.step}` };
    } catch {
      /* mid-rename or not there yet: keep the last reading */
    }
    return cache;
  };
  return {
    // Before the release starts nothing may be new; batch b allows its boundary.
    boundary: () => (read().mtime < 0 ? 0 : BOUNDARIES[read().batch]!),
    where: () => read().where,
  };
}

/** bench/run.ts entry. */
export async function run(): Promise<ChaosResult> {
  return runChaos({
    runs: Number(process.env.CHAOS_RUNS ?? 50),
    seed: Number(process.env.CHAOS_SEED ?? 13),
    afterSpecWrite: process.env.CHAOS_AFTER_SPEC_WRITE === '1',
    log: (m) => process.stderr.write(`${m}\n`),
  });
}
