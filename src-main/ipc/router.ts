import type { z } from 'zod';
import { isRequestChannel, lookupChannel, type CallContext, type Contract, type Handlers } from '../../src-shared/base/channels';
import { subIdSchema } from '../../src-shared/contract/wire';
import { appErrorSchema, err, resultSchema, type AppError, type Err, type Result } from '../../src-shared/result';
import { consoleLogger, printable, type Logger } from './logger';

/** Where a subscription's events go (a window's webContents, a WebSocket). */
export interface StreamSink {
  event(event: unknown): void;
  /** Called at most once, when the stream ends from main's side (always with an error). */
  end(error: AppError): void;
}

export interface RouterOptions<C extends Contract> {
  contract: C;
  handlers: Handlers<C>;
  logger?: Logger;
  /** Check handlers' responses and events against the contract (dev and tests; off in production for speed). */
  validateResponses?: boolean;
  /** Largest request payload accepted, as JSON bytes. Every contract string also has its own max. */
  maxPayloadBytes?: number;
  /** Most live subscriptions one sender may hold (a runaway renderer loop must not exhaust main). */
  maxSubscriptionsPerSender?: number;
}

export interface Router {
  invoke(senderId: string, channel: unknown, payload: unknown): Promise<Result<unknown>>;
  /** Starts a subscription. Errors (bad channel or params, duplicate id, handler refusal) arrive as sink.end(error). */
  subscribe(senderId: string, subId: unknown, channel: unknown, params: unknown, sink: StreamSink): void;
  unsubscribe(senderId: string, subId: unknown): void;
  /** The sender went away (window closed, renderer reloaded or crashed, socket closed): abort all its subscriptions. */
  disposeSender(senderId: string): void;
  subscriptionCount(senderId?: string): number;
  dispose(): void;
}

interface Subscription {
  channel: string;
  controller: AbortController;
}

const DEFAULT_MAX_PAYLOAD = 256 * 1024;
const issuePaths = (error: z.ZodError) => error.issues.map((i) => i.path.join('.') || '(root)').slice(0, 10);

/**
 * Transport-agnostic IPC router. Both transports (Electron ipcMain, the WebSocket bridge) hand it
 * what the renderer sent, after checking who sent it. It validates channel and payload with the
 * contract's zod schemas (never running a handler on bad input), turns handler exceptions into
 * `internal` errors with a generic message (the stack goes to main's log only), and keeps one
 * AbortController per subscription.
 */
