/**
 * Kubernetes resource.Quantity strings → numbers, following apimachinery's grammar:
 *
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI> ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI> ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
 *   <number> ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *
 * A bare "E" is exa (1E = 10^18), "E3" is an exponent. The value is returned as a JS number:
 * exact for every integer below 2^53 (9 PB), and metrics never need more than 15 digits.
 * Returns undefined for anything the apiserver would reject, so a bad value is visible, not 0.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

export function parseQuantity(input: string | number | null | undefined): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = QUANTITY.exec(input); // no trimming: the apiserver rejects " 1Gi" too
  if (!m) return undefined;
  const base = Number(m[1]);
  if (!Number.isFinite(base)) return undefined;
  if (m[2]) {
    // Scale by a power of ten through the string form, so "1e3" and "1.5e-3" round like Number() does.
    const v = Number(`${m[1]}${m[2]}`);
    return Number.isFinite(v) ? v : undefined;
  }
  const suffix = m[3] ?? '';
  const mult = BINARY[suffix] ?? DECIMAL[suffix]!;
  // Divide for sub-unit suffixes: 100n * 1e-9 is 1.0000000000000001e-7, 100 / 1e9 is 1e-7.
  return mult < 1 ? base / Math.round(1 / mult) : base * mult;
}

/** CPU quantity in cores ("250m" → 0.25, "2" → 2, "100n" → 1e-7). */
export const parseCpuCores = (q: string | number | null | undefined): number | undefined => parseQuantity(q);

/** Memory quantity in bytes ("1Gi" → 1073741824, "129M" → 129000000). */
export const parseBytes = (q: string | number | null | undefined): number | undefined => parseQuantity(q);

/** Bytes as kubectl-like binary units for people: 1.5Gi, 512Mi, 980Ki, 12B. */
export function formatBytes(bytes: number | undefined, digits = 1): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${i === 0 ? Math.round(v) : v.toFixed(v >= 100 ? 0 : digits)}${units[i]}`;
}

/** Cores as millicores the way kubectl top prints them: "250m", or "2.5" cores from 10 cores up. */
export function formatCpu(cores: number | undefined): string {
  if (cores === undefined || !Number.isFinite(cores)) return '–';
  if (cores >= 10) return cores.toFixed(1);
  return `${Math.round(cores * 1000)}m`;
}

/** Serialises bytes as an exact Quantity ("1073741824" → "1Gi" only when exact, else "Ki" / plain). */
export function bytesToQuantity(bytes: number): string {
  const b = Math.round(bytes);
  for (const [suffix, mult] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (b !== 0 && b % mult === 0) return `${b / mult}${suffix}`;
  }
  return String(b);
}

/** Serialises cores as metrics-server does: nanocores ("123456789n"). */
export function coresToQuantity(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1e9))}n`;
}
