import type { CallContext, Contract, Handlers } from '../../src-shared/base/channels';
import { subIdSchema } from '../../src-shared/contract/wire';
import { appErrorSchema, err, type AppError, type Result } from '../../src-shared/result';
import { consoleLogger, printable, type Logger } from './logger';
import { issuePaths, RequestChecks } from './request-checks';
import { SubscriptionTable, type Subscription } from './subscription-table';

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

const DEFAULT_MAX_PAYLOAD = 256 * 1024;

/**
 * Transport-agnostic IPC router. Both transports (Electron ipcMain, the WebSocket bridge) hand it
 * what the renderer sent, after checking who sent it. It validates channel and payload with the
 * contract's zod schemas (never running a handler on bad input), turns handler exceptions into
 * `internal` errors with a generic message (the stack goes to main's log only), and keeps one
 * AbortController per subscription. The checks are request-checks.ts, the subscriptions per
 * sender subscription-table.ts; this file runs requests and streams between them.
 */
export function createRouter<C extends Contract>(opts: RouterOptions<C>): Router {
  const handlers = opts.handlers as unknown as Record<string, (...args: unknown[]) => unknown>;
  const log = opts.logger ?? consoleLogger;
  const validateResponses = opts.validateResponses ?? process.env.NODE_ENV !== 'production';
  const checks = new RequestChecks(opts.contract, log, opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD);
  const table = new SubscriptionTable(opts.maxSubscriptionsPerSender ?? 1000);

  return {
    async invoke(senderId, channelName, payload) {
      const input = checks.check(senderId, channelName, 'request', payload);
      if (!input.ok) return input;
      const channel = channelName as string;
      const controller = new AbortController();
      const ctx: CallContext = { senderId, signal: controller.signal };
      let result: unknown;
      try {
        result = await handlers[channel]!(input.value, ctx);
      } catch (error) {
        return checks.internal(channel, error);
      }
      if (validateResponses) {
        const parsed = checks.resultSchema(channel).safeParse(result);
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
      const input = checks.check(senderId, channelName, 'stream', params);
      if (!input.ok) {
        sink.end(input.error);
        return;
      }
      const channel = channelName as string;
      const sub = table.add(senderId, subId, channel);
      if (sub === 'in-use') {
        log.warn(`[ipc] rejected subscription ${subId} to ${channel} from ${senderId}: id already in use`);
        sink.end({ code: 'invalid-payload', message: `Subscription id ${subId} is already in use; the subscription was not started.` });
        return;
      }
      if (sub === 'full') {
        log.warn(`[ipc] rejected subscription to ${channel} from ${senderId}: ${table.maxPerSender} already open`);
        sink.end({
          code: 'unavailable',
          message: `Too many live views are open (${table.maxPerSender}). Close some views or reload the window.`,
        });
        return;
      }
      runStream(senderId, subId, sub, input.value, sink);
    },

    unsubscribe(senderId, subId) {
      if (typeof subId !== 'string') return;
      const sub = table.get(senderId, subId);
      if (!sub) return;
      table.remove(senderId, subId, sub);
      sub.controller.abort();
    },

    disposeSender(senderId) {
      table.disposeSender(senderId);
    },

    subscriptionCount(senderId) {
      return table.count(senderId);
    },

    dispose() {
      table.dispose();
    },
  };

  /** Runs a stream handler: events checked and delivered until the subscription's signal aborts. */
  function runStream(senderId: string, subId: string, sub: Subscription, params: unknown, sink: StreamSink): void {
    const { channel, controller } = sub;
    const def = opts.contract[channel]!;
    const eventSchema = def.kind === 'stream' ? def.event : undefined;
    const { signal } = controller;

    const end = (error: AppError) => {
      if (signal.aborted) return;
      table.remove(senderId, subId, sub);
      controller.abort();
      sink.end(error);
    };
    const emit = (event: unknown) => {
      if (signal.aborted) return; // Late event after teardown: nobody is listening.
      if (validateResponses && eventSchema) {
        const parsed = eventSchema.safeParse(event);
        if (!parsed.success) {
          log.error(
            `[ipc] ${channel} emitted an event that breaks the contract at ${issuePaths(parsed.error).join(', ')}; subscription ended`,
          );
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
      const out = handlers[channel]!(params, emit, { senderId, signal } satisfies CallContext);
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        (out as Promise<unknown>).then(settle, (error: unknown) => {
          if (!signal.aborted) end(checks.internal(channel, error).error);
        });
      } else {
        settle(out);
      }
    } catch (error) {
      end(checks.internal(channel, error).error);
    }
  }
}
