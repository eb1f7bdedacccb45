/**
 * Every release action is also a Kubernetes Event on the Deployment it touches, so that people
 * without Capstan see what happened in `kubectl describe deploy` (and `kubectl get events`).
 *
 * Which API: core/v1 Events, because that is what `kubectl describe` searches (by
 * involvedObject kind, name, namespace and uid) and what every cluster serves; events.k8s.io/v1
 * objects are the same objects seen through another version, and older tooling only reads v1.
 * `source.component` and `reportingComponent` are "capstan", the reason is CamelCase, the message
 * says what happened with the release id, the batch (i/n) and who.
 *
 * Never in the way of a release: `kubeEventsFor` is pure and computed after the state is saved;
 * the recorder only queues (bounded: the oldest waiting event is dropped when full) and writes in
 * the background, one at a time, each with a timeout; a failure goes to the diagnostics log, never
 * to the executor. Repeats are aggregated as client-go's recorder does: the same reason and message
 * on the same Deployment within `aggregateMs` patches `count` and `lastTimestamp` of the Event
 * already written instead of creating another.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { batchLabel } from '../../src-shared/releases/execution';
import type { ExecutionEvent, ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import type { Result } from '../../src-shared/result';
import type { Diagnostics } from '../base/diagnostics-log';

export const EVENT_COMPONENT = 'capstan';

export interface ReleaseKubeEvent {
  clusterId: string;
  namespace: string;
  deployment: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Tag of an image (`…/orders:1.5.0` → `1.5.0`), what people call a version. */
const tag = (image: string | undefined) => (image ? (image.includes('@') ? image : image.slice(image.lastIndexOf(':') + 1)) : '?');
const where = (g: GroupExecution) => batchLabel(g, Math.min(g.batch, g.batches.length - 1));
const podsAt = (g: GroupExecution, index: number) => g.batches.slice(0, index + 1).reduce((a, b) => a + b, 0);
const total = (g: GroupExecution) => g.batches.reduce((a, b) => a + b, 0);
const moving = (g: GroupExecution) => ['fort', 'rolling'].includes(g.phase) && g.step === 'updating';

/** What happened, as Events, between `prev` and `next` through `event` (empty when nothing a person needs to see). */
export function kubeEventsFor(prev: ExecutionState, event: ExecutionEvent, next: ExecutionState, driver: string): ReleaseKubeEvent[] {
  const who = event.actor === 'capstan' ? `Capstan (driven by ${driver})` : event.actor;
  const out: ReleaseKubeEvent[] = [];
  for (const g of next.groups) {
    const p = prev.groups.find((x) => x.key === g.key);
    if (!p) continue;
    const named = 'group' in event && event.group === g.key;
    const changed = p.phase !== g.phase || p.batch !== g.batch || p.step !== g.step || p.awaiting.join() !== g.awaiting.join();
    const releaseWide = !('group' in event) || event.group === undefined;
    if (!named && !changed && !(releaseWide && touchesAll(event, g))) continue;
    const push = (type: ReleaseKubeEvent['type'], reason: string, what: string) =>
      out.push({
        clusterId: g.clusterId,
        namespace: g.namespace,
        deployment: g.deployment,
        type,
        reason,
        message: `${what.charAt(0).toUpperCase()}${what.slice(1)}. Release ${next.id}, ${where(g)}, by ${who}.`,
      });
    const versions = `${tag(g.fromImage)} → ${tag(g.toImage)}`;
    const own = forEvent(event, g, p, versions);
    if (own) push(own.type, own.reason, own.what);
    // What the state itself says, whatever event moved it there.
    if (moving(g) && (!moving(p) || p.batch !== g.batch) && event.type !== 'rollback') {
      push('Normal', 'BatchStarted', `${where(g)} started: ${podsAt(g, g.batch)} of ${total(g)} pods ${versions}`);
    }
    if (g.step === 'checking' && g.awaiting.includes('approval') && !p.awaiting.includes('approval')) {
      push(
        'Normal',
        'BatchHeld',
        `Held at ${podsAt(g, g.batch)} of ${total(g)} pods on ${tag(g.toImage)}, waiting for a person's approval in Capstan`,
      );
    }
    if (g.phase === 'succeeded' && p.phase !== 'succeeded') {
      push(
        'Normal',
        'ReleaseSucceeded',
        `All ${total(g)} pods run ${tag(g.toImage)}; original strategy, minReadySeconds and progress deadline restored`,
      );
    }
  }
  return out;
}

