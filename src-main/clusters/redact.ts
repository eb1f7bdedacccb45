/** Keep secrets out of messages and logs: anything that looks like a token or key is replaced. */
const patterns: RegExp[] = [
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, // PEM blocks
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs
  /\b(Bearer|Basic)\s+[^\s"']+/gi,
  /\b[A-Za-z0-9+/_-]{32,}={0,2}/g, // long opaque tokens / base64
];

/** Best effort for text we did not write (a server's status message). Never enough on its own for free text: see `scrub` and DiagnosticsLog. */
export function redact(text: string, maxLength = 300): string {
  let out = redactUserinfo(text);
  for (const p of patterns) out = out.replace(p, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/** `https://user:pass@host` → `https://***@host`, anywhere in a text (also in URLs that do not parse). */
export function redactUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\r\n]*@/gi, '$1***@');
}

/** Replace every known secret value (a token, a password, a key) in a text, whatever its shape or length. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('[redacted]');
  return out;
}