export function createRouter<C extends Contract>(opts: RouterOptions<C>): Router {
  const { contract } = opts;
  const handlers = opts.handlers as unknown as Record<string, (...args: unknown[]) => unknown>;
  const log = opts.logger ?? consoleLogger;
  const validateResponses = opts.validateResponses ?? process.env.NODE_ENV !== 'production';
  const maxPayloadBytes = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD;
  const maxSubs = opts.maxSubscriptionsPerSender ?? 1000;
  const senders = new Map<string, Map<string, Subscription>>();
  const resultSchemas = new Map<string, z.ZodType>();

  const reject = (senderId: string, channel: unknown, why: string, paths?: string[]): Result<never> => {
    log.warn(`[ipc] rejected ${printable(channel)} from ${senderId}: ${why}${paths ? ` at ${paths.join(', ')}` : ''}`);
    return err('invalid-payload', 'The request was not valid, so it was not run. This is a bug in the app; please report it.');
  };

  const oversized = (payload: unknown): boolean | 'unserializable' => {
    try {
      const text = JSON.stringify(payload);
      return text !== undefined && text.length > maxPayloadBytes;
    } catch {
      return 'unserializable';
    }
  };

  /** Validate channel + payload; returns the parsed payload or an error. */
  const check = (senderId: string, channelName: unknown, kind: 'request' | 'stream', payload: unknown): { ok: true; value: unknown } | Result<never> => {
    const channel = lookupChannel(contract, channelName);
    if (!channel) return reject(senderId, channelName, 'unknown channel');
    if (channel.kind !== kind) return reject(senderId, channelName, `not a ${kind} channel`);
    const size = oversized(payload);
    if (size === 'unserializable') return reject(senderId, channelName, 'payload is not plain data');
    if (size) return reject(senderId, channelName, `payload larger than ${maxPayloadBytes} bytes`);
    const parsed = (isRequestChannel(channel) ? channel.request : channel.params).safeParse(payload);
    if (!parsed.success) return reject(senderId, channelName, 'payload does not match the contract', issuePaths(parsed.error));
    return { ok: true, value: parsed.data };
  };

  const internal = (channel: string, error: unknown): Err => {
    log.error(`[ipc] handler for ${channel} failed`, error);
    return err('internal', 'Something went wrong in Capstan while running the request. Details are in the application log; try again or restart Capstan.');
  };

  const validResultSchema = (channel: string): z.ZodType => {
    let schema = resultSchemas.get(channel);
    if (!schema) {
      const def = contract[channel];
      schema = resultSchema(def && isRequestChannel(def) ? def.response : appErrorSchema);
      resultSchemas.set(channel, schema);
    }
    return schema;
  };

  const removeSub = (senderId: string, subId: string, sub: Subscription) => {
    const subs = senders.get(senderId);
    if (subs?.get(subId) === sub) {
      subs.delete(subId);
      if (subs.size === 0) senders.delete(senderId);
    }
  };

  return {
    async invoke(senderId, channelName, payload) {
      const input = check(senderId, channelName, 'request', payload);
      if (!input.ok) return input;
      const channel = channelName as string;
      const controller = new AbortController();
      const ctx: CallContext = { senderId, signal: controller.signal };
      let result: unknown;
      try {
        result = await handlers[channel]!(input.value, ctx);
      } catch (error) {
        return internal(channel, error);
      }
      if (validateResponses) {
        const parsed = validResultSchema(channel).safeParse(result);
        if (!parsed.success) {
          log.error(`[ipc] handler for ${channel} returned data that breaks the contract at ${issuePaths(parsed.error).join(', ')}`);
          return err('internal', 'Capstan produced an invalid answer. This is a bug; please report it.');
        }
      }
      return result as Result<unknown>;
    },

    subscribe(senderId, subIdIn, channelName, params, sink) {
      const subIdOk = subIdSchema.safeParse(subIdIn);
      if (!subIdOk.success) {
        log.warn(`[ipc] rejected subscription from ${senderId}: bad subscription id ${printable(subIdIn)}`);
        return; // No id to answer to.
      }
      const subId = subIdOk.data;
      const input = check(senderId, channelName, 'stream', params);
      if (!input.ok) {
        sink.end(input.error);
        return;
      }
      const channel = channelName as string;
      const subs = senders.get(senderId) ?? new Map<string, Subscription>();
      if (subs.has(subId)) {
        log.warn(`[ipc] rejected subscription ${subId} to ${channel} from ${senderId}: id already in use`);
        sink.end({ code: 'invalid-payload', message: `Subscription id ${subId} is already in use; the subscription was not started.` });
        return;
      }
      if (subs.size >= maxSubs) {
        log.warn(`[ipc] rejected subscription to ${channel} from ${senderId}: ${maxSubs} already open`);
        sink.end({ code: 'unavailable', message: `Too many live views are open (${maxSubs}). Close some views or reload the window.` });
        return;
      }
      const controller = new AbortController();
      const sub: Subscription = { channel, controller };
      subs.set(subId, sub);
      senders.set(senderId, subs);
      const def = contract[channel]!;
      const eventSchema = def.kind === 'stream' ? def.event : undefined;
      const { signal } = controller;

      const end = (error: AppError) => {
        if (signal.aborted) return;
        removeSub(senderId, subId, sub);
        controller.abort();
        sink.end(error);
      };
      const emit = (event: unknown) => {
        if (signal.aborted) return; // Late event after teardown: nobody is listening.
        if (validateResponses && eventSchema) {
          const parsed = eventSchema.safeParse(event);
          if (!parsed.success) {
            log.error(`[ipc] ${channel} emitted an event that breaks the contract at ${issuePaths(parsed.error).join(', ')}; subscription ended`);
            end({ code: 'internal', message: 'Live updates produced invalid data and were stopped. This is a bug; please report it.' });
            return;
          }
        }
        try {
          sink.event(event);
        } catch (error) {
          log.error(`[ipc] could not deliver an event of ${channel} to ${senderId}; subscription ended`, error);
          end({ code: 'unavailable', message: 'Live updates could not be delivered and were stopped. Reload to retry.' });
        }
      };

      const settle = (result: unknown) => {
        if (signal.aborted) return;
        const r = result as Result<void> | undefined;
        if (r && typeof r === 'object' && r.ok === false) {
          const parsed = appErrorSchema.safeParse(r.error);
          end(parsed.success ? parsed.data : { code: 'internal', message: 'Live updates failed. Details are in the application log.' });
        }
        // ok: the handler has set up its stream; it runs until the signal aborts.
      };
      try {
        const out = handlers[channel]!(input.value, emit, { senderId, signal } satisfies CallContext);
        if (out && typeof (out as Promise<unknown>).then === 'function') {
          (out as Promise<unknown>).then(settle, (error: unknown) => {
            if (!signal.aborted) end(internal(channel, error).error);
          });
        } else {
          settle(out);
        }
      } catch (error) {
        end(internal(channel, error).error);
      }
    },

    unsubscribe(senderId, subId) {
      if (typeof subId !== 'string') return;
      const sub = senders.get(senderId)?.get(subId);
      if (!sub) return;
      removeSub(senderId, subId, sub);
      sub.controller.abort();
    },

    disposeSender(senderId) {
      const subs = senders.get(senderId);
      if (!subs) return;
      senders.delete(senderId);
      for (const sub of subs.values()) sub.controller.abort();
    },

    subscriptionCount(senderId) {
      if (senderId !== undefined) return senders.get(senderId)?.size ?? 0;
      let n = 0;
      for (const subs of senders.values()) n += subs.size;
      return n;
    },

    dispose() {
      for (const id of [...senders.keys()]) this.disposeSender(id);
    },
  };
}
