/**
 * The pod log subresource with the rich generator (see config.ts for when it is used): history
 * and follow from one deterministic timeline per container instance, nanosecond timestamps,
 * sinceTime at second precision (metav1.Time, so clients must dedupe the boundary second),
 * follow with socket back-pressure (a slow reader makes the writer wait, never buffer), the end
 * of a follow when the container restarts or the pod goes away, and a one-shot mid-line cut.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../kube/store';
import { notFound } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { ApiError } from '../server/status';
import type { LogConfig } from './config';
import { takeCutFault } from './config';
import type { LineContext } from './generator';
import { endingLines, lineText } from './generator';
import { Timeline, formatNs } from './timeline';

const TICK_MS = 20;
const MAX_LINES_PER_WRITE = 5000;

interface Terminated {
  startedAt?: string;
  finishedAt?: string;
  reason?: string;
}
interface ContainerStatus {
  name: string;
  restartCount: number;
  state: { running?: { startedAt?: string }; terminated?: Terminated; waiting?: { reason?: string } };
  lastState: { terminated?: Terminated };
}

/**
 * One container instance's output: the timeline's lines [0, base), then for an instance that died
 * of an error the `ending` lines (its last words), stamped just after the last timeline line.
 */
export interface Instance {
  timeline: Timeline;
  endMs?: number;
  startedAt: string;
  ctx: LineContext;
  base?: number;
  ending?: string[];
}

const namesOf = (list: unknown) => ((list ?? []) as { name: string }[]).map((c) => c.name);

/** The status of a container, init container or ephemeral container. */
export function containerStatus(pod: KubeObject, container: string): ContainerStatus | undefined {
  const st = pod.status ?? {};
  return (
    [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])] as ContainerStatus[]
  ).find((c) => c.name === container);
}

