/** Keep secrets out of messages and logs: anything that looks like a token or key is replaced. */
const patterns: RegExp[] = [
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, // PEM blocks
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs
  /\b(Bearer|Basic)\s+[^\s"']+/gi,
  /\b[A-Za-z0-9+/_-]{32,}={0,2}/g, // long opaque tokens / base64
];

export function redact(text: string, maxLength = 300): string {
  let out = text;
  for (const p of patterns) out = out.replace(p, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}
