// Exact decimals for energy (to the Wh) and money (to the micro-unit): values arrive from the API
// as decimal strings and are summed as scaled BigInts, never as floating point.

/** Parses "1234.567" / "-0.5" into an integer scaled by 10^scale; null when not a decimal. */
export function parseScaled(text: string | null | undefined, scale: number): bigint | null {
  if (text === null || text === undefined) return null;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) {
    // More digits than the scale can hold: refuse rather than round silently.
    return null;
  }
  const v = BigInt(m[2]) * 10n ** BigInt(scale) + BigInt(frac.slice(0, scale) || '0');
  return m[1] === '-' ? -v : v;
}

/** Formats a scaled integer with `places` decimals (rounding half away from zero) and digit groups. */
export function formatScaled(v: bigint, scale: number, places: number): string {
  const neg = v < 0n;
  let a = neg ? -v : v;
  if (places < scale) {
    const div = 10n ** BigInt(scale - places);
    a = (a + div / 2n) / div;
  }
  const digits = a.toString().padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places);
  const frac = places > 0 ? '.' + digits.slice(digits.length - places) : '';
  return (neg && a !== 0n ? '−' : '') + groupDigits(int) + frac;
}

export function groupDigits(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const KWH_SCALE = 3; // Wh
export const MONEY_SCALE = 6; // micro-units

/** Sum of decimal strings at `scale`; `missing` counts the values that were null or malformed. */
export function sumDecimals(values: Array<string | null | undefined>, scale: number) {
  let total = 0n;
  let missing = 0;
  for (const v of values) {
    const p = parseScaled(v, scale);
    if (p === null) missing++;
    else total += p;
  }
  return { total, missing };
}

/** Percentage change from `before` to `after` with one decimal, or null when before is zero. */
export function percentChange(after: bigint, before: bigint): number | null {
  if (before === 0n) return null;
  // Ratio in tenths of a percent, in integers, then one float division for display only.
  return Number(((after - before) * 10000n) / before) / 10;
}
