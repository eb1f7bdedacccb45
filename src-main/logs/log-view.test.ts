import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src-shared/result';
import { timeKey } from './backlog-merge';
import type { BacklogHoldOptions } from './backlog-hold';
import { LogView } from './log-view';
import type { LogTransport } from './pod-log-source';

const EARLY = 10;
const LATE = 10;
const BACKLOG = 200;
/** Live lines per early source: 10 × (200 + 5,000) lines wait before the late streams open (over the old 50,000-line cap). */
const LIVE = 5000;

const pod = (i: number) => ({
  metadata: { name: `web-${i}`, namespace: 'shop', uid: `u${i}`, resourceVersion: '1' },
  spec: { containers: [{ name: 'app' }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'app', restartCount: 0, state: { running: { startedAt: '2026-12-06T00:00:00Z' } } }],
  },
});

const iso = (ms: number, i: number) => `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1e6 + i).padStart(9, '0')}Z`;

/**
 * A cluster of EARLY + LATE running pods behind a fake API server: the list, a watch that stays
 * open, and one log stream per pod (its backlog from a minute ago, and for the early pods a burst
 * of live lines stamped after the view opened). The late pods' streams open only when `openLate()`.
 */
function cluster() {
  const start = Date.now();
  const body = (i: number) => {
    const lines: string[] = [];
    for (let j = 0; j < BACKLOG; j++) lines.push(`${iso(start - 60_000 + j * 10, i)} backlog ${i}/${j}`);
    if (i < EARLY) for (let j = 0; j < LIVE; j++) lines.push(`${iso(start + 5_000 + j, i)} live ${i}/${j}`);
    return Buffer.from(lines.join('\n') + '\n');
  };
  let openLate!: () => void;
  const late = new Promise<void>((r) => (openLate = r));
  let earlyRead = 0;
  const conn: LogTransport = {
    getJson: async (): Promise<never> => {
      throw new Error('not asked');
    },
    openStream: async (path, o) => {
      if (path.includes('watch=true')) {
        const r = new Readable({ read: () => undefined });
        o?.signal?.addEventListener('abort', () => r.destroy());
        return ok(r);
      }
      if (path.includes('limit=')) {
        const items = Array.from({ length: EARLY + LATE }, (_, i) => pod(i));
        return ok(Readable.from([Buffer.from(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '1' }, items }))]));
      }
      const i = Number(/pods\/web-(\d+)\/log/.exec(path)![1]);
      if (i >= EARLY) await late;
      // The log stream stays open (follow) after its lines.
      const r = new Readable({ read: () => undefined });
      r.push(body(i));
      if (i < EARLY) r.once('data', () => earlyRead++);
      o?.signal?.addEventListener('abort', () => r.destroy());
      return ok(r);
    },
  };
  return { conn, openLate, earlyRead: () => earlyRead };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 4000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`condition never held: ${cond.toString()}`);
};

let view: LogView | undefined;
afterEach(() => view?.dispose());

async function run(backlogHold: BacklogHoldOptions) {
  const c = cluster();
  view = new LogView(
    { connection: () => c.conn, acquire: () => () => undefined },
    { clusterIds: ['c1'], namespace: 'shop', target: { kind: 'selector', labelSelector: 'app=web' } },
    () => undefined,
    { backlogHold, flushMs: 10 },
  );
  view.start();
  await until(() => c.earlyRead() === EARLY);
  await new Promise((r) => setTimeout(r, 50));
  c.openLate();
  const all = EARLY * (BACKLOG + LIVE) + LATE * BACKLOG;
  await until(() => view!.ring.total >= all);
  view.spool.flush();
  return readFileSync(view.spool.file, 'utf8').trimEnd().split('\n');
}

describe('LogView backlog merge', () => {
  it('releases the backlogs in time order once every source has sent its backlog, even with sources opening late and many lines waiting', async () => {
    const lines = await run({ maxMs: 60_000 });
    expect(lines.length).toBe(EARLY * (BACKLOG + LIVE) + LATE * BACKLOG);
    let outOfOrder = 0;
    let prev = '';
    for (const l of lines) {
      const key = timeKey(l.split(' ')[1]!);
      if (key < prev) outOfOrder++;
      prev = key;
    }
    expect(outOfOrder).toBe(0);
    expect(lines.slice(0, (EARLY + LATE) * BACKLOG).every((l) => l.includes(' backlog '))).toBe(true);
  });

  it('under the memory cap releases early, marks each late backlog and loses nothing', async () => {
    const lines = await run({ maxMs: 60_000, maxBytes: 256 * 1024 });
    const markers = lines.filter((l) => l.includes(' ── '));
    // Early sources whose lines had not come yet when the cap tripped are marked too.
    expect(markers.length).toBeGreaterThanOrEqual(LATE);
    expect(lines.length - markers.length).toBe(EARLY * (BACKLOG + LIVE) + LATE * BACKLOG);
    for (let i = EARLY; i < EARLY + LATE; i++) {
      const first = lines.findIndex((l) => l.startsWith(`c1/web-${i}/app `));
      expect(lines[first]).toContain('its backlog came after the merged start');
      expect(lines[first + 1]).toContain(`backlog ${i}/0`);
    }
  });
});