/** Release-wide actions (no group named) concern every group they moved or that is under way. */
function touchesAll(e: ExecutionEvent, g: GroupExecution): boolean {
  if (e.type === 'stageBaked') return g.stageIndex === e.stage;
  if (!['pause', 'resume', 'stopTheLine', 'abort', 'rollback', 'recovered'].includes(e.type)) return false;
  return !['pending', 'succeeded', 'rolled-back', 'failed'].includes(g.phase) || (e.type === 'rollback' && g.phase === 'rolling-back');
}

function forEvent(
  e: ExecutionEvent,
  g: GroupExecution,
  p: GroupExecution,
  versions: string,
): { type: ReleaseKubeEvent['type']; reason: string; what: string } | undefined {
  switch (e.type) {
    case 'fortDone':
      return { type: 'Normal', reason: 'BatchCompleted', what: `Fort done: ${podsAt(g, 0)} pod on ${tag(g.toImage)} and ready` };
    case 'batchDone':
      return {
        type: 'Normal',
        reason: 'BatchCompleted',
        what: `${batchLabel(g, e.batch)} done: ${podsAt(g, e.batch)} of ${total(g)} pods on ${tag(g.toImage)} and ready`,
      };
    case 'gatePassed':
      return { type: 'Normal', reason: 'GatePassed', what: `Gate ${e.gate} passed at ${podsAt(g, g.batch)} of ${total(g)} pods` };
    case 'stageBaked':
      return {
        type: 'Normal',
        reason: 'StageBaked',
        what: `Stage ${e.stage + 1} baked: every group of it stayed healthy for the whole bake`,
      };
    case 'gateFailed':
      return { type: 'Warning', reason: 'GateFailed', what: `Gate ${e.gate} failed: ${e.detail}` };
    case 'approvalGiven':
      return p.awaiting.includes('approval') || e.group === g.key
        ? { type: 'Normal', reason: 'Approved', what: `Approved${e.override ? ` despite degraded health, reason: "${e.override}"` : ''}` }
        : undefined;
    case 'degraded':
      return { type: 'Warning', reason: 'Degraded', what: `Degraded after its gate: ${e.evidence.detail}` };
    case 'overrideDegraded':
      return { type: 'Warning', reason: 'DegradedOverridden', what: `Going on although degraded, reason: "${e.reason}"` };
    case 'pause':
      return {
        type: 'Normal',
        reason: 'ReleasePaused',
        what: `Paused${e.note ? `: ${e.note}` : ''}; the Deployment rests at ${podsAt(g, g.batch)} of ${total(g)} pods`,
      };
    case 'resume':
      return { type: 'Normal', reason: 'ReleaseResumed', what: 'Resumed' };
    case 'retry':
      return { type: 'Normal', reason: 'Retried', what: `Retried after: ${p.failure ?? 'a failure'}` };
    case 'stopTheLine':
      return {
        type: 'Warning',
        reason: 'StopTheLine',
        what: `Stop the line${e.note ? `: ${e.note}` : ''}; every release holds where it is`,
      };
    case 'abort':
      return { type: 'Warning', reason: 'ReleaseAborted', what: `Aborted${e.note ? `: ${e.note}` : ''}` };
    case 'rollback':
      return {
        type: 'Warning',
        reason: 'RollbackStarted',
        what: `Rolling back ${versions.split(' → ').reverse().join(' → ')}, never below the ready pods it has`,
      };
    case 'rollbackDone':
      return {
        type: 'Normal',
        reason: 'RolledBack',
        what: `Rolled back: every pod on ${tag(g.fromImage)}; original strategy, minReadySeconds and progress deadline restored`,
      };
    case 'fail':
      return { type: 'Warning', reason: 'ReleaseFailed', what: `Failed: ${e.detail}` };
    case 'externalEdit':
      return {
        type: 'Warning',
        reason: 'ChangedOutsideRelease',
        what: `${e.detail}${e.by ? ` (by ${e.by})` : ''}; the group is paused until a person decides`,
      };
    case 'acceptProgress':
      return {
        type: 'Normal',
        reason: 'ProgressAccepted',
        what: `Progress made outside the release accepted as ${batchLabel(g, e.batch)}`,
      };
    // The abort's hand back: restored, or left held mid-way (and why); a Deployment the release
    // never wrote to, or no longer claims, gets no Event.
    case 'handedBack':
      if (e.outcome === 'untouched') return undefined;
      return e.outcome === 'restored'
        ? { type: 'Normal', reason: 'OriginalSettingsRestored', what: `Handed back after the abort: ${e.detail}` }
        : e.outcome === 'held'
          ? { type: 'Warning', reason: 'LeftHeld', what: `Handed back after the abort: ${e.detail}` }
          : { type: 'Warning', reason: 'HandBackRefused', what: `Not handed back after the abort: ${e.detail}` };
    case 'recovered':
      return { type: 'Warning', reason: 'HeldAfterRestart', what: 'Capstan restarted during the release; held until a person resumes it' };
    default:
      return undefined;
  }
}

