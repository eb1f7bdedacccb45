import type { z } from 'zod';
import type { AppError, Result } from '../result';

/**
 * A feature's contract is a plain object of channel definitions. The main-process handler types
 * and the renderer client types are derived from it (never written twice), and both transports
 * (Electron IPC and the browser-mode WebSocket bridge) validate payloads with the same schemas.
 */
export interface RequestChannel<Req extends z.ZodType, Res extends z.ZodType> {
  kind: 'request';
  request: Req;
  response: Res;
}

/** A subscription: subscribe with params, receive events until unsubscribed or the window goes away. */
export interface StreamChannel<Params extends z.ZodType, Event extends z.ZodType> {
  kind: 'stream';
  params: Params;
  event: Event;
}

export type Channel = RequestChannel<z.ZodType, z.ZodType> | StreamChannel<z.ZodType, z.ZodType>;
export type Contract = Record<string, Channel>;

export const request = <Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res): RequestChannel<Req, Res> => ({
  kind: 'request',
  request: req,
  response: res,
});

export const stream = <Params extends z.ZodType, Event extends z.ZodType>(params: Params, event: Event): StreamChannel<Params, Event> => ({
  kind: 'stream',
  params,
  event,
});

type RequestKeys<C extends Contract> = { [K in keyof C]: C[K] extends RequestChannel<z.ZodType, z.ZodType> ? K : never }[keyof C];
type StreamKeys<C extends Contract> = { [K in keyof C]: C[K] extends StreamChannel<z.ZodType, z.ZodType> ? K : never }[keyof C];

export type RequestOf<C extends Channel> = C extends RequestChannel<infer Req, z.ZodType> ? z.infer<Req> : never;
export type ResponseOf<C extends Channel> = C extends RequestChannel<z.ZodType, infer Res> ? z.infer<Res> : never;
export type ParamsOf<C extends Channel> = C extends StreamChannel<infer P, z.ZodType> ? z.infer<P> : never;
export type EventOf<C extends Channel> = C extends StreamChannel<z.ZodType, infer E> ? z.infer<E> : never;

/** Context of one call, filled in by the transport after it has checked the sender. */
export interface CallContext {
  /** Stable id of the renderer connection (Electron webContents id or WebSocket connection id). */
  senderId: string;
  /** Aborted when the subscription is cancelled or the sender goes away. */
  signal: AbortSignal;
}

/** What the main process implements: one function per channel. */
export type Handlers<C extends Contract> = {
  [K in RequestKeys<C>]: (req: RequestOf<C[K]>, ctx: CallContext) => Promise<Result<ResponseOf<C[K]>>>;
} & {
  [K in StreamKeys<C>]: (
    params: ParamsOf<C[K]>,
    emit: (event: EventOf<C[K]>) => void,
    ctx: CallContext,
  ) => Promise<Result<void>> | Result<void>;
};

/**
 * What the renderer calls: one function per channel. Streams return an unsubscribe function.
 * `onError` is called at most once, when main ends the subscription with an error (the handler
 * refused the params, the transport fell behind, an event failed validation); after it no more
 * events arrive. A dropped browser-mode connection is not an error: the transport resubscribes.
 */
export type Client<C extends Contract> = {
  [K in RequestKeys<C>]: (req: RequestOf<C[K]>) => Promise<Result<ResponseOf<C[K]>>>;
} & {
  [K in StreamKeys<C>]: (
    params: ParamsOf<C[K]>,
    onEvent: (event: EventOf<C[K]>) => void,
    onError?: (error: AppError) => void,
  ) => () => void;
};

export const isRequestChannel = (channel: Channel): channel is RequestChannel<z.ZodType, z.ZodType> => channel.kind === 'request';
export const isStreamChannel = (channel: Channel): channel is StreamChannel<z.ZodType, z.ZodType> => channel.kind === 'stream';

/** Own-property lookup: a channel name from the wire is never trusted to be a plain key ('__proto__', 'toString'). */
export const lookupChannel = (contract: Contract, name: unknown): Channel | undefined =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name) ? contract[name] : undefined;
