import { BrowserWindow, dialog, type Session } from 'electron';
import { defaultSavePath, isAppBlobUrl } from '../base/downloads';
import type { KubeconfigPicker } from '../clusters/kubeconfig-picker';
import { ok } from '../../src-shared/result';
import type { Logger } from '../ipc/logger';

/** The kubeconfig picker of the Electron app: main's own open dialog, so the user (not the page) names the file. */
export function dialogKubeconfigPicker(): KubeconfigPicker {
  return {
    async choose() {
      const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options: Electron.OpenDialogOptions = { title: 'Add a kubeconfig file', properties: ['openFile', 'showHiddenFiles'] };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return ok(r.canceled ? undefined : r.filePaths[0]);
    },
  };
}

/**
 * Downloads: only the app's own Blob URLs, always through main's save dialog (the page proposes a
 * bare file name; the user chooses the folder). Anything else is cancelled.
 */
export function handleDownloads(ses: Session, appOrigins: readonly string[], downloadsDir: () => string, log: Logger): void {
  ses.on('will-download', (event, item) => {
    const url = item.getURL();
    if (!isAppBlobUrl(url, appOrigins)) {
      log.warn('[electron] refused a download that did not come from the app');
      event.preventDefault();
      return;
    }
    item.setSaveDialogOptions({ title: 'Save export', defaultPath: defaultSavePath(downloadsDir(), item.getFilename()) });
  });
}
