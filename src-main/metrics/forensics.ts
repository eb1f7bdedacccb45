/**
 * OOM forensics for one container: the working-set curve before each kill (from our history), the
 * limit, the last terminated state, the pod's events, and the last lines the killed container
 * wrote (pod log with previous=true), because after the restart that evidence is otherwise gone.
 */
import type { Readable } from 'node:stream';
import type { ContainerRef, Forensics } from '../../src-shared/metrics/contract';
import type { Result } from '../../src-shared/result';
import type { RequestOptions } from '../clusters/cluster-connection';
import { readBounded } from '../clusters/cluster-connection';
import type { ContainerHistory } from './history';
import type { ContainerInfo } from './pod-index';

export interface ForensicsTransport {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
  openStream(path: string, o?: RequestOptions): Promise<Result<Readable>>;
}

const BEFORE_KILL_MS = 15 * 60_000;
const LOG_LINES = 80;

interface EventList {
  items?: {
    type?: string;
    reason?: string;
    message?: string;
    count?: number;
    lastTimestamp?: string;
    eventTime?: string;
    series?: { count?: number };
  }[];
}

const nullable = (xs: number[]) => xs.map((v) => (Number.isNaN(v) ? null : v));

export async function forensics(
  ref: ContainerRef,
  h: ContainerHistory | undefined,
  info: ContainerInfo | undefined,
  t: ForensicsTransport | undefined,
): Promise<Forensics> {
  // Kills as the pod index classified them (the shared OOM rule): an exit 137 with reason Error is
  // a SIGKILL, not an OOM kill, and is not one here either.
  const kills = (h?.events ?? [])
    .filter((e) => e.kind === 'oom')
    .map((event) => {
      const a = h!.ring.toArrays(event.at - BEFORE_KILL_MS);
      const keep = a.t.findIndex((x) => x > event.at + 1000);
      const end = keep < 0 ? a.t.length : keep;
      return { event, t: a.t.slice(0, end), workingSet: nullable(a.ws.slice(0, end)) };
    });
  const out: Forensics = { ref, kills, events: [], previousLog: [] };
  if (info?.memoryLimit) out.memoryLimit = info.memoryLimit;
  if (info?.lastTerminated) out.lastTerminated = info.lastTerminated;
  if (!t) {
    out.eventsError = out.previousLogError = `Cluster "${ref.clusterId}" is not connected.`;
    return out;
  }
  const ns = encodeURIComponent(ref.namespace);
  const pod = encodeURIComponent(ref.pod);
  const fs = encodeURIComponent(`involvedObject.name=${ref.pod}`);
  const [ev, log] = await Promise.all([
    t.getJson<EventList>(`/api/v1/namespaces/${ns}/events?fieldSelector=${fs}`, {
      verb: 'list',
      resource: 'events',
      idleTimeoutMs: 10_000,
    }),
    previousLog(
      t,
      ref,
      `/api/v1/namespaces/${ns}/pods/${pod}/log?container=${encodeURIComponent(ref.container)}&previous=true&tailLines=${LOG_LINES}&timestamps=true`,
    ),
  ]);
  if (ev.ok) {
    out.events = (ev.value.items ?? [])
      .map((e) => ({
        type: e.type ?? 'Normal',
        reason: e.reason ?? '',
        message: e.message ?? '',
        count: e.series?.count ?? e.count ?? 1,
        lastSeen: e.lastTimestamp ?? e.eventTime ?? undefined,
      }))
      .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''))
      .map((e) => (e.lastSeen ? e : { type: e.type, reason: e.reason, message: e.message, count: e.count }));
  } else out.eventsError = ev.error.message;
  if (log.ok) out.previousLog = log.value;
  else out.previousLogError = log.error.message;
  return out;
}

async function previousLog(t: ForensicsTransport, ref: ContainerRef, path: string): Promise<Result<string[]>> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 10_000);
  try {
    const s = await t.openStream(path, { verb: 'get', resource: 'pods/log', signal: ctl.signal, idleTimeoutMs: 10_000 });
    if (!s.ok) {
      // A container that never restarted has no previous instance: kube answers 400 for that.
      if (s.error.status === 400)
        return {
          ok: false,
          error: {
            ...s.error,
            message: `No previous container instance of ${ref.container} to read logs from (it has not restarted since the pod started).`,
          },
        };
      return s;
    }
    const body = await readBounded(
      s.value,
      256 * 1024,
      { clusterId: ref.clusterId, server: ref.clusterId, verb: 'get', resource: 'pods/log' },
      ctl.signal,
      true,
    );
    if (!body.ok) return body;
    return {
      ok: true,
      value: body.value
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .slice(-LOG_LINES),
    };
  } finally {
    clearTimeout(timer);
  }
}
