import { z } from 'zod';
import { appErrorSchema } from '../result';

/**
 * Messages of the browser-mode WebSocket bridge (and the shape of Electron stream messages).
 * Small JSON objects, validated with zod on both ends. Payloads stay `unknown` here: the router
 * (main) and the client (renderer) validate them against the channel's own schema.
 *
 *   renderer -> main                               main -> renderer
 *   {t:'invoke', id, channel, payload}        ->   {t:'result', id, result}
 *   {t:'sub', subId, channel, params}         ->   {t:'event', subId, event}*  then maybe {t:'end', subId, error?}
 *   {t:'unsub', subId}                             {t:'error', error}   (a message main could not read at all)
 */

/** Bound on channel names and ids, so a hostile message cannot make us log or store megabytes. */
export const channelNameSchema = z.string().min(1).max(128);
export const subIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/);
export const invokeIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('invoke'), id: invokeIdSchema, channel: channelNameSchema, payload: z.unknown() }).strict(),
  z.object({ t: z.literal('sub'), subId: subIdSchema, channel: channelNameSchema, params: z.unknown() }).strict(),
  z.object({ t: z.literal('unsub'), subId: subIdSchema }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Stream messages, shared by the WebSocket bridge and Electron's per-window stream channel. */
export const streamMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('event'), subId: subIdSchema, event: z.unknown() }),
  z.object({ t: z.literal('end'), subId: subIdSchema, error: appErrorSchema.optional() }),
]);
export type StreamMessage = z.infer<typeof streamMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: invokeIdSchema, result: z.unknown() }),
  z.object({ t: z.literal('event'), subId: subIdSchema, event: z.unknown() }),
  z.object({ t: z.literal('end'), subId: subIdSchema, error: appErrorSchema.optional() }),
  z.object({ t: z.literal('error'), error: appErrorSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** WebSocket path and subprotocols. The token travels as a subprotocol, never in the URL. */
export const WS_PATH = '/ws';
export const WS_PROTOCOL = 'capstan.v1';
export const WS_TOKEN_PROTOCOL_PREFIX = 'capstan.token.';
/** Largest message either side accepts (bytes). Requests are small; batched diffs can be large. */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
