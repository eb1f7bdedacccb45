import type { ChannelName } from '../../src-shared/contract';
import type { AppError } from '../../src-shared/result';

/**
 * How the renderer reaches main. Two implementations: ElectronTransport (the preload bridge,
 * `window.capstan`) and WebSocketTransport (browser mode). Neither knows a feature: they move
 * channel names and unknown payloads; the client (client.ts) validates everything with zod.
 */
export type ConnectionState =
  /** First connection attempt in progress. */
  | 'connecting'
  /** Connected: calls and subscriptions flow. Electron's transport is always open. */
  | 'open'
  /** The connection dropped; retrying with backoff. Subscriptions are restored on reconnect. */
  | 'reconnecting'
  /** Closed for good (closed by the app, or no access token in browser mode). */
  | 'closed';

export interface Transport {
  readonly kind: 'electron' | 'browser';
  /** Resolves with the raw Result from main (unvalidated), or an Err result when the transport fails. */
  invoke(channel: ChannelName, payload: unknown): Promise<unknown>;
  /**
   * Starts a subscription; returns its unsubscribe function. `onEnd` is called at most once, when
   * main ends the stream (with an error, usually). A dropped browser connection does not end it.
   */
  subscribe(channel: ChannelName, params: unknown, onEvent: (event: unknown) => void, onEnd: (error?: AppError) => void): () => void;
  getState(): ConnectionState;
  /** Listener gets every state change; returns an unlisten function. */
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
  /** Browser mode: try to reconnect now rather than at the next back-off step. */
  reconnectNow?(): void;
}
