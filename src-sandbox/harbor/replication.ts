import { iso, type HarborState } from './state';

/**
 * Replication engine of one sandbox Harbor: push-based policies to peer Harbors, event-based
 * (on push) or manual. Delays are scaled by `clockSpeed`. Outcomes are drawn from a seeded PRNG
 * (deterministic) or scripted by tests: a task may fail, or stay InProgress forever (the
 * execution is then stuck, and the first stop request is ignored, as Harbor users report).
 */

/** `stuck`: InProgress forever (jobservice lost the job); `pending`: never leaves Pending (no worker picks it up). */
export type TaskOutcome = 'success' | 'fail' | 'stuck' | 'pending';

export interface ReplicationPeer {
  name: string;
  url: string;
  /** Receive a replicated artifact (same digest). */
  receive(repository: string, tag: string, digest: string): void;
}

export interface RegistryEndpointRec {
  id: number;
  name: string;
  url: string;
  peer: ReplicationPeer;
  creationTime: number;
}

export interface PolicyRec {
  id: number;
  name: string;
  description: string;
  dest: RegistryEndpointRec;
  trigger: 'manual' | 'event_based' | 'scheduled';
  /** Repository name filter: `library/**`, `**`, or an exact name. */
  nameFilter: string;
  enabled: boolean;
  creationTime: number;
}

export interface TaskRec {
  id: number;
  executionId: number;
  status: 'Pending' | 'InProgress' | 'Succeed' | 'Failed' | 'Stopped';
  jobId: string;
  repository: string;
  tag: string;
  digest: string;
  startTime: number;
  endTime?: number;
  outcome: TaskOutcome;
  log: string[];
  timers: NodeJS.Timeout[];
}

export interface ExecutionRec {
  id: number;
  policyId: number;
  trigger: 'manual' | 'event_based' | 'scheduled';
  startTime: number;
  endTime?: number;
  tasks: TaskRec[];
  stopRequests: number;
  stopped: boolean;
}

export interface ReplicationOptions {
  /** 1 = real time; 100 = a hundred times faster. */
  clockSpeed: number;
  seed: number;
  /** Probability a task fails (default 0.1) or gets stuck (default 0.05). */
  failRate?: number;
  stuckRate?: number;
  /** Real-time copy duration range in ms, before scaling (default 3–20 s, as a small image takes). */
  delayMs?: [number, number];
}

