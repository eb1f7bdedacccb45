/**
 * Release history export (who, what, when, result) as JSON and CSV. CSV follows RFC 4180 (quotes
 * doubled, CRLF line ends) and defuses spreadsheet formulas: a cell starting with = + - @ is
 * prefixed with ' because a release note or a detail from a cluster is untrusted text.
 */
import type { ExecutionState } from './execution-model';

export function historyToJson(state: ExecutionState): string {
  const { id, planName, app, toImage, status, version } = state;
  return `${JSON.stringify({ release: { id, planName, app, toImage, status, version }, history: state.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })) }, null, 2)}\n`;
}

const CSV_HEADER = ['version', 'at', 'actor', 'action', 'result', 'changes'];

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function historyToCsv(state: ExecutionState): string {
  const rows = state.history.map((h) => [
    String(h.version),
    new Date(h.at).toISOString(),
    h.actor,
    h.action,
    h.result,
    h.changes.join('; '),
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
