import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ok } from '../../src-shared/result';
import { ContainerStateFeed, RequestCap } from './container-state';
import { PodLogSource, type LogTransport, type SourceSink, type SourceTarget } from './pod-log-source';

/** The pod watch's view of a running container (restart 1). */
function runningFeed(): ContainerStateFeed {
  const feed = new ContainerStateFeed('app');
  feed.update({
    metadata: { name: 'p' },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', restartCount: 1, state: { running: { startedAt: '2026-11-26T19:00:00Z' } } }],
    },
  });
  return feed;
}
const fast = { firstBackoffMs: 1, cap: new RequestCap(1000, 1000) };

/** A transport that serves one pod: each stream request gets the next body, the paths are recorded. */
function transport(bodies: string[]) {
  const paths: string[] = [];
  const conn: LogTransport = {
    getJson: async (): Promise<never> => {
      throw new Error('a log source asks the pod watch, not the API server');
    },
    openStream: async (path) => {
      paths.push(path);
      // A real server answers later: yield to timers (a clean end is followed by an immediate re-open).
      await new Promise((r) => setTimeout(r, 2));
      return ok(Readable.from([Buffer.from(bodies.shift() ?? '')]));
    },
  };
  return { conn, paths };
}

function collect() {
  const lines: string[] = [];
  const states: string[] = [];
  const sink: SourceSink = {
    lines: (l) => lines.push(...l.map(([ts, text]) => `${ts} ${text}`)),
    marker: () => undefined,
    state: (s) => states.push(s),
  };
  return { sink, lines, states };
}

/** Waits for a condition (up to 10 s: a busy machine is slow, never wrong); throws if it never holds. */
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`condition never held: ${cond.toString()}`);
};

/**
 * A source of shop/orders-1's `app` container (fast back-off) over `bodies`, stopped once it has
 * opened `streams` streams: the paths asked for and the lines delivered.
 */
async function streamsOpened(bodies: string[], target: Partial<SourceTarget> & Pick<SourceTarget, 'tailLines'>, streams: number) {
  const { conn, paths } = transport(bodies);
  const { sink, lines } = collect();
  const src = new PodLogSource(conn, { namespace: 'shop', pod: 'orders-1', container: 'app', ...target }, sink, runningFeed(), fast);
  src.start();
  await until(() => paths.length >= streams);
  src.stop();
  return { paths, lines };
}

describe('PodLogSource start point', () => {
  it('starts at sinceTime (logs around an event) instead of the last tailLines', async () => {
    const { conn, paths } = transport(['2026-11-26T19:58:00.000000001Z before the kill\n2026-11-26T20:00:00.5Z OutOfMemoryError\n']);
    const { sink, lines, states } = collect();
    new PodLogSource(
      conn,
      { namespace: 'shop', pod: 'orders-1', container: 'app', previous: true, tailLines: 500, sinceTime: '2026-11-26T19:58:00Z' },
      sink,
      runningFeed(),
    ).start();
    await until(() => states.includes('ended'));
    const q = new URL(`http://x${paths[0]}`).searchParams;
    expect(q.get('sinceTime')).toBe('2026-11-26T19:58:00Z');
    expect(q.get('previous')).toBe('true');
    expect(q.has('tailLines')).toBe(false);
    expect(lines).toEqual(['2026-11-26T19:58:00.000000001Z before the kill', '2026-11-26T20:00:00.500000000Z OutOfMemoryError']);
  });

  it('without sinceTime it asks for the last tailLines; a resumed stream uses the last line it had', async () => {
    const { paths, lines } = await streamsOpened(
      ['2026-11-26T20:00:01Z one\n', '2026-11-26T20:00:01Z one\n2026-11-26T20:00:02Z two\n'],
      { tailLines: 200, sinceTime: '2026-11-26T19:00:00Z' },
      3,
    );
    expect(new URL(`http://x${paths[0]}`).searchParams.get('sinceTime')).toBe('2026-11-26T19:00:00Z');
    // The resume starts at the boundary second of the last line, not at the original sinceTime.
    expect(new URL(`http://x${paths[1]}`).searchParams.get('sinceTime')).toBe('2026-11-26T20:00:01Z');
    expect(lines.slice(0, 2)).toEqual(['2026-11-26T20:00:01.000000000Z one', '2026-11-26T20:00:02.000000000Z two']);
    const plain = transport([]);
    const p = new PodLogSource(
      plain.conn,
      { namespace: 'shop', pod: 'orders-1', container: 'app', previous: true, tailLines: 200 },
      collect().sink,
      runningFeed(),
    );
    p.start();
    await until(() => plain.paths.length > 0);
    expect(new URL(`http://x${plain.paths[0]}`).searchParams.get('tailLines')).toBe('200');
  });

  it('keeps a line stamped earlier than the one before it (a crash message), and still drops repeats after a resume', async () => {
    const body = '2026-11-26T20:00:16.100Z Starting\n2026-11-26T20:00:16.400Z Started\n2026-11-26T20:00:16Z ERROR Application run failed\n';
    const { lines } = await streamsOpened([body, `${body}2026-11-26T20:00:17Z after the cut\n`], { pod: 'catalog-1', tailLines: 200 }, 3);
    expect(lines.map((l) => l.slice(31))).toEqual(['Starting', 'Started', 'ERROR Application run failed', 'after the cut']);
  });
});

describe('PodLogSource on a crash-looping container', () => {
  it('reads the last instance once, waits for the pod watch through the back-off, then follows the new instance', async () => {
    const feed = new ContainerStateFeed('app');
    const pod = (restartCount: number, state: object) => ({
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', restartCount, state, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
      },
    });
    feed.update(pod(3, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_shop(u)' } }));
    // Like a kubelet in back-off: every follow returns the last instance's log and closes.
    const { conn, paths } = transport(Array.from({ length: 1000 }, () => '2026-11-26T20:00:01Z Application run failed\n'));
    const states: string[] = [];
    const markers: string[] = [];
    const sink: SourceSink = {
      lines: () => undefined,
      marker: (m) => markers.push(m),
      state: (s, _r, msg) => states.push(`${s}${msg ? `: ${msg}` : ''}`),
    };
    const src = new PodLogSource(conn, { namespace: 'shop', pod: 'p', container: 'app', tailLines: 10 }, sink, feed, fast);
    src.start();
    await until(() => states.includes('waiting: waiting for the container to restart (back-off 40 s)'));
    expect(paths).toHaveLength(1);
    feed.update(pod(4, { running: { startedAt: '2026-11-26T20:00:41Z' } }));
    await until(() => paths.length >= 2 && markers.length > 0);
    src.stop();
    // Nothing was asked during the back-off (one path until the restart, checked above); the new
    // instance's stream may already have ended and been reopened (this test's back-off is 1 ms).
    expect(markers).toEqual(['── container app restarted (restart 4); following the new instance ──']);
  });
});
