// Portfolio: the tenant's buildings with this month's consumption, cost and peak, the change
// against the same days last year, data coverage, open alerts and an EUI ranking; sortable, and
// exportable as CSV.
import { get, getAll } from '../api';
import { download, toCsv } from '../csv';
import { KWH_SCALE, MONEY_SCALE, formatScaled, parseScaled, percentChange, sumDecimals } from '../decimal';
import { errorText, h, notice } from '../dom';
import { addDays, localDate, yearBefore } from '../time';
import type { Alert, Building, Bucket, EnergySeries } from '../types';

interface Row {
  b: Building;
  monthKwh: bigint | null;
  monthCost: bigint | null;
  costMissing: number;
  peakKw: bigint | null;
  change: number | null;
  coverage: number | null;
  openAlerts: number;
  eui: number | null; // kWh per ft² over the last 365 complete days
  euiPartial: boolean;
  euiRank: number | null;
  error?: string;
}

function within(b: Bucket, first: string, last: string): boolean {
  const d = b.timestamp.slice(0, 10);
  return d >= first && d <= last;
}

async function rowOf(b: Building, openAlerts: number): Promise<Row> {
  const today = localDate(new Date(), b.time_zone);
  const monthStart = today.slice(0, 8) + '01';
  const yesterday = addDays(today, -1);
  const yearAgo = addDays(today, -365);
  const lyStart = yearBefore(monthStart);
  const first = lyStart < yearAgo ? lyStart : yearAgo;
  const row: Row = {
    b,
    monthKwh: null,
    monthCost: null,
    costMissing: 0,
    peakKw: null,
    change: null,
    coverage: null,
    openAlerts,
    eui: null,
    euiPartial: false,
    euiRank: null,
  };
  try {
    const s = await get<EnergySeries>(
      `/api/v1/buildings/${b.id}/energy?resolution=day&start_date=${first}&end_date=${today}`,
    );
    const month = s.readings.filter((x) => within(x, monthStart, today));
    row.monthKwh = sumDecimals(month.map((x) => x.consumption_kwh_exact), KWH_SCALE).total;
    const cost = sumDecimals(month.map((x) => x.cost), MONEY_SCALE);
    row.monthCost = cost.total;
    row.costMissing = cost.missing;
    for (const x of month) {
      const p = parseScaled(x.peak_kw_exact, KWH_SCALE);
      if (p !== null && (row.peakKw === null || p > row.peakKw)) row.peakKw = p;
    }
    // Change over complete days only, against the same calendar days a year earlier.
    if (yesterday >= monthStart) {
      const now = sumDecimals(s.readings.filter((x) => within(x, monthStart, yesterday)).map((x) => x.consumption_kwh_exact), KWH_SCALE);
      const before = s.readings.filter((x) => within(x, yearBefore(monthStart), yearBefore(yesterday)));
      const covered = before.reduce((n, x) => n + x.reading_count, 0);
      if (covered > 0) row.change = percentChange(now.total, sumDecimals(before.map((x) => x.consumption_kwh_exact), KWH_SCALE).total);
      const done = s.readings.filter((x) => within(x, monthStart, yesterday));
      const expected = done.reduce((n, x) => n + x.expected_readings, 0);
      row.coverage = expected > 0 ? done.reduce((n, x) => n + x.reading_count, 0) / expected : null;
    }
    const year = s.readings.filter((x) => within(x, yearAgo, yesterday));
    const yearExpected = year.reduce((n, x) => n + x.expected_readings, 0);
    const yearCoverage = yearExpected > 0 ? year.reduce((n, x) => n + x.reading_count, 0) / yearExpected : 0;
    if (b.square_footage && b.square_footage > 0 && yearCoverage > 0) {
      const kwh = sumDecimals(year.map((x) => x.consumption_kwh_exact), KWH_SCALE).total;
      row.eui = Number(kwh) / 1000 / b.square_footage;
      row.euiPartial = yearCoverage < 0.9;
    }
  } catch (e) {
    row.error = errorText(e);
  }
  return row;
}

type Key = 'name' | 'kwh' | 'cost' | 'peak' | 'change' | 'coverage' | 'alerts' | 'eui';

