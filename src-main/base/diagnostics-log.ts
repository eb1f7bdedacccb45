/**
 * The diagnostics log: details that must not reach the renderer (a credential plugin's stderr, a
 * server's error body) but that the user needs to fix a problem. Messages shown in the app say
 * what happened, what to do, and that the details are in this file. It lives in the user-data
 * folder (owner-only permissions), is bounded (one previous generation kept), and never throws.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Diagnostics {
  /** Absolute path of the log file, for messages ("details are in …"). */
  readonly file: string;
  /** Append one entry (topic such as `exec-plugin ctx-name`, then free text). */
  write(topic: string, detail: string): void;
}

const MAX_BYTES = 1024 * 1024;
const MAX_ENTRY = 16 * 1024;

export class DiagnosticsLog implements Diagnostics {
  readonly file: string;
  private size = -1;

  constructor(dir: string, name = 'diagnostics.log') {
    this.file = path.join(dir, 'logs', name);
  }

  write(topic: string, detail: string): void {
    const text = detail.length > MAX_ENTRY ? `${detail.slice(0, MAX_ENTRY)}\n[… ${detail.length - MAX_ENTRY} more characters cut]` : detail;
    const entry = `--- ${new Date().toISOString()} ${topic.replace(/[\r\n]/g, ' ')}\n${text.replace(/\s+$/, '')}\n`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      if (this.size < 0) this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
      if (this.size + entry.length > MAX_BYTES) {
        fs.renameSync(this.file, `${this.file}.1`);
        this.size = 0;
      }
      fs.appendFileSync(this.file, entry, { mode: 0o600 });
      this.size += Buffer.byteLength(entry);
    } catch {
      // Diagnostics are best effort: a full disk must not turn into a failed connection.
    }
  }
}

/** Tests and tools that need no file. */
export const memoryDiagnostics = (): Diagnostics & { entries: string[] } => {
  const entries: string[] = [];
  return { file: '(memory)', entries, write: (topic, detail) => void entries.push(`${topic}\n${detail}`) };
};
