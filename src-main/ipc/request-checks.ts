import type { z } from 'zod';
import { isRequestChannel, lookupChannel, type Contract } from '../../src-shared/base/channels';
import { appErrorSchema, err, resultSchema, type Err, type Result } from '../../src-shared/result';
import { printable, type Logger } from './logger';

export const issuePaths = (error: z.ZodError) => error.issues.map((i) => i.path.join('.') || '(root)').slice(0, 10);

/**
 * What the router checks on the way in (channel, kind, size, payload against the contract) and
 * on the way out (a handler's result against its schema), and the words of each refusal: the
 * renderer gets a generic message, main's log gets the why.
 */
export class RequestChecks {
  private readonly resultSchemas = new Map<string, z.ZodType>();

  constructor(
    private readonly contract: Contract,
    private readonly log: Logger,
    readonly maxPayloadBytes: number,
  ) {}

  reject(senderId: string, channel: unknown, why: string, paths?: string[]): Result<never> {
    this.log.warn(`[ipc] rejected ${printable(channel)} from ${senderId}: ${why}${paths ? ` at ${paths.join(', ')}` : ''}`);
    return err('invalid-payload', 'The request was not valid, so it was not run. This is a bug in the app; please report it.');
  }

  /** Validate channel + payload; returns the parsed payload or an error. */
  check(
    senderId: string,
    channelName: unknown,
    kind: 'request' | 'stream',
    payload: unknown,
  ): { ok: true; value: unknown } | Result<never> {
    const channel = lookupChannel(this.contract, channelName);
    if (!channel) return this.reject(senderId, channelName, 'unknown channel');
    if (channel.kind !== kind) return this.reject(senderId, channelName, `not a ${kind} channel`);
    const size = this.oversized(payload);
    if (size === 'unserializable') return this.reject(senderId, channelName, 'payload is not plain data');
    if (size) return this.reject(senderId, channelName, `payload larger than ${this.maxPayloadBytes} bytes`);
    const parsed = (isRequestChannel(channel) ? channel.request : channel.params).safeParse(payload);
    if (!parsed.success) return this.reject(senderId, channelName, 'payload does not match the contract', issuePaths(parsed.error));
    return { ok: true, value: parsed.data };
  }

  /** A handler threw: the stack goes to the log, the renderer gets `internal`. */
  internal(channel: string, error: unknown): Err {
    this.log.error(`[ipc] handler for ${channel} failed`, error);
    return err(
      'internal',
      'Something went wrong in Capstan while running the request. Details are in the application log; try again or restart Capstan.',
    );
  }

  /** The Result schema of a request channel's response (cached). */
  resultSchema(channel: string): z.ZodType {
    let schema = this.resultSchemas.get(channel);
    if (!schema) {
      const def = this.contract[channel];
      schema = resultSchema(def && isRequestChannel(def) ? def.response : appErrorSchema);
      this.resultSchemas.set(channel, schema);
    }
    return schema;
  }

  private oversized(payload: unknown): boolean | 'unserializable' {
    try {
      const text = JSON.stringify(payload);
      return text !== undefined && text.length > this.maxPayloadBytes;
    } catch {
      return 'unserializable';
    }
  }
}
