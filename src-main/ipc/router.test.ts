import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contract as appContract, type AppHandlers } from '../../src-shared/contract';
import { request, stream, type Handlers } from '../../src-shared/base/channels';
import { err, ok, type AppError } from '../../src-shared/result';
import type { Logger } from './logger';
import { createRouter, type StreamSink } from './router';

const testContract = {
  'echo.upper': request(z.object({ text: z.string().max(100) }).strict(), z.object({ text: z.string() })),
  'echo.boom': request(z.object({}).strict(), z.null()),
  'echo.bad': request(z.object({}).strict(), z.object({ n: z.number() })),
  'ticks.watch': stream(z.object({ every: z.number().int().positive() }).strict(), z.object({ n: z.number() })),
  'ticks.refuse': stream(z.object({}).strict(), z.object({ n: z.number() })),
};

const spyLogger = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  const push = (m: string, ...d: unknown[]) => lines.push([m, ...d.map((x) => (x instanceof Error ? x.stack : String(x)))].join(' '));
  return { lines, info: push, warn: push, error: push };
};

function setup() {
  const logger = spyLogger();
  const signals: AbortSignal[] = [];
  const emitters: ((e: unknown) => void)[] = [];
  const upper = vi.fn(async (req: { text: string }) => ok({ text: req.text.toUpperCase() }));
  const handlers: Handlers<typeof testContract> = {
    'echo.upper': upper,
    'echo.boom': async () => {
      throw new Error('token=s3cr3t leaked in a stack');
    },
    'echo.bad': async () => ok({ n: 'nope' }) as never,
    'ticks.watch': (_params, emit, ctx) => {
      signals.push(ctx.signal);
      emitters.push(emit as (e: unknown) => void);
      return ok(undefined);
    },
    'ticks.refuse': async () => err('cluster-unreachable', 'no cluster'),
  };
  const router = createRouter({ contract: testContract, handlers, logger, validateResponses: true });
  return { router, logger, signals, emitters, upper };
}

const sink = () => {
  const events: unknown[] = [];
  const ends: AppError[] = [];
  const s: StreamSink = { event: (e) => events.push(e), end: (e) => ends.push(e) };
  return { s, events, ends };
};

