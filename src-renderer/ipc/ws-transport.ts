import type { ChannelName } from '../../src-shared/contract';
import { serverMessageSchema, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, type ClientMessage } from '../../src-shared/contract/wire';
import { err, type AppError } from '../../src-shared/result';
import { backoffDelay, EQUAL_JITTER } from '../../src-shared/base/backoff';
import { formatClock } from '../../src-shared/base/duration';
import type { ConnectionState, Transport } from './transport';

/** The subset of the DOM WebSocket we use (lets tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** ws://127.0.0.1:PORT/ws */
  url: string;
  /** Per-launch token; sent as a Sec-WebSocket-Protocol value, never in the URL. */
  token: string | undefined;
  createSocket?: WebSocketFactory;
  /** Reconnect backoff: initial delay doubling with jitter up to max. */
  backoff?: { initialMs: number; maxMs: number };
  /** How long a call waits for a connection before failing with `unavailable`. */
  connectWaitMs?: number;
  random?: () => number;
}

const OPEN = 1;

interface PendingCall {
  channel: string;
  resolve: (result: unknown) => void;
  sent: boolean;
  message: ClientMessage;
  timer?: ReturnType<typeof setTimeout>;
}

interface ActiveSub {
  channel: ChannelName;
  params: unknown;
  onEvent: (event: unknown) => void;
  onEnd: (error?: AppError) => void;
}

