/**
 * Log text is hostile input for a terminal: escape sequences could set the window title, write
 * the clipboard (OSC 52), clear the screen or switch buffers. Every line is reduced to printable
 * text before it leaves main: ESC sequences (CSI, OSC, DCS/SOS/PM/APC, two-byte) are removed,
 * other C0/C1 controls and DEL become U+FFFD, tab stays. Invalid UTF-8 was already replaced with
 * U+FFFD by the decoder.
 */
const ESCAPES =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_]|[ -/]*[0-~]?)|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c)?/g;
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const NEEDS_WORK = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

export function sanitizeLine(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(ESCAPES, '').replace(CONTROLS, '\uFFFD');
}

/** RFC3339 timestamps compare as strings once the fraction has nine digits (Go trims zeros). */
export function normalizeTimestamp(ts: string): string {
  if (ts.length === 30 && ts[19] === '.') return ts; // already nine digits (the kubelet's usual form)
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
}

/** The boundary second of a timestamp, as sinceTime (metav1.Time has second precision). */
export const secondOf = (ts: string): string => ts.slice(0, 19) + 'Z';