const columns: Array<{ key: Key; label: string; value: (r: Row) => string | number | bigint | null }> = [
  { key: 'name', label: 'Building', value: (r) => r.b.name.toLowerCase() },
  { key: 'kwh', label: 'This month (kWh)', value: (r) => r.monthKwh },
  { key: 'cost', label: 'Cost this month', value: (r) => r.monthCost },
  { key: 'peak', label: 'Peak (kW)', value: (r) => r.peakKw },
  { key: 'change', label: 'Change vs same days last year', value: (r) => r.change },
  { key: 'coverage', label: 'Data coverage', value: (r) => r.coverage },
  { key: 'alerts', label: 'Open alerts', value: (r) => r.openAlerts },
  { key: 'eui', label: 'EUI (kWh/ft²·yr) and rank', value: (r) => r.eui },
];

function cells(r: Row): string[] {
  const pct = (v: number | null, sign = false) => (v === null ? '—' : `${sign && v > 0 ? '+' : ''}${v.toFixed(1)} %`);
  return [
    r.b.name,
    r.error ? 'error' : r.monthKwh === null ? '—' : formatScaled(r.monthKwh, KWH_SCALE, 0),
    r.monthCost === null ? '—' : formatScaled(r.monthCost, MONEY_SCALE, 2) + (r.costMissing ? ' (some days unpriced)' : ''),
    r.peakKw === null ? '—' : formatScaled(r.peakKw, KWH_SCALE, 1),
    pct(r.change, true),
    r.coverage === null ? '—' : pct(r.coverage * 100),
    String(r.openAlerts),
    r.eui === null ? '— (no floor area or data)' : `${r.eui.toFixed(1)} (#${r.euiRank})${r.euiPartial ? ' partial year' : ''}`,
  ];
}

export async function portfolioPage(root: HTMLElement): Promise<void> {
  const status = notice('Loading buildings…');
  root.replaceChildren(h('h1', { tabindex: -1 }, 'Portfolio'), status);
  let buildings: Building[];
  let alerts: Alert[];
  try {
    [buildings, alerts] = await Promise.all([
      getAll<Building>('/api/v1/buildings', 'buildings'),
      get<{ alerts: Alert[] }>('/api/v1/alerts?state=open&limit=500').then((a) => a.alerts),
    ]);
  } catch (e) {
    status.replaceWith(notice(`Could not load the portfolio: ${errorText(e)}`, 'error'));
    return;
  }
  const open = new Map<string, number>();
  for (const a of alerts) open.set(a.building_id, (open.get(a.building_id) ?? 0) + 1);
  const rows = await Promise.all(buildings.filter((b) => b.is_active).map((b) => rowOf(b, open.get(b.id) ?? 0)));
  [...rows]
    .filter((r) => r.eui !== null)
    .sort((a, b) => (b.eui ?? 0) - (a.eui ?? 0))
    .forEach((r, i) => (r.euiRank = i + 1));

  let sortKey: Key = 'eui';
  let descending = true;
  const tbody = h('tbody');
  const headRow = h('tr');
  const render = () => {
    const col = columns.find((c) => c.key === sortKey)!;
    rows.sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === null) return 1;
      if (y === null) return -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -c : c;
    });
    headRow.replaceChildren(
      ...columns.map((c) =>
        h(
          'th',
          { scope: 'col', 'aria-sort': c.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none' },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              onclick: () => {
                descending = c.key === sortKey ? !descending : c.key !== 'name';
                sortKey = c.key;
                render();
              },
            },
            c.label,
            c.key === sortKey ? (descending ? ' ▼' : ' ▲') : '',
          ),
        ),
      ),
    );
    tbody.replaceChildren(
      ...rows.map((r) => {
        const [name, ...rest] = cells(r);
        return h(
          'tr',
          { 'data-building': r.b.id },
          h('th', { scope: 'row' }, h('a', { href: `#/building/${r.b.id}` }, name)),
          ...rest.map((c) => h('td', { class: 'num' }, c)),
        );
      }),
    );
  };
  render();
  const exportButton = h('button', { type: 'button', onclick: () => download('portfolio.csv', toCsv(columns.map((c) => c.label), rows.map(cells))) }, 'Export CSV');
  status.replaceWith(
    h('p', {}, `${rows.length} active building${rows.length === 1 ? '' : 's'}. This month runs to today in each building's own time zone; the change compares complete days with the same days a year earlier.`),
    h('div', { class: 'toolbar' }, exportButton),
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Portfolio table' }, h('table', { id: 'portfolio' }, h('caption', {}, 'Buildings, sortable by any column'), h('thead', {}, headRow), tbody)),
  );
}
