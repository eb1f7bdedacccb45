import { ipcChannels } from '../src-shared/contract/bridge';
import type { Contract } from '../src-shared/base/channels';
import type { AppError } from '../src-shared/result';

/** The parts of ipcRenderer the bridge uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

type AnyFn = (...args: never[]) => unknown;

interface Listener {
  onEvent: (event: unknown) => void;
  onEnd: (error?: AppError) => void;
}

/**
 * Builds `window.capstan` from the contract: exactly one function per channel, each bound to its
 * own channel name, so the page can only make the calls the contract defines. No ipcRenderer, no
 * generic send, no event objects cross into the page. Requests return the main process's Result;
 * streams return an unsubscribe function. Validation happens in main (payloads) and in the
 * renderer's client (results, events); this layer only routes.
 */
export function buildBridge(contract: Contract, ipc: IpcRendererLike, idPrefix = 'p'): Record<string, AnyFn> {
  const listeners = new Map<string, Listener>();
  let next = 1;

  ipc.on(ipcChannels.stream, (_event, msg) => {
    if (!msg || typeof msg !== 'object') return;
    const { t, subId } = msg as { t?: unknown; subId?: unknown };
    if (typeof subId !== 'string') return;
    const listener = listeners.get(subId);
    if (!listener) return;
    if (t === 'event') {
      listener.onEvent((msg as { event?: unknown }).event);
    } else if (t === 'end') {
      listeners.delete(subId);
      listener.onEnd((msg as { error?: AppError }).error);
    }
  });

  const bridge: Record<string, AnyFn> = {};
  for (const [name, channel] of Object.entries(contract)) {
    if (channel.kind === 'request') {
      bridge[name] = (payload: unknown) => ipc.invoke(ipcChannels.invoke, name, payload);
    } else {
      bridge[name] = ((params: unknown, onEvent: unknown, onEnd: unknown) => {
        if (typeof onEvent !== 'function') throw new TypeError(`${name}: onEvent must be a function`);
        const subId = `${idPrefix}${next++}`;
        listeners.set(subId, {
          onEvent: onEvent as Listener['onEvent'],
          onEnd: typeof onEnd === 'function' ? (onEnd as Listener['onEnd']) : () => {},
        });
        ipc.send(ipcChannels.subscribe, subId, name, params);
        return () => {
          if (listeners.delete(subId)) ipc.send(ipcChannels.unsubscribe, subId);
        };
      }) as AnyFn;
    }
  }
  return Object.freeze(bridge);
}
