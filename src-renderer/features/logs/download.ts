import type { AppClient } from '../../../src-shared/contract';

/** Read the whole spool (every line of the session, skipped ones included) and save it as a file. */
export async function downloadHistory(client: AppClient, viewId: string, fileName: string): Promise<string | undefined> {
  const parts: string[] = [];
  for (let offset = 0; ;) {
    const r = await client['logs.readSpool']({ viewId, offset, maxBytes: 4 * 1024 * 1024 });
    if (!r.ok) return r.error.message;
    parts.push(r.value.text);
    offset = r.value.nextOffset;
    if (r.value.eof) break;
  }
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return undefined;
}
