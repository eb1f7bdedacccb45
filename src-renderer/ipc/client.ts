import type { z } from 'zod';
import { contract as appContract, type AppClient, type ChannelName } from '../../src-shared/contract';
import type { PreloadBridge } from '../../src-shared/contract/bridge';
import { BRIDGE_KEY } from '../../src-shared/contract/bridge';
import { isRequestChannel, type Contract } from '../../src-shared/base/channels';
import { WS_PATH } from '../../src-shared/contract/wire';
import { err, resultSchema, type AppError } from '../../src-shared/result';
import { ElectronTransport } from './electron-transport';
import { readLaunchToken } from './token';
import type { Transport } from './transport';
import { WebSocketTransport } from './ws-transport';

const issuePaths = (error: z.ZodError) => error.issues.map((i) => i.path.join('.') || '(root)');

/**
 * Builds the typed client from the contract: one function per channel. Requests are checked
 * against the channel's request schema before they leave (a UI bug gets a clear error, not a
 * round trip), and every result and event is validated with zod before the UI sees it.
 */
export function createClient(transport: Transport, contract: Contract = appContract): AppClient {
  const client: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(contract)) {
    const channelName = name as ChannelName;
    if (isRequestChannel(channel)) {
      const results = resultSchema(channel.response);
      client[name] = async (req: unknown) => {
        const input = channel.request.safeParse(req);
        if (!input.success) {
          console.error(`[ipc] ${name}: request rejected before sending`, issuePaths(input.error));
          return err('invalid-payload', 'The app built an invalid request, so it was not sent. This is a bug; please report it.');
        }
        const raw = await transport.invoke(channelName, input.data);
        const parsed = results.safeParse(raw);
        if (!parsed.success) {
          console.error(`[ipc] ${name}: main's answer failed validation`, issuePaths(parsed.error));
          return err(
            'response-invalid',
            "Capstan's main process answered with data the app does not understand. Restart Capstan; report it if it persists.",
          );
        }
        return parsed.data;
      };
    } else {
      client[name] = (params: unknown, onEvent: (event: unknown) => void, onError?: (error: AppError) => void) => {
        const input = channel.params.safeParse(params);
        if (!input.success) {
          console.error(`[ipc] ${name}: subscription params rejected before sending`, issuePaths(input.error));
          queueMicrotask(() =>
            onError?.({
              code: 'invalid-payload',
              message: 'The app built invalid parameters for a live view, so it was not started. This is a bug; please report it.',
            }),
          );
          return () => {};
        }
        let ended = false;
        const unsubscribe = transport.subscribe(
          channelName,
          input.data,
          (event) => {
            if (ended) return;
            const parsed = channel.event.safeParse(event);
            if (parsed.success) {
              onEvent(parsed.data);
              return;
            }
            console.error(`[ipc] ${name}: event failed validation; subscription stopped`, issuePaths(parsed.error));
            ended = true;
            unsubscribe();
            onError?.({
              code: 'response-invalid',
              message: 'Live updates sent data the app does not understand, so they were stopped. Reload to retry.',
            });
          },
          (error) => {
            if (ended) return;
            ended = true;
            if (error) onError?.(error);
          },
        );
        return () => {
          ended = true;
          unsubscribe();
        };
      };
    }
  }
  return client as AppClient;
}

let transport: Transport | undefined;
let client: AppClient | undefined;

/**
 * The app's transport: the Electron preload bridge (`window.capstan`) when present, otherwise
 * browser mode's WebSocket to the page's own origin with the launch token from the URL fragment.
 * Use `getTransport().getState()/onStateChange()` to show the connection state.
 */
export function getTransport(): Transport {
  if (transport) return transport;
  const bridge = (globalThis as Record<string, unknown>)[BRIDGE_KEY] as PreloadBridge | undefined;
  if (bridge && typeof bridge === 'object') {
    transport = new ElectronTransport(bridge);
  } else {
    const token = readLaunchToken({ location: window.location, history: window.history, sessionStorage: window.sessionStorage });
    // Pasting a new launch URL into this tab changes only the fragment, which loads nothing:
    // reload so the page starts over with the new token.
    window.addEventListener('hashchange', () => {
      if (/(^#|&)token=/.test(window.location.hash)) window.location.reload();
    });
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    transport = new WebSocketTransport({ url: `${scheme}//${window.location.host}${WS_PATH}`, token });
  }
  return transport;
}

/** The typed app client (one per page). */
export function getClient(): AppClient {
  client ??= createClient(getTransport());
  return client;
}

/** Which transport the page runs on, without creating one. */
export const hasElectronBridge = (): boolean => typeof (globalThis as Record<string, unknown>)[BRIDGE_KEY] === 'object';