export function pickContainer(pod: KubeObject, wanted: string | null): string {
  const containers = namesOf(pod.spec.containers);
  const init = namesOf(pod.spec.initContainers);
  const ephemeral = namesOf(pod.spec.ephemeralContainers);
  const name = pod.metadata.name;
  const container = wanted ?? (containers.length === 1 ? containers[0]! : '');
  if (!container) {
    throw new ApiError(
      400,
      'BadRequest',
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}${ephemeral.length ? ` or one of the ephemeral containers: [${ephemeral.join(' ')}]` : ''}`,
    );
  }
  if (![...containers, ...init, ...ephemeral].includes(container))
    throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  return container;
}

/** The current (or previous) instance of a container, as a timeline. */
export function instanceOf(pod: KubeObject, container: string, cfg: LogConfig, previous: boolean): Instance {
  const s = containerStatus(pod, container);
  const name = pod.metadata.name;
  let t: Terminated | undefined;
  if (previous) {
    t = s?.lastState?.terminated;
    if (!t) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
  } else if (s?.state?.running) t = { startedAt: s.state.running.startedAt };
  else t = s?.state?.terminated ?? s?.lastState?.terminated;
  if (!t?.startedAt)
    throw new ApiError(
      400,
      'BadRequest',
      `container "${container}" in pod "${name}" is waiting to start: ${s?.state?.waiting?.reason ?? 'ContainerCreating'}`,
    );
  const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? container;
  const isInit = namesOf(pod.spec.initContainers).includes(container);
  const inst: Instance = {
    timeline: new Timeline(Date.parse(t.startedAt), cfg.rate, cfg.history),
    startedAt: t.startedAt,
    ctx: { app, pod: name, profile: cfg.profile, init: isInit ? container : undefined },
  };
  if (t.finishedAt) endInstance(inst, t);
  return inst;
}

/** The instance ended (its terminated state): it wrote up to then, and a crash its last words. */
function endInstance(inst: Instance, t: Terminated, endMs = Date.parse(t.finishedAt!) + 999): void {
  inst.endMs = endMs;
  if (!inst.ctx.init && (t.reason === 'Error' || t.reason === 'OOMKilled')) {
    inst.base = inst.timeline.countAt(endMs, endMs);
    inst.ending = endingLines(inst.ctx.app, t.reason, inst.base);
  }
}

/** Lines the instance has written by `nowMs`, its last words included once it has ended. */
export function instanceCount(inst: Instance, nowMs: number): number {
  return inst.ending ? inst.base! + inst.ending.length : inst.timeline.countAt(nowMs, inst.endMs);
}

/** Lines [from, to) as bytes, each `[timestamp ]text\n`. */
export function renderLines(inst: Instance, from: number, to: number, timestamps: boolean): Buffer {
  const parts: (string | Buffer)[] = [];
  let allText = true;
  const tl = inst.timeline;
  for (let i = from; i < to; i++) {
    if (inst.ending && i >= inst.base!) {
      // Stamped a nanosecond apart after the last regular line, so the order survives sorting.
      const last = inst.base! > 0 ? tl.tNs(inst.base! - 1) : tl.anchorNs;
      if (timestamps) parts.push(formatNs(last + BigInt(i - inst.base! + 1)) + ' ');
      parts.push(inst.ending[i - inst.base!]!, '\n');
      continue;
    }
    const text = lineText(inst.ctx, i, tl.ms(i));
    if (typeof text !== 'string') allText = false;
    if (timestamps) parts.push(tl.timestamp(i) + ' ');
    parts.push(text, '\n');
  }
  if (allText) return Buffer.from(parts.join(''), 'utf8');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

export function handleRichPodLog(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  pod: KubeObject,
  params: URLSearchParams,
  cfg: LogConfig,
): void {
  const { namespace: ns, name } = pod.metadata as { namespace: string; name: string };
  const container = pickContainer(pod, params.get('container'));
  const previous = params.get('previous') === 'true';
  const inst = instanceOf(pod, container, cfg, previous);
  const tl = inst.timeline;
  const now = Date.now();
  const count = instanceCount(inst, now);
  let from = tl.firstKept(count);
  const sinceSeconds = params.get('sinceSeconds');
  const sinceTime = params.get('sinceTime');
  // metav1.Time has second precision: the apiserver never sees sub-second sinceTime.
  const sinceMs = sinceSeconds
    ? now - Number(sinceSeconds) * 1000
    : sinceTime
      ? Math.floor(Date.parse(sinceTime) / 1000) * 1000
      : undefined;
  if (sinceMs !== undefined && Number.isFinite(sinceMs)) from = Math.max(from, tl.indexAtOrAfter(BigInt(sinceMs) * 1_000_000n));
  const tail = params.get('tailLines');
  if (tail !== null) from = Math.max(from, count - Math.max(0, Number(tail)));
  const timestamps = params.get('timestamps') === 'true';
  const limit = params.get('limitBytes') ? Number(params.get('limitBytes')) : Infinity;
  const follow = params.get('follow') === 'true' && !previous && inst.endMs === undefined;
  let cutAt = follow ? takeCutFault(store) : undefined;
  let sent = 0;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });

  /** Write lines [a, b); false when the stream must end (limit or cut). */
  const write = (a: number, b: number): boolean => {
    let buf = renderLines(inst, a, b, timestamps);
    let end = false;
    if (sent + buf.length > limit) {
      buf = buf.subarray(0, limit - sent);
      end = true;
    }
    if (cutAt !== undefined && sent + buf.length > cutAt) {
      res.write(buf.subarray(0, Math.max(1, cutAt - sent)));
      cutAt = undefined;
      // A dropped connection, not a clean end: the client sees an aborted chunked body.
      setImmediate(() => res.socket?.destroy());
      return false;
    }
    sent += buf.length;
    const more = res.write(buf);
    if (end) {
      res.end();
      return false;
    }
    if (!more) waiting = true;
    return true;
  };

  let next = from;
  let waiting = false;
  for (; next < count && !waiting; next = Math.min(count, next + MAX_LINES_PER_WRITE)) {
    if (!write(next, Math.min(count, next + MAX_LINES_PER_WRITE))) return;
  }
  /** Write lines up to `upTo` as the socket drains, then end the response. */
  const finish = (upTo: number) => {
    while (next < upTo) {
      const b = Math.min(upTo, next + MAX_LINES_PER_WRITE);
      waiting = false;
      if (!write(next, b)) return;
      next = b;
      if (waiting) return void res.once('drain', () => finish(upTo));
    }
    res.end();
  };
  if (!follow) {
    // History only: write the rest as the socket drains.
    finish(count);
    return;
  }
  res.on('drain', () => (waiting = false));
  /** When the followed instance ended (ms), once the pod says so. */
  let endMs: number | undefined;
  const timer = setInterval(() => {
    if (endMs === undefined) {
      const current = store.get('pods', ns, name)?.obj;
      const cs = current ? containerStatus(current, container) : undefined;
      if (cs?.state?.running?.startedAt !== inst.startedAt) {
        // The container exited or the pod is gone. Like the kubelet, the stream carries what this
        // instance wrote up to its end (its terminated state's finishedAt, at second precision as
        // a read of the terminated instance has it; else now), then ends.
        const ended = [cs?.state?.terminated, cs?.lastState?.terminated].find((t) => t?.startedAt === inst.startedAt);
        endMs = ended?.finishedAt ? Math.min(Date.parse(ended.finishedAt) + 999, Date.now() + 1000) : Date.now();
        if (ended?.finishedAt) endInstance(inst, ended, endMs);
      }
    }
    if (endMs !== undefined && Date.now() >= endMs) {
      clearInterval(timer);
      finish(inst.endMs !== undefined ? instanceCount(inst, endMs) : tl.countAt(endMs));
      return;
    }
    if (waiting) return;
    const upTo = Math.min(tl.countAt(Date.now(), endMs), next + MAX_LINES_PER_WRITE * 4);
    while (next < upTo && !waiting) {
      const b = Math.min(upTo, next + MAX_LINES_PER_WRITE);
      if (!write(next, b)) return clearInterval(timer);
      next = b;
    }
  }, TICK_MS);
  req.on('close', () => clearInterval(timer));
  res.on('close', () => clearInterval(timer));
}

export function podOr404(store: ObjectStore, ns: string, name: string): KubeObject {
  const pod = store.get('pods', ns, name)?.obj;
  if (!pod) throw notFound('pods', name);
  return pod;
}
