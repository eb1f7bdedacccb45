/**
 * Electron entry: the thin shell. Lifecycle, window, menus, protocol and ipcMain wiring only;
 * every decision (CSP, paths, sender checks, sandbox or kubeconfig, services) lives in plain,
 * tested modules under src-main/app and src-main/ipc.
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, safeStorage, session } from 'electron';
import { parseLaunchArgs } from '../app/args';
import { startBackend, type Backend } from '../app/launch';
import { createSafeStorageCipher } from '../vault/safe-storage-cipher';
import { consoleLogger as log } from '../ipc/logger';
import { originOf } from '../ipc/sender';
import { dialogKubeconfigPicker, handleDownloads } from './dialogs';
import { disposeOnRendererExit, wireIpc } from './ipc';
import { installMenu } from './menu';
import { APP_ENTRY, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './protocol';
import { createMainWindow, hardenWebContents } from './window';

const here = import.meta.dirname;
const rendererDir = path.join(here, '../renderer');
const preload = path.join(here, '../preload/index.cjs');
const scenarioPath = () =>
  app.isPackaged
    ? path.join(process.resourcesPath, 'scenarios', 'default.yaml')
    : path.join(app.getAppPath(), 'resources', 'scenarios', 'default.yaml');
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

const parsed = parseLaunchArgs(process.argv.slice(1));
if (!parsed.ok) {
  console.error(`capstan: ${parsed.message}`);
  app.exit(2);
}
const args = parsed.ok ? parsed.args : { sandbox: false, kubeconfig: [] };
if (args.userDataDir) app.setPath('userData', path.resolve(args.userDataDir));

registerAppScheme();
app.enableSandbox();
// No V8 flags for this process on purpose: its heap is set up before this file runs, so
// app.commandLine.appendSwitch('js-flags') would only reach renderers. Electron's pointer
// compression already caps the young generation at a 32 MB semi-space, the value `npm run serve`
// and bench/foundation.ts pass to Node explicitly (see MAIN_PROCESS_NODE_FLAGS there).

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let backend: Backend | undefined;
  let win: BrowserWindow | undefined;
  const windowIds = new Set<number>();
  const allowedOrigins = [APP_ORIGIN, ...(devUrl && originOf(devUrl) ? [originOf(devUrl)!] : [])];

  app.on('second-instance', () => {
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const openWindow = (b: Backend) => {
    win = createMainWindow({ preload, url: devUrl ?? APP_ENTRY });
    const wc = win.webContents;
    const id = wc.id;
    windowIds.add(id);
    disposeOnRendererExit(wc, b.router, log);
    wc.on('destroyed', () => windowIds.delete(id));
    win.on('closed', () => (win = undefined));
  };

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    handleDownloads(ses, allowedOrigins, () => app.getPath('downloads'), log);
    handleAppProtocol(rendererDir);
    installMenu(!app.isPackaged, () => backend?.services.diagnostics.file);

    const userDataDir = app.getPath('userData');
    try {
      backend = await startBackend({
        args,
        userDataDir,
        cipher: createSafeStorageCipher(safeStorage, process.platform, userDataDir),
        transport: 'electron',
        version: app.getVersion(),
        logger: log,
        validateResponses: !app.isPackaged,
        sandboxOptions: { scenario: scenarioPath() },
        kubeconfigPicker: dialogKubeconfigPicker(),
      });
    } catch (error) {
      log.error('[capstan] could not start', error);
      app.exit(1);
      return;
    }
    wireIpc(ipcMain, backend.router, { windowIds, allowedOrigins }, log);
    openWindow(backend);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0 && backend) openWindow(backend);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting || !backend) return;
    event.preventDefault();
    quitting = true;
    const b = backend;
    const done = () => app.exit(0);
    setTimeout(done, 3000).unref();
    void b.dispose().then(done, done);
  });
}
