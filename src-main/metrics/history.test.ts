import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import { historyCsv } from './csv';
import { growthPerMin, MetricsHistory } from './history';
import { loadHistory, saveHistory } from './persist';
import { eventTime, PodIndex } from './pod-index';
import type { ContainerReading } from './sources';

const ref = { clusterId: 'c', namespace: 'ns', pod: 'p', container: 'app' };
const reading = (x: Partial<ContainerReading>): ContainerReading => ({
  namespace: 'ns',
  pod: 'p',
  container: 'app',
  cpu: 0.1,
  ws: 100,
  rss: 90,
  ...x,
});
const newHistory = () => new MetricsHistory(360, () => 10_000);

describe('MetricsHistory', () => {
  it('derives CPU from cumulative counters on the node clock, and never a negative rate after a counter reset', () => {
    const h = newHistory();
    // Node clock an hour ahead: only differences of its own timestamps are used.
    const skew = 3_600_000;
    h.record('c', 10_000, reading({ cpu: Number.NaN, coreNs: 5e9, nodeTime: 10_000 + skew }), 'kubelet-summary');
    h.record('c', 20_000, reading({ cpu: Number.NaN, coreNs: 10e9, nodeTime: 20_000 + skew }), 'kubelet-summary');
    // Restart: the counter starts from zero again.
    h.record('c', 30_000, reading({ cpu: Number.NaN, coreNs: 1e9, nodeTime: 30_000 + skew }), 'kubelet-summary');
    const s = h.get(ref)!;
    const a = s.ring.toArrays();
    expect(a.t).toEqual([10_000, 20_000, 30_000]); // our clock
    expect(a.cpu[1]).toBeCloseTo(0.5, 5);
    expect(Number.isNaN(a.cpu[2]!)).toBe(true);
    expect(s.instanceStart).toBe(30_000);
  });

  it('containers appearing and vanishing: new series, and a gap row when one comes back', () => {
    const h = newHistory();
    h.record('c', 10_000, reading({}), 'metrics-api');
    h.record('c', 60_000, reading({}), 'metrics-api'); // missed four rounds
    h.record('c', 60_000, reading({ pod: 'q' }), 'metrics-api');
    const a = h.get(ref)!.ring.toArrays();
    expect(a.t).toEqual([10_000, 20_000, 60_000]);
    expect(Number.isNaN(a.ws[1]!)).toBe(true);
    expect(h.size).toBe(2);
    h.prune(60_001 + 3_600_000, 3_600_000);
    expect(h.size).toBe(0);
  });

  it('ignores a duplicate or earlier timestamp', () => {
    const h = newHistory();
    h.record('c', 10_000, reading({ ws: 1 }), 'metrics-api');
    h.record('c', 10_000, reading({ ws: 2 }), 'metrics-api');
    expect(h.get(ref)!.ring.size).toBe(1);
  });

  it('computes growth per minute over the current instance only', () => {
    const h = newHistory();
    for (let i = 0; i < 30; i++) h.record('c', i * 10_000, reading({ ws: 1e6 + i * 1e5 }), 'metrics-api');
    expect(growthPerMin(h.get(ref)!, 290_000)).toBeCloseTo(6e5, -2);
    h.addEvent(ref, { at: 285_000, kind: 'oom', restartCount: 1 }, 290_000);
    expect(growthPerMin(h.get(ref)!, 290_000)).toBeUndefined(); // too few samples since the kill
  });
});

describe('PodIndex', () => {
  const pod = (restartCount: number, terminated?: Record<string, unknown>): Pod =>
    ({
      metadata: { namespace: 'ns', name: 'p', labels: { 'app.kubernetes.io/name': 'orders' } },
      spec: {
        containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } } }],
      },
      status: {
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount,
            image: 'x',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: terminated ? { terminated } : {},
          },
        ],
      },
    }) as unknown as Pod;

  it('reads requests and limits as quantities, and OOMKilled restarts as OOM events', () => {
    const idx = new PodIndex();
    expect(idx.update(pod(0), 1000)).toEqual([]);
    const ev = idx.update(pod(1, { reason: 'OOMKilled', exitCode: 137, finishedAt: '1970-01-01T00:00:01Z' }), 5000);
    expect(ev).toEqual([
      { container: 'app', event: { at: 1999, kind: 'oom', reason: 'OOMKilled', exitCode: 137, restartCount: 1, startedAt: undefined } },
    ]);
    expect(idx.get('ns', 'p', 'app')).toMatchObject({
      app: 'orders',
      memoryLimit: 2 ** 30,
      memoryRequest: 2 ** 29,
      cpuRequest: 0.25,
      restarts: 1,
      state: 'CrashLoopBackOff',
    });
  });

  it('exit code 137 without reason OOMKilled is a restart, not an OOM kill', () => {
    const idx = new PodIndex();
    idx.update(pod(0), 0);
    const ev = idx.update(pod(1, { reason: 'Error', exitCode: 137 }), 5000);
    expect(ev[0]!.event).toMatchObject({ kind: 'restart', exitCode: 137, at: 5000 });
  });

  it('an event time from a node clock far ahead is replaced by the time we saw it', () => {
    expect(eventTime('2099-01-01T00:00:00Z', 1000)).toBe(1000);
    expect(eventTime(undefined, 1000)).toBe(1000);
  });
});

describe('persistence and CSV', () => {
  it('round-trips the last hour and moves a corrupt file aside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-mh-'));
    try {
      const h = newHistory();
      for (let i = 0; i < 5; i++) h.record('c', 1_000_000 + i * 10_000, reading({ ws: 1000 + i, rss: Number.NaN }), 'metrics-api');
      h.addEvent(ref, { at: 1_020_000, kind: 'oom', exitCode: 137, reason: 'OOMKilled', restartCount: 1 }, 1_040_000);
      const file = join(dir, 'm.bin');
      saveHistory(file, h.values(), 1_015_000, 1_040_000);
      const loaded = loadHistory(file).series;
      expect(loaded).toHaveLength(1);
      const again = newHistory();
      for (const s of loaded) again.restore(s.series, s.samples, 0, 1_040_000);
      const restored = again.get(ref)!;
      expect(restored.ring.toArrays().ws).toEqual([1002, 1003, 1004]);
      expect(restored.ring.toArrays().t).toEqual([1_020_000, 1_030_000, 1_040_000]);
      expect(Number.isNaN(restored.ring.toArrays().rss[0]!)).toBe(true);
      expect(restored.events[0]!.kind).toBe('oom');
      expect(restored.ref).toEqual(ref);
      writeFileSync(file, 'garbage');
      const bad = loadHistory(file);
      expect(bad.series).toEqual([]);
      expect(bad.problem).toMatch(/moved to .*m\.bin\.corrupt/);
      expect(readdirSync(dir).filter((f) => f.startsWith('m.bin.corrupt-'))).toHaveLength(1);
      expect(historyCsv(again.values())).toMatch(
        /^time,cluster,namespace,pod,container,cpu_cores,working_set_bytes,rss_bytes,event\n1970-01-01T00:17:00\.000Z,c,ns,p,app,0\.1000,1002,,\n1970-01-01T00:17:00\.000Z,c,ns,p,app,,,,OOMKilled exit=137 restarts=1\n/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
