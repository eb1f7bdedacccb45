import path from 'node:path';

/**
 * Exports (log sessions, metrics CSV, release history, plans) reach disk as downloads of content
 * main sent: the page proposes a file name, never a folder. Electron shows main's save dialog
 * starting at this name in the Downloads folder; a browser saves it the way it always does.
 */
const MAX_NAME = 120;

/** A bare, harmless file name from what the page proposed (no folders, no dot-files, no control characters). */
export function safeDownloadName(proposed: string, fallback = 'capstan-export.txt'): string {
  const base = proposed.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, MAX_NAME);
  return cleaned || fallback;
}

/** Only the app's own Blob URLs may be saved (a download the page started from its own content). */
export function isAppBlobUrl(url: string, appOrigins: readonly string[]): boolean {
  // Compared as text: Node's URL reports the origin of a custom scheme (app://) as "null".
  return appOrigins.some((origin) => url.startsWith(`blob:${origin}/`));
}

/** Where the save dialog starts. */
export const defaultSavePath = (downloadsDir: string, proposed: string): string => path.join(downloadsDir, safeDownloadName(proposed));
