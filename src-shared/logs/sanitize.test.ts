import { describe, expect, it } from 'vitest';
import { normalizeTimestamp, sanitizeLine, secondOf } from './sanitize';

describe('sanitizeLine', () => {
  it('removes OSC 52 clipboard writes and title changes', () => {
    const out = sanitizeLine('a \x1b]52;c;cm0gLXJmIC8=\x07 b \x1b]0;pwned\x07 c \x1b]2;x\x1b\\ d');
    expect(out).toBe('a  b  c  d');
    expect(out).not.toMatch(/\x1b|\x07/);
  });
  it('removes CSI (colours, clear screen, alternate buffer) and C1 CSI', () => {
    expect(sanitizeLine('\x1b[31mERROR\x1b[0m x \x1b[2J\x1b[H\x1b[?1049h y \x9b2J z')).toBe('ERROR x  y  z');
  });
  it('keeps tabs and printable unicode, replaces other controls', () => {
    expect(sanitizeLine('\tat café ✓\x00\x08\r\x7f')).toBe('\tat café ✓\uFFFD\uFFFD\uFFFD\uFFFD');
  });
  it('leaves clean text as the same string', () => {
    const s = 'INFO  [main] started';
    expect(sanitizeLine(s)).toBe(s);
  });
});

describe('timestamps', () => {
  it('normalizes Go RFC3339Nano (trailing zeros trimmed) to nine digits', () => {
    expect(normalizeTimestamp('2026-01-02T03:04:05.12Z')).toBe('2026-01-02T03:04:05.120000000Z');
    expect(normalizeTimestamp('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000000000Z');
    expect(secondOf('2026-01-02T03:04:05.120000000Z')).toBe('2026-01-02T03:04:05Z');
  });
});
