import type { BridgeRequestFn, BridgeStreamFn, PreloadBridge } from '../../src-shared/contract/bridge';
import type { ChannelName } from '../../src-shared/contract';
import { err, type AppError } from '../../src-shared/result';
import type { ConnectionState, Transport } from './transport';

/** The Electron transport: calls the preload's per-channel functions on `window.capstan`. */
export class ElectronTransport implements Transport {
  readonly kind = 'electron' as const;

  constructor(private readonly bridge: PreloadBridge) {}

  invoke(channel: ChannelName, payload: unknown): Promise<unknown> {
    const fn = this.bridge[channel] as BridgeRequestFn | undefined;
    if (typeof fn !== 'function') return Promise.resolve(missingChannel(channel));
    return fn(payload).catch((error: unknown) => {
      console.error(`[ipc] ${channel} failed in the preload bridge`, error);
      return err(
        'internal',
        "The request could not reach Capstan's main process, so nothing was done. Restart Capstan if this keeps happening.",
      );
    });
  }

  subscribe(channel: ChannelName, params: unknown, onEvent: (event: unknown) => void, onEnd: (error?: AppError) => void): () => void {
    const fn = this.bridge[channel] as BridgeStreamFn | undefined;
    if (typeof fn !== 'function') {
      queueMicrotask(() => onEnd(missingChannel(channel).error));
      return () => {};
    }
    return fn(params, onEvent, onEnd);
  }

  getState(): ConnectionState {
    return 'open';
  }

  onStateChange(): () => void {
    return () => {};
  }

  close(): void {}
}

const missingChannel = (channel: string) => {
  console.error(`[ipc] the preload has no function for ${channel}`);
  return err('internal', "This build's preload and renderer do not match, so the request was not sent. Rebuild the app (npm run build).");
};
