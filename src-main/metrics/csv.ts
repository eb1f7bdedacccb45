/** CSV export of histories: one row per sample, RFC 4180 quoting, times in ISO 8601 UTC. */
import type { ContainerRef } from '../../src-shared/metrics/contract';
import type { ContainerHistory } from './history';

const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const num = (v: number, digits?: number) => (Number.isNaN(v) ? '' : digits === undefined ? String(Math.round(v)) : v.toFixed(digits));

export function historyCsv(series: Iterable<ContainerHistory>): string {
  const lines = ['time,cluster,namespace,pod,container,cpu_cores,working_set_bytes,rss_bytes,event'];
  for (const h of series) {
    const a = h.ring.toArrays();
    const prefix = [h.ref.clusterId, h.ref.namespace, h.ref.pod, h.ref.container].map(q).join(',');
    const rows: { t: number; line: string }[] = [];
    for (let i = 0; i < a.t.length; i++) {
      if (Number.isNaN(a.ws[i]!) && Number.isNaN(a.cpu[i]!)) continue; // gap marker, not a sample
      rows.push({
        t: a.t[i]!,
        line: `${new Date(a.t[i]!).toISOString()},${prefix},${num(a.cpu[i]!, 4)},${num(a.ws[i]!)},${num(a.rss[i]!)},`,
      });
    }
    for (const e of h.events) {
      const what = `${e.kind === 'oom' ? 'OOMKilled' : `restart ${e.reason ?? ''}`.trim()} exit=${e.exitCode ?? '?'} restarts=${e.restartCount}`;
      rows.push({ t: e.at, line: `${new Date(e.at).toISOString()},${prefix},,,,${q(what)}` });
    }
    rows.sort((x, y) => x.t - y.t);
    for (const r of rows) lines.push(r.line);
  }
  return lines.join('\n') + '\n';
}

/** The histories matching `filter` (any field left out matches all), with a file name saying what. */
export function exportCsv(
  series: Iterable<ContainerHistory>,
  filter: Partial<ContainerRef>,
  now: number,
): { filename: string; csv: string } {
  const match = [...series].filter((h) =>
    (Object.keys(filter) as (keyof ContainerRef)[]).every((k) => filter[k] === undefined || h.ref[k] === filter[k]),
  );
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const what = filter.container ? `${filter.pod}-${filter.container}` : (filter.clusterId ?? 'all');
  return { filename: `capstan-metrics-${what}-${stamp}.csv`, csv: historyCsv(match) };
}