/**
 * Browser-mode transport. Reconnects with backoff (800 ms doubling with jitter, up to 30 s) when
 * the socket drops, and re-sends every active subscription on reconnect (main tore the old ones
 * down with the old socket; streams start with a reset, so the UI resyncs).
 *
 * A call is never replayed behind the user's back: calls made before the first connection wait
 * for it (up to `connectWaitMs`); once the page has been connected, a call made while the
 * connection is down is refused at once with the reason, and a call in flight when it drops
 * resolves with `unavailable` saying its outcome is unknown. Messages never name channel ids.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'browser' as const;
  private socket: WebSocketLike | undefined;
  private state: ConnectionState = 'connecting';
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private readonly calls = new Map<number, PendingCall>();
  private readonly subs = new Map<string, ActiveSub>();
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the connection last dropped (undefined while open, or before the first connection). */
  private downSince: number | undefined;
  private everOpen = false;
  private readonly createSocket: WebSocketFactory;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly connectWaitMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: WebSocketTransportOptions) {
    this.createSocket = opts.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
    this.backoff = opts.backoff ?? { initialMs: 800, maxMs: 30_000 };
    this.connectWaitMs = opts.connectWaitMs ?? 15_000;
    this.random = opts.random ?? Math.random;
    if (!opts.token) {
      this.setState('closed');
      return;
    }
    this.connect();
  }

  getState(): ConnectionState {
    return this.state;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  invoke(channel: ChannelName, payload: unknown): Promise<unknown> {
    if (!this.opts.token) return Promise.resolve(noToken());
    if (this.state === 'closed') return Promise.resolve(err('unavailable', 'The connection to Capstan is closed. Reload the page.'));
    if (this.everOpen && !this.isOpen()) return Promise.resolve(notConnected(this.downSince));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const call: PendingCall = { channel, resolve, sent: false, message: { t: 'invoke', id, channel, payload } };
      this.calls.set(id, call);
      if (this.isOpen()) {
        this.sendCall(call);
      } else {
        call.timer = setTimeout(() => {
          this.calls.delete(id);
          resolve(
            err(
              'unavailable',
              "Capstan's services are not reachable, so nothing was done. It keeps retrying; check that Capstan (`npm start` or `npm run serve`) is still running.",
            ),
          );
        }, this.connectWaitMs);
      }
    });
  }

  subscribe(channel: ChannelName, params: unknown, onEvent: (event: unknown) => void, onEnd: (error?: AppError) => void): () => void {
    if (!this.opts.token) {
      queueMicrotask(() => onEnd(noToken().error));
      return () => {};
    }
    const subId = `s${this.nextId++}`;
    this.subs.set(subId, { channel, params, onEvent, onEnd });
    if (this.isOpen()) this.send({ t: 'sub', subId, channel, params });
    return () => {
      if (!this.subs.delete(subId)) return;
      if (this.isOpen()) this.send({ t: 'unsub', subId });
    };
  }

  close(): void {
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'closed by the app');
    for (const [id, call] of this.calls) {
      clearTimeout(call.timer);
      call.resolve(
        err('unavailable', 'The connection closed before the answer came, so whether it was done is unknown. Reload the page and check.'),
      );
      this.calls.delete(id);
    }
    this.subs.clear();
  }

  /** When the connection dropped, while it is down after having been up. */
  getDownSince(): number | undefined {
    return this.everOpen && !this.isOpen() ? this.downSince : undefined;
  }

  /** Try to reconnect now instead of at the next back-off step (the user pressed "Retry now"). */
  reconnectNow(): void {
    if (this.state !== 'reconnecting') return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  private isOpen(): boolean {
    return this.state === 'open' && this.socket?.readyState === OPEN;
  }

  private connect(): void {
    const token = this.opts.token ?? '';
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.opts.url, [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token]);
    } catch (error) {
      console.error('[ipc] cannot open the WebSocket', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.everOpen = true;
      this.downSince = undefined;
      this.setState('open');
      for (const [subId, sub] of this.subs) this.send({ t: 'sub', subId, channel: sub.channel, params: sub.params });
      for (const call of this.calls.values()) if (!call.sent) this.sendCall(call);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.onMessage(ev.data);
    };
    socket.onerror = () => {
      // Always followed by onclose, which handles it.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.downSince ??= Date.now();
      for (const [id, call] of this.calls) {
        if (!call.sent) continue;
        this.calls.delete(id);
        call.resolve(
          err(
            'unavailable',
            "The connection to Capstan's services dropped before the answer came, so whether it was done is unknown. Check once the connection is back; it was not retried.",
          ),
        );
      }
      if (this.state !== 'closed') this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt, { ...this.backoff, jitter: EQUAL_JITTER, random: this.random });
    this.attempt = Math.min(this.attempt + 1, 30);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private sendCall(call: PendingCall): void {
    clearTimeout(call.timer);
    call.sent = true;
    this.send(call.message);
  }

  private send(message: ClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch (error) {
      // Unserializable payload (a UI bug) or a socket closing under us.
      console.error('[ipc] could not send a message', error);
      if (message.t === 'invoke') {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        call?.resolve(err('invalid-payload', 'The request could not be sent (this is a bug in the app; please report it).'));
      }
    }
  }

  private onMessage(data: unknown): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.error('[ipc] main sent a message that is not JSON; ignored');
      return;
    }
    const msg = serverMessageSchema.safeParse(parsed);
    if (!msg.success) {
      console.error(
        '[ipc] main sent a malformed message; ignored',
        msg.error.issues.map((i) => i.path.join('.')),
      );
      return;
    }
    const m = msg.data;
    switch (m.t) {
      case 'result': {
        const call = this.calls.get(m.id);
        if (!call) return;
        this.calls.delete(m.id);
        call.resolve(m.result);
        return;
      }
      case 'event':
        this.subs.get(m.subId)?.onEvent(m.event);
        return;
      case 'end': {
        const sub = this.subs.get(m.subId);
        if (!sub) return;
        this.subs.delete(m.subId);
        sub.onEnd(m.error);
        return;
      }
      case 'error':
        console.error(`[ipc] main rejected a message: ${m.error.message}`);
        return;
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

const notConnected = (since: number | undefined) =>
  err(
    'unavailable',
    `Not connected to Capstan's services${since ? ` (disconnected since ${formatClock(since, Date.now())})` : ''}, so nothing was done. Capstan keeps retrying; try again when the page says it is connected.`,
  );

const noToken = () =>
  err(
    'forbidden-sender',
    'This page was opened without its access token. Open the exact URL printed by `npm run serve` (it ends with #token=...).',
  );
