import type { WebPreferences } from 'electron';

/**
 * The renderer's web preferences, as data (type-only Electron import) so that a unit test audits
 * them: sandboxed, context-isolated, no Node anywhere, web security on, no webviews.
 */
export const secureWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const satisfies WebPreferences;
