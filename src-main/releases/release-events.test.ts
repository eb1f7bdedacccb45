import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src-shared/releases/execution';
import type { ExecutionEvent, ExecutionState } from '../../src-shared/releases/execution-model';
import { err, ok, type Result } from '../../src-shared/result';
import { kubeEventsFor, ReleaseEventRecorder, type EventWriter, type ReleaseKubeEvent } from './release-events';

class FakeWriter implements EventWriter {
  created: { namespace: string; body: Record<string, unknown> }[] = [];
  patched: { name: string; patch: object }[] = [];
  fail = false;
  hang = false;
  async deploymentUid(): Promise<Result<string | undefined>> {
    return ok('uid-1');
  }
  async createEvent(namespace: string, body: object, signal?: AbortSignal): Promise<Result<{ metadata: { name?: string } }>> {
    if (this.hang) await new Promise((_r, reject) => signal?.addEventListener('abort', () => reject(new Error('timed out'))));
    if (this.fail) return err('cluster-forbidden', 'events is forbidden');
    this.created.push({ namespace, body: body as Record<string, unknown> });
    return ok({ metadata: { name: (body as { metadata: { name: string } }).metadata.name } });
  }
  async patchEvent(_ns: string, name: string, patch: object): Promise<Result<unknown>> {
    this.patched.push({ name, patch });
    return ok({});
  }
}

const ev = (reason = 'GateFailed', message = 'Gate health failed: crash loop. Release r1, batch 1/2, by Capstan.'): ReleaseKubeEvent => ({
  clusterId: 'c1',
  namespace: 'shop',
  deployment: 'orders',
  type: 'Warning',
  reason,
  message,
});

describe('ReleaseEventRecorder', () => {
  it('writes a core/v1 Event on the Deployment, from capstan, found by its uid', async () => {
    const w = new FakeWriter();
    const r = new ReleaseEventRecorder(() => w, { now: () => Date.parse('2026-12-06T03:00:00Z') });
    r.record([ev()]);
    await r.idle();
    expect(w.created[0]!.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      type: 'Warning',
      reason: 'GateFailed',
      count: 1,
      reportingComponent: 'capstan',
      source: { component: 'capstan' },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders', uid: 'uid-1' },
      firstTimestamp: '2026-12-06T03:00:00Z',
      lastTimestamp: '2026-12-06T03:00:00Z',
    });
    expect(String((w.created[0]!.body.metadata as { name: string }).name)).toMatch(/^orders\.[0-9a-f]+$/);
  });

  it('aggregates a repeat into the count of the Event already written, like client-go, until the window passes', async () => {
    let now = 0;
    const w = new FakeWriter();
    const r = new ReleaseEventRecorder(() => w, { now: () => now, aggregateMs: 600_000 });
    for (let i = 0; i < 5; i++) r.record([ev()]);
    await r.idle();
    expect(w.created).toHaveLength(1);
    expect(w.patched.map((p) => (p.patch as { count: number }).count)).toEqual([2, 3, 4, 5]);
    r.record([ev('GateFailed', 'another message')]);
    now = 700_000;
    r.record([ev()]);
    await r.idle();
    expect(w.created).toHaveLength(3);
  });

  it('never blocks or throws: failures and timeouts are counted and written to the diagnostics; the queue is bounded', async () => {
    const notes: string[] = [];
    const w = new FakeWriter();
    w.fail = true;
    const r = new ReleaseEventRecorder(() => w, { diagnostics: { write: (t, d) => notes.push(`${t}: ${d}`) }, maxQueue: 3, timeoutMs: 50 });
    r.record([ev('A'), ev('B'), ev('C'), ev('D'), ev('E')]);
    expect(r.dropped).toBe(2); // D and E pushed A and B out
    await r.idle();
    expect(r.failures).toBe(3);
    expect(notes[0]).toContain('1 release Event(s) dropped: more than 3 waited to be written');
    expect(notes).toContain('release-events c1: Event C on Deployment shop/orders not written (the release goes on): events is forbidden');
    w.fail = false;
    w.hang = true;
    r.record([ev('F')]);
    await r.idle();
    expect(r.failures).toBe(4);
    expect(notes.at(-1)).toContain('timed out');
  });
});

