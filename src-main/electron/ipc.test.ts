import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ipcChannels } from '../../src-shared/contract/bridge';
import { request, stream, type Handlers } from '../../src-shared/base/channels';
import { ok } from '../../src-shared/result';
import { createRouter } from '../ipc/router';
import { disposeOnRendererExit, wireIpc } from './ipc';

const contract = {
  'echo.upper': request(z.object({ text: z.string() }).strict(), z.object({ text: z.string() })),
  'ticks.watch': stream(z.object({}).strict(), z.object({ n: z.number() })),
};
const quiet = { info() {}, warn: vi.fn(), error() {} };

function setup() {
  const signals: AbortSignal[] = [];
  const emitters: ((e: { n: number }) => void)[] = [];
  const upper = vi.fn(async ({ text }: { text: string }) => ok({ text: text.toUpperCase() }));
  const handlers: Handlers<typeof contract> = {
    'echo.upper': upper,
    'ticks.watch': (_p, emit, ctx) => {
      signals.push(ctx.signal);
      emitters.push(emit);
      return ok(undefined);
    },
  };
  const router = createRouter({ contract, handlers, logger: quiet, validateResponses: true });
  const invokeHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipcMain = {
    handle: (ch: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void invokeHandlers.set(ch, fn),
    on: (ch: string, fn: (event: unknown, ...args: unknown[]) => void) => {
      listeners.set(ch, fn);
      return ipcMain;
    },
    removeHandler: (ch: string) => void invokeHandlers.delete(ch),
    removeAllListeners: (ch: string) => {
      listeners.delete(ch);
      return ipcMain;
    },
  };
  const unwire = wireIpc(ipcMain as never, router, { windowIds: new Set([1]), allowedOrigins: ['capstan://app'] }, quiet);
  const webContents = (id = 1) => ({
    id,
    destroyed: false,
    sent: [] as unknown[][],
    isDestroyed() {
      return this.destroyed;
    },
    send(...a: unknown[]) {
      this.sent.push(a);
    },
  });
  const event = (wc: ReturnType<typeof webContents>, frame: unknown = { url: 'capstan://app/index.html', parent: null }) => ({
    sender: wc,
    senderFrame: frame,
  });
  return { router, invokeHandlers, listeners, webContents, event, upper, signals, emitters, unwire };
}

describe('ipcMain wiring', () => {
  it('runs calls from our window', async () => {
    const s = setup();
    const wc = s.webContents();
    expect(await s.invokeHandlers.get(ipcChannels.invoke)!(s.event(wc), 'echo.upper', { text: 'a' })).toEqual({
      ok: true,
      value: { text: 'A' },
    });
  });

  it.each([
    ['null frame', null, 1],
    ['subframe', { url: 'capstan://app/index.html', parent: {} }, 1],
    ['foreign URL', { url: 'https://evil.example/', parent: null }, 1],
    ['other webContents', { url: 'capstan://app/index.html', parent: null }, 2],
  ])('refuses a call from a %s without running it', async (_name, frame, id) => {
    const s = setup();
    const r = await s.invokeHandlers.get(ipcChannels.invoke)!(s.event(s.webContents(id), frame), 'echo.upper', { text: 'a' });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(s.upper).not.toHaveBeenCalled();
    const wc = s.webContents(id);
    s.listeners.get(ipcChannels.subscribe)!(s.event(wc, frame), 'p1', 'ticks.watch', {});
    expect(s.signals).toHaveLength(0);
    expect(wc.sent).toEqual([
      [ipcChannels.stream, { t: 'end', subId: 'p1', error: expect.objectContaining({ code: 'forbidden-sender' }) }],
    ]);
  });

  it('streams to the subscribing window, unsubscribes, and ends when the window is gone', () => {
    const s = setup();
    const wc = s.webContents();
    s.listeners.get(ipcChannels.subscribe)!(s.event(wc), 'p1', 'ticks.watch', {});
    s.emitters[0]!({ n: 1 });
    expect(wc.sent).toEqual([[ipcChannels.stream, { t: 'event', subId: 'p1', event: { n: 1 } }]]);
    s.listeners.get(ipcChannels.unsubscribe)!(s.event(wc), 'p1');
    expect(s.signals[0]!.aborted).toBe(true);

    s.listeners.get(ipcChannels.subscribe)!(s.event(wc), 'p2', 'ticks.watch', {});
    wc.destroyed = true;
    s.emitters[1]!({ n: 2 });
    expect(s.signals[1]!.aborted).toBe(true);
    expect(s.router.subscriptionCount()).toBe(0);
  });

  it('ends subscriptions on reload, crash and close, not on in-page navigation', () => {
    const s = setup();
    const wc = Object.assign(new EventEmitter(), s.webContents());
    disposeOnRendererExit(wc as never, s.router, quiet);
    const sub = (id: string) => s.listeners.get(ipcChannels.subscribe)!(s.event(wc), id, 'ticks.watch', {});
    sub('a');
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    wc.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(s.signals[0]!.aborted).toBe(false);
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(s.signals[0]!.aborted).toBe(true);
    sub('b');
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(s.signals[1]!.aborted).toBe(true);
    sub('c');
    wc.emit('destroyed');
    expect(s.signals[2]!.aborted).toBe(true);
  });

  it('unwires', () => {
    const s = setup();
    s.unwire();
    expect(s.invokeHandlers.size).toBe(0);
    expect(s.listeners.size).toBe(0);
  });
});