/** The writes the recorder needs (KubeClusterOps implements them). */
export interface EventWriter {
  deploymentUid(namespace: string, name: string, signal?: AbortSignal): Promise<Result<string | undefined>>;
  createEvent(namespace: string, body: object, signal?: AbortSignal): Promise<Result<{ metadata: { name?: string } }>>;
  patchEvent(namespace: string, name: string, patch: object, signal?: AbortSignal): Promise<Result<unknown>>;
}

export interface EventRecorderOptions {
  /** Waiting events kept at most; beyond, the oldest is dropped (and said in the diagnostics). */
  maxQueue?: number;
  /** Same reason and message on the same Deployment within this window: the count goes up. Default 10 min, as client-go. */
  aggregateMs?: number;
  timeoutMs?: number;
  now?: () => number;
  diagnostics?: Pick<Diagnostics, 'write'>;
}

interface Written {
  name: string;
  count: number;
  at: number;
}

export class ReleaseEventRecorder {
  private readonly queue: ReleaseKubeEvent[] = [];
  private readonly written = new Map<string, Written>();
  private readonly uids = new Map<string, string>();
  private draining: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly instance = `capstan@${hostname()}`;
  /** Events that could not be written (tests and the diagnostics read it). */
  failures = 0;
  dropped = 0;

  constructor(
    private readonly writerFor: (clusterId: string) => EventWriter,
    private readonly opts: EventRecorderOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Queue and return at once: the release never waits for an Event. */
  record(events: readonly ReleaseKubeEvent[]): void {
    const max = this.opts.maxQueue ?? 200;
    for (const e of events) {
      this.queue.push(e);
      if (this.queue.length > max) {
        this.queue.shift();
        this.dropped++;
        if (this.dropped === 1 || this.dropped % 100 === 0)
          this.opts.diagnostics?.write(
            'release-events',
            `${this.dropped} release Event(s) dropped: more than ${max} waited to be written (a slow or unreachable API server).`,
          );
      }
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once every queued Event was written or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let e = this.queue.shift(); e; e = this.queue.shift()) {
      try {
        await this.write(e);
      } catch (x) {
        this.fail(e, x instanceof Error ? x.message : String(x));
      }
    }
  }

  private fail(e: ReleaseKubeEvent, why: string): void {
    this.failures++;
    this.opts.diagnostics?.write(
      `release-events ${e.clusterId}`,
      `Event ${e.reason} on Deployment ${e.namespace}/${e.deployment} not written (the release goes on): ${why}`,
    );
  }

  private async write(e: ReleaseKubeEvent): Promise<void> {
    const w = this.writerFor(e.clusterId);
    const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 5000);
    const ts = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const key = `${e.clusterId}\u0000${e.namespace}\u0000${e.deployment}\u0000${e.type}\u0000${e.reason}\u0000${e.message}`;
    for (const [k, v] of this.written) if (this.now() - v.at > (this.opts.aggregateMs ?? 600_000)) this.written.delete(k);
    const seen = this.written.get(key);
    if (seen) {
      const r = await w.patchEvent(e.namespace, seen.name, { count: seen.count + 1, lastTimestamp: ts }, signal);
      if (r.ok) {
        seen.count++;
        seen.at = this.now();
        return;
      }
      this.written.delete(key); // gone (expired by the cluster's TTL): create it again below
    }
    const uidKey = `${e.clusterId}\u0000${e.namespace}\u0000${e.deployment}`;
    let uid = this.uids.get(uidKey);
    if (!uid) {
      const u = await w.deploymentUid(e.namespace, e.deployment, signal);
      if (!u.ok) return this.fail(e, u.error.message);
      uid = u.value;
      if (uid) this.uids.set(uidKey, uid);
    }
    // client-go names Events <object>.<unix nanos in hex>; a random tail keeps two in one ms apart.
    const name = `${e.deployment}.${(BigInt(this.now()) * 1_000_000n + BigInt(randomBytes(2).readUInt16BE())).toString(16)}`;
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: e.namespace },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: e.namespace, name: e.deployment, ...(uid ? { uid } : {}) },
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: EVENT_COMPONENT, host: hostname() },
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: this.instance,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    const r = await w.createEvent(e.namespace, body, signal);
    if (!r.ok) return this.fail(e, r.error.message);
    this.written.set(key, { name: r.value.metadata.name ?? name, count: 1, at: this.now() });
  }
}
