/**
 * Pure formatting of log lines for the terminal: per-source colour and prefix, optional
 * timestamp, level highlighting, JSON pretty-printing on demand, no-wrap cut, regex filter.
 * Text arrives sanitized from main (no escape sequences), so the only escapes in the output
 * are the colours added here.
 */
import type { LogLine, LogSource } from '../../../src-shared/logs/contract';

export interface FormatOptions {
  timestamps: boolean;
  wrap: boolean;
  json: boolean;
  cols: number;
  multiSource: boolean;
}

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
/** Source colours: 256-colour palette entries readable on dark and light backgrounds. */
const PALETTE = [39, 208, 141, 43, 205, 179, 75, 113, 167, 110, 215, 99];
const LEVELS: [RegExp, string][] = [
  [/\b(ERROR|FATAL|SEVERE)\b|^\s*(Exception|Caused by:|java\.\S+Exception|\tat )/, `${ESC}31m`],
  [/\b(WARN|WARNING)\b/, `${ESC}33m`],
  [/\bDEBUG|TRACE\b/, `${ESC}90m`],
];

export const sourceColour = (id: number): string => `${ESC}38;5;${PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length]}m`;

export function sourceLabel(s: LogSource | undefined, multiCluster: boolean): string {
  if (!s) return 'capstan';
  const pod = s.pod.length > 28 ? `…${s.pod.slice(-27)}` : s.pod;
  return `${multiCluster ? `${s.clusterId}/` : ''}${pod}/${s.container}${s.file ? `:${s.file.split('/').pop()}` : ''}`;
}

export function levelOf(text: string): string | undefined {
  for (const [re, colour] of LEVELS) if (re.test(text)) return colour;
  return undefined;
}

/** Pretty JSON for a line that is one JSON object, else undefined. */
export function prettyJson(text: string): string | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === 'object' ? JSON.stringify(v, null, 2) : undefined;
  } catch {
    return undefined;
  }
}

/** The terminal text of one line, ending with \r\n. */
export function formatLine(line: LogLine, source: LogSource | undefined, label: string, o: FormatOptions): string {
  const [src, ts, text, kind] = line;
  let prefix = '';
  if (o.multiSource || src < 0) prefix += `${sourceColour(src)}${label}${RESET} `;
  if (o.timestamps && ts) prefix += `${ESC}90m${ts.slice(0, 23).replace('T', ' ')}${RESET} `;
  if (kind === 1) return `${prefix}${ESC}1;36m${text}${RESET}\r\n`;
  let body = o.json ? (prettyJson(text) ?? text) : text;
  if (!o.wrap) {
    const room = Math.max(10, o.cols - visibleLength(prefix) - 1);
    body = body
      .split('\n')
      .map((l) => (l.length > room ? l.slice(0, room - 1) + '…' : l))
      .join('\n');
  }
  const colour = levelOf(text);
  const lines = body.split('\n').join(`\r\n${prefix ? ' '.repeat(Math.min(8, visibleLength(prefix))) : ''}`);
  void source;
  return `${prefix}${colour ? `${colour}${lines}${RESET}` : lines}\r\n`;
}

const visibleLength = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** A continuation of the previous entry of its source: stack frames, "Caused by", the exception line. */
export const isContinuation = (text: string): boolean =>
  /^(\s|Caused by:|\.\.\. \d+ more|[a-z][\w$]*(\.[\w$]+)+(Exception|Error)\b)/.test(text);

/**
 * A filter from the user's text, case-insensitive: the literal text by default (`?` and `.` are
 * characters people search for in log lines), a regex when `regex` is on and it compiles (an
 * invalid one falls back to the literal text).
 */
export function compileFilter(text: string, regex = false): ((line: LogLine, label: string) => boolean) | undefined {
  if (!text) return undefined;
  const re = regex ? compileRegex(text) : undefined;
  if (re) return (l, label) => re.test(l[2]) || re.test(label);
  const needle = text.toLowerCase();
  return (l, label) => l[2].toLowerCase().includes(needle) || label.toLowerCase().includes(needle);
}

/** The user's regex, case-insensitive, or undefined when it does not compile. */
export function compileRegex(text: string): RegExp | undefined {
  try {
    return new RegExp(text, 'i');
  } catch {
    return undefined;
  }
}

/** A renderer-side bounded copy of the view's lines, for filter changes and re-rendering. */
export class LineBuffer {
  private items: LogLine[] = [];
  private start = 0;
  constructor(readonly capacity: number) {}
  push(lines: LogLine[]): void {
    this.items.push(...lines);
    const over = this.items.length - this.start - this.capacity;
    if (over > 0) this.start += over;
    if (this.start > this.capacity) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }
  get size(): number {
    return this.items.length - this.start;
  }
  /** The last `n` lines. */
  last(n: number): LogLine[] {
    return this.items.slice(Math.max(this.start, this.items.length - n));
  }
  all(): LogLine[] {
    return this.items.slice(this.start);
  }
}