export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const globMatch = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\u0000/g, '.*')}$`,
  ).test(name);

export class ReplicationEngine {
  readonly registries: RegistryEndpointRec[] = [];
  readonly policies: PolicyRec[] = [];
  readonly executions: ExecutionRec[] = [];
  private readonly random: () => number;
  private readonly scripted: TaskOutcome[] = [];
  private closed = false;
  /** While paused, copies do not complete (tasks stay InProgress): lets tests and demos hold a state. */
  paused = false;

  constructor(
    private readonly state: HarborState,
    private readonly opts: ReplicationOptions,
  ) {
    this.random = mulberry32(opts.seed);
  }

  /** Force the outcomes of the next tasks, in order (tests and demos); replaces what is left of an earlier script. */
  script(...outcomes: TaskOutcome[]): void {
    this.scripted.splice(0, this.scripted.length, ...outcomes);
  }

  addPeer(peer: ReplicationPeer, opts: { trigger?: PolicyRec['trigger']; nameFilter?: string; policyName?: string } = {}): PolicyRec {
    const now = Date.now();
    let endpoint = this.registries.find((r) => r.url === peer.url);
    if (!endpoint) {
      endpoint = { id: this.state.id(), name: peer.name, url: peer.url, peer, creationTime: now };
      this.registries.push(endpoint);
    }
    const policy: PolicyRec = {
      id: this.state.id(),
      name: opts.policyName ?? `replicate-to-${peer.name}`,
      description: `Push images to ${peer.name}`,
      dest: endpoint,
      trigger: opts.trigger ?? 'event_based',
      nameFilter: opts.nameFilter ?? '**',
      enabled: true,
      creationTime: now,
    };
    this.policies.push(policy);
    return policy;
  }

  /** Event-based trigger: a push happened here. */
  onPush(repository: string, tag: string, digest: string): void {
    for (const p of this.policies) {
      if (p.enabled && p.trigger === 'event_based' && globMatch(p.nameFilter, repository))
        this.startExecution(p, 'event_based', [{ repository, tag, digest }]);
    }
  }

  /** Manual execution: copy every tag matching the policy filter (all of them, as Harbor does; bounded). */
  startManual(policyId: number): ExecutionRec | undefined {
    const policy = this.policies.find((p) => p.id === policyId);
    if (!policy) return undefined;
    const items: { repository: string; tag: string; digest: string }[] = [];
    for (const project of this.state.projects.values())
      for (const repo of project.repos.values()) {
        if (!globMatch(policy.nameFilter, repo.name)) continue;
        for (const a of repo.artifacts.values())
          for (const t of a.tags) if (items.length < 10_000) items.push({ repository: repo.name, tag: t.name, digest: a.manifest.digest });
      }
    return this.startExecution(policy, 'manual', items);
  }

  private nextOutcome(): TaskOutcome {
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    const r = this.random();
    const fail = this.opts.failRate ?? 0.1;
    const stuck = this.opts.stuckRate ?? 0.05;
    if (r < stuck) return r < stuck / 2 ? 'pending' : 'stuck';
    return r < stuck + fail ? 'fail' : 'success';
  }

  private scaled(ms: number): number {
    return Math.max(1, Math.round(ms / Math.max(0.001, this.opts.clockSpeed)));
  }

  startExecution(
    policy: PolicyRec,
    trigger: ExecutionRec['trigger'],
    items: { repository: string; tag: string; digest: string }[],
  ): ExecutionRec {
    const now = Date.now();
    const exec: ExecutionRec = {
      id: this.state.id(),
      policyId: policy.id,
      trigger,
      startTime: now,
      tasks: [],
      stopRequests: 0,
      stopped: false,
    };
    this.executions.push(exec);
    const [minDelay, maxDelay] = this.opts.delayMs ?? [3_000, 20_000];
    for (const item of items) {
      const task: TaskRec = {
        id: this.state.id(),
        executionId: exec.id,
        status: 'Pending',
        jobId: Math.floor(this.random() * 2 ** 48).toString(16),
        ...item,
        startTime: now,
        outcome: this.nextOutcome(),
        log: [],
        timers: [],
      };
      exec.tasks.push(task);
      this.log(task, `Pending: copy ${item.repository}:${item.tag} (${item.digest}) to ${policy.dest.url}`);
      const startAfter = this.scaled(500 + this.random() * 1_500);
      const copyFor = this.scaled(minDelay + this.random() * (maxDelay - minDelay));
      task.timers.push(
        setTimeout(() => {
          if (this.closed || task.status !== 'Pending' || task.outcome === 'pending') return;
          task.status = 'InProgress';
          task.startTime = Date.now();
          this.log(task, `client for destination registry [type: harbor, URL: ${policy.dest.url}] created`);
          this.log(task, `copying ${item.repository}:[${item.tag}](source) to ${item.repository}:[${item.tag}](destination)...`);
          if (task.outcome === 'stuck') return; // never finishes: jobservice lost the job
          const complete = () => {
            if (this.closed || task.status !== 'InProgress') return;
            if (this.paused) return void task.timers.splice(0, task.timers.length, setTimeout(complete, 20));
            if (task.outcome === 'fail') {
              this.log(
                task,
                `failed to push manifest of artifact ${item.repository}:${item.tag}: http status code: 503, body: {"errors":[{"code":"UNKNOWN","message":"service unavailable"}]}`,
              );
              task.status = 'Failed';
            } else {
              policy.dest.peer.receive(item.repository, item.tag, item.digest);
              this.log(task, `copy ${item.repository}:[${item.tag}](source) to ${item.repository}:[${item.tag}](destination) completed`);
              task.status = 'Succeed';
            }
            task.endTime = Date.now();
            this.finishIfDone(exec);
          };
          task.timers.push(setTimeout(complete, copyFor));
        }, startAfter),
      );
    }
    this.finishIfDone(exec);
    return exec;
  }

  private log(task: TaskRec, line: string) {
    task.log.push(`${iso(Date.now())} [INFO] [/controller/replication/transfer/image/transfer.go:${100 + task.log.length}]: ${line}`);
  }

  private finishIfDone(exec: ExecutionRec) {
    if (exec.endTime === undefined && exec.tasks.every((t) => t.status === 'Succeed' || t.status === 'Failed' || t.status === 'Stopped'))
      exec.endTime = Date.now();
  }

  /**
   * Stop: pending and running tasks become Stopped, except that an execution with a stuck task
   * ignores the first stop request (Harbor #16028, #19426): it stays InProgress.
   */
  stop(executionId: number): ExecutionRec | undefined {
    const exec = this.executions.find((e) => e.id === executionId);
    if (!exec) return undefined;
    exec.stopRequests++;
    const hasStuck = exec.tasks.some(
      (t) => (t.outcome === 'stuck' || t.outcome === 'pending') && (t.status === 'InProgress' || t.status === 'Pending'),
    );
    if (hasStuck && exec.stopRequests === 1) return exec;
    for (const t of exec.tasks) {
      if (t.status === 'Pending' || t.status === 'InProgress') {
        t.status = 'Stopped';
        t.endTime = Date.now();
        t.timers.forEach(clearTimeout);
        this.log(t, 'the job is stopped');
      }
    }
    exec.stopped = true;
    this.finishIfDone(exec);
    return exec;
  }

  static status(exec: ExecutionRec): 'InProgress' | 'Succeed' | 'Failed' | 'Stopped' {
    const c = ReplicationEngine.counts(exec);
    if (c.in_progress > 0) return 'InProgress';
    if (c.stopped > 0) return 'Stopped';
    if (c.failed > 0) return 'Failed';
    return 'Succeed';
  }

  static counts(exec: ExecutionRec) {
    let failed = 0;
    let succeed = 0;
    let inProgress = 0;
    let stopped = 0;
    for (const t of exec.tasks) {
      if (t.status === 'Failed') failed++;
      else if (t.status === 'Succeed') succeed++;
      else if (t.status === 'Stopped') stopped++;
      else inProgress++;
    }
    return { total: exec.tasks.length, failed, succeed, in_progress: inProgress, stopped };
  }

  close(): void {
    this.closed = true;
    for (const e of this.executions) for (const t of e.tasks) t.timers.forEach(clearTimeout);
  }
}
