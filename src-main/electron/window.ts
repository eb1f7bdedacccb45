import path from 'node:path';
import { BrowserWindow, type WebContents } from 'electron';
import { secureWebPreferences } from './web-preferences';

export interface WindowOptions {
  preload: string;
  url: string;
}

/** The one window: sandboxed, context-isolated, no Node, web security on. */
export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Capstan',
    backgroundColor: '#111318',
    webPreferences: { ...secureWebPreferences, preload: path.resolve(opts.preload) },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}

/** Applied to every webContents the app ever creates: no navigation, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
