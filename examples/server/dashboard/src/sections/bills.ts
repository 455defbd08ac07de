// Money on the building page: the latest utility bill against what the readings and the tariff in
// effect give (GET .../reconciliation?limit=1), and the bills computed from the readings for the
// last three local months (GET .../bills?start_date&end_date). Amounts are the server's decimal
// strings, shown as they arrive (never through a float).
import { findRoute, get } from '../api';
import { errorText, h, notice } from '../dom';
import type { Building } from '../types';

interface Finding {
  kind: string;
  message: string;
}

interface Check {
  billed: { id: string; period_start: string; period_end: string; kwh: string | null; peak_kw: string | null; amount: string | null; estimated: boolean };
  computed: { kwh: string; peak_kw: string; total: string; coverage_pct: number };
  difference_billed_minus_computed: { amount: string | null; kwh: string | null; kw: string | null };
  findings: Finding[];
  ok: boolean;
}

export interface Reconciliation {
  bills: number;
  flagged: number;
  groups: Array<{ priced_by: { basis: 'tariff' | 'flat_rate'; tariff_name?: string; currency?: string }; checks: Check[] }>;
  unreconciled: Array<{ bill_id: string; period_start: string; reason: string }>;
  unavailable?: string;
}

export interface ComputedBill {
  basis: 'tariff' | 'flat_rate';
  currency?: string;
  tariff_name?: string;
  local_start: string;
  local_end: string;
  prorated: boolean;
  bill: { kwh: string; peak_kw: string; total: string; coverage_pct: number; notes?: string[]; unapplied?: string[] };
}

/** What the reader must know about the calculated bills, each sentence once: charges the totals
 * leave out (`unapplied`) first, then how they were priced (`notes`, e.g. the tariff's holidays
 * not given). */
export function billCaveats(bills: ComputedBill[]): string[] {
  const out: string[] = [];
  const add = (text: string) => {
    if (!out.includes(text)) out.push(text);
  };
  for (const b of bills) for (const u of b.bill.unapplied ?? []) add(`Not in the totals: ${u}`);
  for (const b of bills) for (const n of b.bill.notes ?? []) add(n);
  return out;
}

const row = (label: string, value: string, id: string) => [h('dt', {}, label), h('dd', { id }, value)];

async function latestBill(b: Building, host: HTMLElement): Promise<void> {
  let r: Reconciliation;
  try {
    r = await get<Reconciliation>(`/api/v1/buildings/${b.id}/reconciliation?limit=1`);
  } catch (e) {
    host.append(notice(`The reconciliation is not available: ${errorText(e)}`, 'error'));
    return;
  }
  if (r.unavailable) {
    host.append(notice(`Bills cannot be reconciled: ${r.unavailable}`));
    return;
  }
  const group = r.groups.find((g) => g.checks.length);
  const check = group?.checks[0];
  if (!check) {
    const u = r.unreconciled[0];
    host.append(h('p', { id: 'latest-bill-none' }, u ? `The latest bill (${u.bill_id}, from ${u.period_start}) is not reconciled: ${u.reason}` : 'No utility bill uploaded for this building yet (Uploads page).'));
    return;
  }
  const d = check.difference_billed_minus_computed;
  host.append(
    h(
      'dl',
      { id: 'latest-bill' },
      ...row('Bill', `${check.billed.id}${check.billed.estimated ? ' (estimated read)' : ''}`, 'bill-id'),
      ...row('Period (UTC)', `${check.billed.period_start} – ${check.billed.period_end}`, 'bill-period'),
      ...row('Priced by', group!.priced_by.basis === 'tariff' ? `tariff ${group!.priced_by.tariff_name ?? ''} (${group!.priced_by.currency ?? ''})` : 'the building’s flat rate', 'bill-priced-by'),
      ...row('Billed', `${check.billed.amount ?? '—'} for ${check.billed.kwh ?? '—'} kWh, peak ${check.billed.peak_kw ?? '—'} kW`, 'bill-billed'),
      ...row('Calculated', `${check.computed.total} for ${check.computed.kwh} kWh, peak ${check.computed.peak_kw} kW (data coverage ${check.computed.coverage_pct} %)`, 'bill-calculated'),
      ...row('Difference (billed − calculated)', `${d.amount ?? '—'}, ${d.kwh ?? '—'} kWh, ${d.kw ?? '—'} kW`, 'bill-difference'),
      ...row('Findings', check.findings.length ? check.findings.map((x) => x.kind).join(', ') : 'none: the bill matches', 'bill-findings'),
    ),
    check.findings.length ? h('ul', { id: 'bill-finding-list' }, ...check.findings.map((x) => h('li', {}, x.message))) : h('span'),
  );
}

async function computedBills(b: Building, to: string, host: HTMLElement): Promise<void> {
  // The last three local months up to the page's last day (its month and the two before), one
  // bill per month (split where a tariff version takes effect).
  const [y, m] = to.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 3, 1)).toISOString().slice(0, 10);
  let answer: { bills: ComputedBill[] };
  try {
    answer = await get<{ bills: ComputedBill[] }>(`/api/v1/buildings/${b.id}/bills?start_date=${first}&end_date=${to}`);
  } catch (e) {
    host.append(notice(`Bills cannot be computed: ${errorText(e)}`, 'error'));
    return;
  }
  const head = ['Local period', 'Priced by', 'kWh', 'Peak kW', 'Coverage %', 'Total'];
  host.append(
    h('h3', {}, 'Bills calculated from the readings'),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Calculated bills' },
      h(
        'table',
        { id: 'computed-bills' },
        h('caption', {}, `${first} to ${to}: each period from its first local day up to (not including) its end day; a part of a month pays monthly charges pro rata`),
        h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...answer.bills.map((x) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, `${x.local_start.slice(0, 10)} – ${x.local_end.slice(0, 10)}${x.prorated ? ' (part)' : ''}`),
              h('td', {}, x.basis === 'tariff' ? (x.tariff_name ?? 'tariff') : 'flat rate'),
              h('td', { class: 'num' }, x.bill.kwh),
              h('td', { class: 'num' }, x.bill.peak_kw),
              h('td', { class: 'num' }, String(x.bill.coverage_pct)),
              h('td', { class: 'num bill-total' }, `${x.bill.total}${x.currency ? ` ${x.currency}` : ''}`),
            ),
          ),
        ),
      ),
    ),
  );
  const caveats = billCaveats(answer.bills);
  if (caveats.length)
    host.append(h('div', { id: 'computed-bill-caveats' }, h('p', {}, 'About these bills:'), h('ul', {}, ...caveats.map((c) => h('li', {}, c)))));
}

export async function loadBills(b: Building, to: string, host: HTMLElement): Promise<void> {
  const path = await findRoute('GET', /\/buildings\/\{[a-z_]+\}\/reconciliation$/);
  if (!path) {
    host.append(notice('This server has no reconciliation route (GET /api/v1/buildings/{id}/reconciliation), so bills are not shown.'));
    return;
  }
  const latest = h('div', { id: 'latest-bill-host' });
  const computed = h('div', { id: 'computed-bills-host' });
  host.append(h('h3', {}, 'Latest utility bill against the calculated one'), latest, computed);
  await Promise.all([latestBill(b, latest), computedBills(b, to, computed)]);
}
