/** "alice@laptop (pid 123)" from a Lease holder identity "alice@laptop/123-ab12" (main and renderer name holders alike). */
export function holderLabel(identity: string): string {
  const m = /^(.*)\/(\d+)-[0-9a-f]+$/.exec(identity);
  return m ? `${m[1]} (pid ${m[2]})` : identity || 'nobody';
}