describe('router.invoke', () => {
  it('runs a valid request', async () => {
    const { router } = setup();
    expect(await router.invoke('w1', 'echo.upper', { text: 'hi' })).toEqual({ ok: true, value: { text: 'HI' } });
  });

  it.each([['nope'], ['__proto__'], ['toString'], ['constructor'], [42], [null]])(
    'rejects unknown channel %s without running anything',
    async (channel) => {
      const { router, logger, upper } = setup();
      const r = await router.invoke('w1', channel, { text: 'hi' });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(upper).not.toHaveBeenCalled();
      expect(logger.lines.join('\n')).toMatch(/unknown channel/);
    },
  );

  it('rejects an invalid payload, logs channel and issue paths, never executes', async () => {
    const { router, logger, upper } = setup();
    const r = await router.invoke('w1', 'echo.upper', { text: 5, secret: 'hunter2' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(upper).not.toHaveBeenCalled();
    const log = logger.lines.join('\n');
    expect(log).toContain('"echo.upper"');
    expect(log).toContain('text');
    expect(log).not.toContain('hunter2');
  });

  it('rejects oversized strings (schema max and global payload bound)', async () => {
    const { router, upper } = setup();
    expect(await router.invoke('w1', 'echo.upper', { text: 'x'.repeat(101) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await router.invoke('w1', 'echo.upper', { text: 'x'.repeat(2_000_000) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(upper).not.toHaveBeenCalled();
  });

  it('rejects oversized strings on the real app contract', async () => {
    const removePath = vi.fn(async () => ok(null));
    const router = createRouter({
      contract: appContract,
      handlers: { 'kubeconfig.removePath': removePath } as unknown as AppHandlers,
      logger: spyLogger(),
    });
    expect(await router.invoke('w1', 'kubeconfig.removePath', { path: '/x'.repeat(3000) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await router.invoke('w1', 'kubeconfig.removePath', { path: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(removePath).not.toHaveBeenCalled();
    expect(await router.invoke('w1', 'kubeconfig.removePath', { path: '/home/me/.kube/config' })).toEqual({ ok: true, value: null });
  });

  it('rejects a stream channel invoked as a request', async () => {
    const { router } = setup();
    expect(await router.invoke('w1', 'ticks.watch', { every: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('turns a handler exception into an internal error without leaking its message', async () => {
    const { router, logger } = setup();
    const r = await router.invoke('w1', 'echo.boom', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
    expect(logger.lines.join('\n')).toContain('echo.boom');
  });

  it('catches responses that break the contract in dev/test', async () => {
    const { router } = setup();
    expect(await router.invoke('w1', 'echo.bad', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('router.subscribe', () => {
  it('delivers events and aborts on unsubscribe', () => {
    const { router, signals, emitters } = setup();
    const { s, events, ends } = sink();
    router.subscribe('w1', 'a1', 'ticks.watch', { every: 1 }, s);
    expect(router.subscriptionCount('w1')).toBe(1);
    emitters[0]!({ n: 1 });
    expect(events).toEqual([{ n: 1 }]);
    router.unsubscribe('w1', 'a1');
    expect(signals[0]!.aborted).toBe(true);
    emitters[0]!({ n: 2 });
    expect(events).toEqual([{ n: 1 }]);
    expect(ends).toEqual([]);
    expect(router.subscriptionCount()).toBe(0);
  });

  it('unsubscribe from another sender does nothing', () => {
    const { router, signals } = setup();
    router.subscribe('w1', 'a1', 'ticks.watch', { every: 1 }, sink().s);
    router.unsubscribe('w2', 'a1');
    expect(signals[0]!.aborted).toBe(false);
  });

  it('disposeSender aborts all of that sender only', () => {
    const { router, signals } = setup();
    router.subscribe('w1', 'a1', 'ticks.watch', { every: 1 }, sink().s);
    router.subscribe('w1', 'a2', 'ticks.watch', { every: 2 }, sink().s);
    router.subscribe('w2', 'a1', 'ticks.watch', { every: 3 }, sink().s);
    router.disposeSender('w1');
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
    expect(router.subscriptionCount('w2')).toBe(1);
    router.dispose();
    expect(signals[2]!.aborted).toBe(true);
  });

  it('rejects bad params, unknown channels and duplicate ids with an end error', () => {
    const { router, signals } = setup();
    const bad = sink();
    router.subscribe('w1', 'a1', 'ticks.watch', { every: -1 }, bad.s);
    router.subscribe('w1', 'a2', 'nope.watch', {}, bad.s);
    router.subscribe('w1', 'a3', 'echo.upper', { text: 'x' }, bad.s);
    expect(bad.ends.map((e) => e.code)).toEqual(['invalid-payload', 'invalid-payload', 'invalid-payload']);
    expect(signals).toHaveLength(0);
    router.subscribe('w1', 'a4', 'ticks.watch', { every: 1 }, sink().s);
    const dup = sink();
    router.subscribe('w1', 'a4', 'ticks.watch', { every: 1 }, dup.s);
    expect(dup.ends[0]?.code).toBe('invalid-payload');
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('ends with the handler error when the handler refuses', async () => {
    const { router } = setup();
    const { s, ends } = sink();
    router.subscribe('w1', 'a1', 'ticks.refuse', {}, s);
    await new Promise((r) => setTimeout(r, 0));
    expect(ends).toEqual([{ code: 'cluster-unreachable', message: 'no cluster' }]);
    expect(router.subscriptionCount()).toBe(0);
  });

  it('ends a subscription whose events break the contract', () => {
    const { router, emitters, signals } = setup();
    const { s, events, ends } = sink();
    router.subscribe('w1', 'a1', 'ticks.watch', { every: 1 }, s);
    emitters[0]!({ n: 'x' });
    expect(events).toEqual([]);
    expect(ends[0]?.code).toBe('internal');
    expect(signals[0]!.aborted).toBe(true);
  });

  it('ends the subscription when the sink throws (transport gone)', () => {
    const { router, emitters, signals } = setup();
    const ends: AppError[] = [];
    router.subscribe(
      'w1',
      'a1',
      'ticks.watch',
      { every: 1 },
      {
        event: () => {
          throw new Error('closed');
        },
        end: (e) => ends.push(e),
      },
    );
    emitters[0]!({ n: 1 });
    expect(signals[0]!.aborted).toBe(true);
    expect(ends[0]?.code).toBe('unavailable');
  });

  it('ignores malformed subscription ids', () => {
    const { router, signals } = setup();
    router.subscribe('w1', '../../x', 'ticks.watch', { every: 1 }, sink().s);
    router.subscribe('w1', 'x'.repeat(65), 'ticks.watch', { every: 1 }, sink().s);
    expect(signals).toHaveLength(0);
  });
});
