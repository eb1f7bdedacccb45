import type { AppError } from '../result';
import type { ChannelName } from './index';

/**
 * The Electron preload bridge: `window.capstan`, one function per channel of the contract.
 * Results and events arrive unvalidated here; the renderer's client validates them with zod.
 */
export const BRIDGE_KEY = 'capstan';

/** ipcMain / ipcRenderer channel names used by the preload (never exposed to the page). */
export const ipcChannels = {
  invoke: 'capstan:invoke',
  subscribe: 'capstan:subscribe',
  unsubscribe: 'capstan:unsubscribe',
  /** main -> this window's renderer: StreamMessage */
  stream: 'capstan:stream',
} as const;

export type BridgeRequestFn = (payload: unknown) => Promise<unknown>;
export type BridgeStreamFn = (params: unknown, onEvent: (event: unknown) => void, onEnd: (error?: AppError) => void) => () => void;
export type PreloadBridge = Record<ChannelName, BridgeRequestFn | BridgeStreamFn>;
