import { describe, expect, it, vi } from 'vitest';
import { contract } from '../src-shared/contract';
import { ipcChannels } from '../src-shared/contract/bridge';
import { buildBridge, type IpcRendererLike } from './bridge';

function fakeIpc() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipc = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
    send: vi.fn(),
    on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => handlers.set(channel, listener)),
  } satisfies IpcRendererLike;
  const push = (msg: unknown) => handlers.get(ipcChannels.stream)!({ sender: 'ipc-event' }, msg);
  return { ipc, push };
}

/** A fake contextBridge: records what gets exposed, like Electron's main world would see it. */
function exposeWith(ipc: IpcRendererLike) {
  const world: Record<string, unknown> = {};
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => (world[key] = api) };
  contextBridge.exposeInMainWorld('capstan', buildBridge(contract, ipc));
  return world;
}

describe('preload bridge', () => {
  it('exposes exactly one function per channel and nothing else', () => {
    const { ipc } = fakeIpc();
    const world = exposeWith(ipc);
    expect(Object.keys(world)).toEqual(['capstan']);
    const api = world.capstan as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(Object.keys(contract).sort());
    for (const fn of Object.values(api)) expect(typeof fn).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('invoke');
  });

  it('binds each request function to its channel', async () => {
    const { ipc } = fakeIpc();
    const api = exposeWith(ipc).capstan as Record<string, (p: unknown) => Promise<unknown>>;
    await api['clusters.list']!({});
    expect(ipc.invoke).toHaveBeenCalledWith(ipcChannels.invoke, 'clusters.list', {});
    await api['kubeconfig.removePath']!({ path: '/k' });
    expect(ipc.invoke).toHaveBeenLastCalledWith(ipcChannels.invoke, 'kubeconfig.removePath', { path: '/k' });
  });

  it('streams: subscribe, route events by id, end, unsubscribe', () => {
    const { ipc, push } = fakeIpc();
    const api = exposeWith(ipc).capstan as Record<string, (...a: unknown[]) => () => void>;
    const a: unknown[] = [];
    const b: unknown[] = [];
    const ends: unknown[] = [];
    const unA = api['clusters.watch']!(
      {},
      (e: unknown) => a.push(e),
      (err: unknown) => ends.push(err),
    );
    api['workloads.subscribe']!(
      {},
      (e: unknown) => b.push(e),
      (err: unknown) => ends.push(err),
    );
    const calls = ipc.send.mock.calls as unknown[][];
    const [, idA, chA] = calls[0]!;
    const [, idB, chB] = calls[1]!;
    expect([chA, chB]).toEqual(['clusters.watch', 'workloads.subscribe']);
    expect(idA).not.toBe(idB);
    push({ t: 'event', subId: idA, event: { clusters: [] } });
    push({ t: 'event', subId: idB, event: { diffs: [] } });
    push({ t: 'event', subId: 'unknown', event: 1 });
    push(null);
    expect(a).toEqual([{ clusters: [] }]);
    expect(b).toEqual([{ diffs: [] }]);
    push({ t: 'end', subId: idB, error: { code: 'internal', message: 'x' } });
    push({ t: 'event', subId: idB, event: { diffs: [1] } });
    expect(b).toHaveLength(1);
    expect(ends).toEqual([{ code: 'internal', message: 'x' }]);
    unA();
    expect(ipc.send).toHaveBeenLastCalledWith(ipcChannels.unsubscribe, idA);
    push({ t: 'event', subId: idA, event: { clusters: [1] } });
    expect(a).toHaveLength(1);
    unA();
    expect(ipc.send.mock.calls.filter((c) => c[0] === ipcChannels.unsubscribe)).toHaveLength(1);
  });
});