describe('kubeEventsFor', () => {
  const state = (): ExecutionState => ({
    schema: 1,
    id: 'orders-1.5.0-x',
    planName: 'p',
    app: 'orders',
    toImage: 'shop/orders:1.5.0',
    createdAt: 0,
    version: 0,
    status: 'pending',
    config: {
      maxParallelGroups: 1,
      rollback: 'manual',
      onClusterLost: 'pause-group',
      soakAfterFortSec: 0,
      soakAfterBatchSec: 0,
      approvalAfterFort: false,
      bakeSec: 0,
    },
    stages: [{ name: 'uat', approvalBefore: false }],
    started: false,
    aborted: false,
    stageIndex: 0,
    stageApproved: true,
    stageWaitSince: 0,
    unreachable: [],
    groups: [
      {
        key: 'uat/shop/orders-uat',
        clusterId: 'uat',
        namespace: 'shop',
        deployment: 'orders-uat',
        stageIndex: 0,
        fort: false,
        batches: [1, 1],
        fromImage: 'shop/orders:1.4.2',
        toImage: 'shop/orders:1.5.0',
        phase: 'pending',
        batch: 0,
        step: 'updating',
        awaiting: [],
        changedAt: 0,
      },
    ],
    history: [],
  });
  const step = (s: ExecutionState, e: ExecutionEvent) => {
    const n = applyEvent(s, e);
    if (!n.ok) throw new Error(n.error.message);
    return { events: kubeEventsFor(s, e, n.value, 'alice@laptop'), next: n.value };
  };

  it('a start says which batch began, on which Deployment, with the release id and who', () => {
    const { events } = step(state(), { type: 'start', actor: 'alice', at: 1 });
    expect(events).toEqual([
      {
        clusterId: 'uat',
        namespace: 'shop',
        deployment: 'orders-uat',
        type: 'Normal',
        reason: 'BatchStarted',
        message: 'Batch 1/2 started: 1 of 2 pods 1.4.2 → 1.5.0. Release orders-1.5.0-x, batch 1/2, by alice.',
      },
    ]);
  });

  it('what Capstan does on its own names the person driving it; stop the line is a Warning on every group under way', () => {
    let s = step(state(), { type: 'start', actor: 'alice', at: 1 }).next;
    const done = step(s, { type: 'batchDone', group: 'uat/shop/orders-uat', batch: 0, actor: 'capstan', at: 2 });
    expect(done.events[0]).toMatchObject({
      reason: 'BatchCompleted',
      message: expect.stringContaining('by Capstan (driven by alice@laptop).'),
    });
    s = done.next;
    const stop = step(s, { type: 'stopTheLine', note: 'incident 42', actor: 'bob', at: 3 });
    expect(stop.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'StopTheLine',
        message: expect.stringMatching(
          /^Stop the line: incident 42; every release holds where it is\. Release orders-1\.5\.0-x, batch 1\/2, by bob\.$/,
        ),
      }),
    ]);
  });

  it('abort and its hand back: a Warning on every group under way, then what was restored or left held', () => {
    let s = step(state(), { type: 'start', actor: 'alice', at: 1 }).next;
    const abort = step(s, { type: 'abort', note: 'wrong build', actor: 'bob', at: 2 });
    expect(abort.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'ReleaseAborted',
        message: expect.stringMatching(/^Aborted: wrong build\. Release orders-1\.5\.0-x, batch 1\/2, by bob\.$/),
      }),
    ]);
    s = abort.next;
    const g = 'uat/shop/orders-uat';
    const back = (outcome: 'restored' | 'held' | 'untouched' | 'refused', detail: string) =>
      step(s, { type: 'handedBack', group: g, outcome, detail, actor: 'capstan', at: 3 }).events;
    expect(back('restored', 'no pod was updated yet: the original strategy restored')).toEqual([
      expect.objectContaining({ type: 'Normal', reason: 'OriginalSettingsRestored' }),
    ]);
    expect(back('held', 'left held at 1 of 2 pods')).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'LeftHeld',
        message: expect.stringContaining('Handed back after the abort: left held at 1 of 2 pods.'),
      }),
    ]);
    expect(back('refused', 'the API server refused the hand-back in a dry run')).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'HandBackRefused' }),
    ]);
    // Nothing of the release on it: no Event; a note (e.g. a take-over) is no hand-back either.
    expect(back('untouched', 'this release never wrote to the Deployment')).toEqual([]);
    expect(step(s, { type: 'note', group: g, detail: 'taken over from alice', actor: 'bob', at: 3 }).events).toEqual([]);
  });
});
