// Calendar arithmetic in the building's IANA time zone, by the browser's Intl (tzdata), and
// display of the server's local timestamps exactly as sent (no re-conversion that could shift a
// DST hour).

/** The local calendar date (YYYY-MM-DD) of `instant` in `zone`. */
export function localDate(instant: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Adds whole calendar days to a YYYY-MM-DD date (proleptic Gregorian, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

/** The same calendar day one year earlier (29 February → 28 February). */
export function yearBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** "2026-03-08T01:00:00-06:00" → "2026-03-08 01:00 (UTC−06:00)": the local wall time as sent. */
export function showLocal(stamp: string, withOffset = true): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(Z|[+-]\d{2}:\d{2})?$/.exec(stamp);
  if (!m) return stamp;
  const off = m[3] === 'Z' ? '+00:00' : (m[3] ?? '');
  return withOffset && off ? `${m[1]} ${m[2]} (UTC${off.replace('-', '−')})` : `${m[1]} ${m[2]}`;
}

/** How long ago `iso` was, in words, from `now`. */
export function ago(iso: string, now: number = Date.now()): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return 'unknown';
  if (s < 0) return 'in the future (clock ahead)';
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
