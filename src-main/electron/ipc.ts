import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../../src-shared/contract/bridge';
import type { StreamMessage } from '../../src-shared/contract/wire';
import { err, type AppError } from '../../src-shared/result';
import type { Logger } from '../ipc/logger';
import type { Router } from '../ipc/router';
import { checkSender, type SenderPolicy } from '../ipc/sender';

const forbidden: AppError = { code: 'forbidden-sender', message: 'This call did not come from a Capstan window, so it was refused.' };

/**
 * ipcMain wiring: one invoke handler and two listeners (subscribe, unsubscribe). Each checks the
 * sender frame (our window's top frame on our origin; a null frame is refused) before the router
 * validates the payload. Stream messages go back to that window only.
 */
type IpcMainLike = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

/** Takes ipcMain as a parameter (type-only Electron import) so it is unit-tested with fakes. */
export function wireIpc(ipcMain: IpcMainLike, router: Router, policy: SenderPolicy, log: Logger): () => void {
  const allowed = (event: IpcMainEvent | IpcMainInvokeEvent, what: string): boolean => {
    const verdict = checkSender(event.senderFrame, event.sender.id, policy);
    if (!verdict.ok) log.warn(`[ipc] refused ${what} from webContents ${event.sender.id}: ${verdict.reason}`);
    return verdict.ok;
  };
  const post = (wc: WebContents, msg: StreamMessage) => {
    if (wc.isDestroyed()) throw new Error('window is gone');
    wc.send(ipcChannels.stream, msg);
  };

  ipcMain.handle(ipcChannels.invoke, (event, channel: unknown, payload: unknown) => {
    if (!allowed(event, 'a call')) return err(forbidden.code, forbidden.message);
    return router.invoke(String(event.sender.id), channel, payload);
  });
  ipcMain.on(ipcChannels.subscribe, (event, subId: unknown, channel: unknown, params: unknown) => {
    const wc = event.sender;
    if (!allowed(event, 'a subscription')) {
      if (typeof subId === 'string' && subId.length <= 64 && !wc.isDestroyed())
        wc.send(ipcChannels.stream, { t: 'end', subId, error: forbidden });
      return;
    }
    router.subscribe(String(wc.id), subId, channel, params, {
      event: (e) => post(wc, { t: 'event', subId: subId as string, event: e }),
      end: (error) => {
        if (!wc.isDestroyed()) post(wc, { t: 'end', subId: subId as string, error });
      },
    });
  });
  ipcMain.on(ipcChannels.unsubscribe, (event, subId: unknown) => {
    if (allowed(event, 'an unsubscribe')) router.unsubscribe(String(event.sender.id), subId);
  });

  return () => {
    ipcMain.removeHandler(ipcChannels.invoke);
    ipcMain.removeAllListeners(ipcChannels.subscribe);
    ipcMain.removeAllListeners(ipcChannels.unsubscribe);
  };
}

/** The renderer went away or started over: its subscriptions end. */
export function disposeOnRendererExit(wc: WebContents, router: Router, log: Logger): void {
  const id = wc.id;
  const dispose = (why: string) => {
    if (router.subscriptionCount(String(id)) > 0) log.info(`[ipc] window ${id} ${why}: ending its subscriptions`);
    router.disposeSender(String(id));
  };
  wc.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) dispose('navigated or reloaded');
  });
  wc.on('render-process-gone', (_event, details) => dispose(`renderer gone (${details.reason})`));
  wc.on('destroyed', () => dispose('closed'));
}
