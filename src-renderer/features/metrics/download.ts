/** Saves main's CSV export through a Blob link (works in Electron and browser mode alike). */
import type { AppClient } from '../../../src-shared/contract';
import type { ContainerRef } from '../../../src-shared/metrics/contract';

export async function downloadCsv(client: AppClient, filter: Partial<ContainerRef>): Promise<void> {
  const r = await client['metrics.exportCsv'](filter);
  if (!r.ok) {
    window.alert(r.error.message);
    return;
  }
  const url = URL.createObjectURL(new Blob([r.value.csv], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = r.value.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
