import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

/** Minimal menus: app (macOS), edit (copy/paste for log lines and YAML), view (reload; devtools in dev). */
export function installMenu(isDev: boolean, diagnosticsFile?: () => string | undefined): void {
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }, { role: 'forceReload' }];
  if (isDev) view.push({ type: 'separator' }, { role: 'toggleDevTools' });
  view.push(
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  );
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : [{ role: 'fileMenu' as const }]),
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        // Details kept out of the window (credential plugin errors): main reveals its own file, the page cannot ask for a path.
        {
          label: 'Show Diagnostics Log',
          click: () => {
            const f = diagnosticsFile?.();
            if (f) shell.showItemInFolder(f);
          },
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
