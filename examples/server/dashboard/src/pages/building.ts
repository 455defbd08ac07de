// Building: consumption per local hour/day/month (a 23- or 25-hour day shown as such), totals with
// exact decimals, a zoomable chart of up to a year of hourly data, the report's baseline and
// forecast band, anomalies and recommendations (operators and admins), the latest utility bill
// against the calculated one and the bills calculated from the readings, a load-profile heat map
// and the latest reading of each meter.
import { get } from '../api';
import { download, toCsv } from '../csv';
import { KWH_SCALE, MONEY_SCALE, formatScaled, parseScaled, sumDecimals } from '../decimal';
import { errorText, h, notice } from '../dom';
import { energyChart, type EnergyChart } from '../energy_chart';
import { loadAnalytics } from '../sections/analytics';
import { loadBills } from '../sections/bills';
import { startPolling } from '../sections/latest_readings';
import { loadHeatmap } from '../sections/load_profile';
import { addDays, localDate, showLocal } from '../time';
import type { Bucket, Building, EnergySeries, Resolution } from '../types';
const TABLE_ROWS = 400;

let stopPolling: (() => void) | null = null;
let chart: EnergyChart | null = null;

/** Ends the page's timers and chart (called by the router before another page renders). */
export function leaveBuildingPage(): void {
  stopPolling?.();
  stopPolling = null;
  chart?.destroy();
  chart = null;
}

function bucketRow(b: Bucket, res: Resolution): Array<string | number | null> {
  return [
    res === 'hour' ? showLocal(b.timestamp) : res === 'day' ? b.timestamp.slice(0, 10) : b.timestamp.slice(0, 7),
    b.hours,
    b.consumption_kwh_exact,
    b.peak_kw_exact,
    b.cost,
    b.coverage === null ? null : (b.coverage * 100).toFixed(1),
    b.quality,
  ];
}
const bucketHeader = ['Local period', 'Hours', 'kWh', 'Peak kW', 'Cost', 'Coverage %', 'Quality'];

function card(label: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-label', id: `${id}-label` }, label), h('div', { class: 'card-value', id, 'aria-labelledby': `${id}-label` }, value));
}

export async function buildingPage(root: HTMLElement, id: string, query: URLSearchParams): Promise<void> {
  performance.mark('building:start');
  const isDate = (v: string | null) => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);
  const res = (['hour', 'day', 'month'].includes(query.get('res') ?? '') ? query.get('res') : 'day') as Resolution;
  const energyUrl = (first: string, last: string) =>
    `/api/v1/buildings/${encodeURIComponent(id)}/energy?resolution=${res}&start_date=${first}&end_date=${last}`;
  // With the period in the address the series is asked for at once, beside the building.
  const early = isDate(query.get('from')) && isDate(query.get('to')) ? get<EnergySeries>(energyUrl(query.get('from')!, query.get('to')!)) : null;
  early?.catch(() => undefined); // reported below, once the page can show it
  let b: Building;
  try {
    b = await get<Building>(`/api/v1/buildings/${encodeURIComponent(id)}`);
  } catch (e) {
    root.replaceChildren(h('h1', { tabindex: -1 }, 'Building'), notice(`Could not load the building: ${errorText(e)}`, 'error'));
    return;
  }
  const today = localDate(new Date(), b.time_zone);
  const to = isDate(query.get('to')) ? query.get('to')! : today;
  const from = isDate(query.get('from')) ? query.get('from')! : addDays(to, -364);
  const poll = Math.max(1, Number(query.get('poll') ?? 30) || 30);

  const resSelect = h('select', { id: 'resolution', name: 'resolution' }, ...(['hour', 'day', 'month'] as const).map((r) => h('option', { value: r, selected: r === res }, r)));
  const fromInput = h('input', { id: 'from', name: 'from', type: 'date', value: from });
  const toInput = h('input', { id: 'to', name: 'to', type: 'date', value: to });
  const controls = h(
    'form',
    { class: 'controls', 'aria-label': 'Period and resolution' },
    h('label', { for: 'resolution' }, 'Resolution'),
    resSelect,
    h('label', { for: 'from' }, 'First local day'),
    fromInput,
    h('label', { for: 'to' }, 'Last local day'),
    toInput,
    h('button', { type: 'submit' }, 'Show'),
  );
  controls.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/building/${b.id}?res=${resSelect.value}&from=${fromInput.value}&to=${toInput.value}`;
  });

  const summary = h('div', { class: 'cards', id: 'summary' });
  const dst = h('div', { id: 'dst-days' });
  const chartHost = h('div', { id: 'energy-chart', class: 'chart', role: 'img', 'aria-label': `Consumption per ${res}, ${from} to ${to}, ${b.time_zone}` });
  const chartButtons = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Chart zoom and pan' });
  const tableHost = h('div', { class: 'table-wrap', id: 'bucket-table', tabindex: 0, role: 'region', 'aria-label': 'Buckets in view' });
  const analytics = h('section', { id: 'analytics', 'aria-labelledby': 'analytics-title' }, h('h2', { id: 'analytics-title' }, 'Baseline, anomalies and recommendations'));
  const bills = h('section', { id: 'bills', 'aria-labelledby': 'bills-title' }, h('h2', { id: 'bills-title' }, 'Bills: the latest against the calculated one, and bills from the readings'));
  const heat = h('section', { id: 'heatmap', 'aria-labelledby': 'heatmap-title' }, h('h2', { id: 'heatmap-title' }, 'Load profile (hour of day × day)'));
  const live = h('section', { id: 'live', 'aria-labelledby': 'live-title' }, h('h2', { id: 'live-title' }, 'Latest readings'));
  const status = notice('Loading consumption…');

  root.replaceChildren(
    h('h1', { tabindex: -1 }, b.name),
    h('p', { class: 'sub' }, `Local time: ${b.time_zone}` + (b.square_footage ? ` · ${b.square_footage.toLocaleString('en-US')} ft²` : '') + (b.sensor_count !== undefined ? ` · ${b.sensor_count} sensor${b.sensor_count === 1 ? '' : 's'}` : '')),
    controls,
    status,
    summary,
    dst,
    h('section', { 'aria-labelledby': 'chart-title' }, h('h2', { id: 'chart-title' }, `Consumption per ${res} (kWh), local time`), chartButtons, chartHost, tableHost),
    analytics,
    bills,
    heat,
    live,
  );

  let series: EnergySeries;
  try {
    series = await (early ?? get<EnergySeries>(energyUrl(from, to)));
  } catch (e) {
    status.replaceWith(notice(`Could not load consumption: ${errorText(e)}`, 'error'));
    return;
  }
  performance.mark('building:data');
  const buckets = series.readings;
  status.replaceWith(
    series.stale
      ? notice('Some readings in this period wait for the hourly aggregation: the newest numbers may still change.')
      : h('span'),
  );

  const total = sumDecimals(buckets.map((x) => x.consumption_kwh_exact), KWH_SCALE);
  const cost = sumDecimals(buckets.map((x) => x.cost), MONEY_SCALE);
  let peak: { v: bigint; at: string } | null = null;
  for (const x of buckets) {
    const p = parseScaled(x.peak_kw_exact, KWH_SCALE);
    if (p !== null && (peak === null || p > peak.v)) peak = { v: p, at: x.timestamp };
  }
  const readings = buckets.reduce((n, x) => n + x.reading_count, 0);
  const expected = buckets.reduce((n, x) => n + x.expected_readings, 0);
  summary.replaceChildren(
    card('Consumption', `${formatScaled(total.total, KWH_SCALE, 3)} kWh`, 'total-kwh'),
    card('Cost', cost.missing === buckets.length ? 'no price set' : formatScaled(cost.total, MONEY_SCALE, 2) + (cost.missing ? ` (${cost.missing} periods unpriced)` : ''), 'total-cost'),
    card('Peak demand', peak ? `${formatScaled(peak.v, KWH_SCALE, 1)} kW · ${res === 'hour' ? showLocal(peak.at, false) : peak.at.slice(0, res === 'day' ? 10 : 7)}` : '—', 'peak'),
    card('Data coverage', expected > 0 ? `${((readings / expected) * 100).toFixed(1)} %` : '—', 'coverage'),
  );

  // Days that are not 24 hours long (daylight-saving changes), stated in words.
  const dayLengths = new Map<string, number>();
  if (res === 'day') for (const x of buckets) dayLengths.set(x.timestamp.slice(0, 10), x.hours);
  if (res === 'hour') for (const x of buckets) dayLengths.set(x.timestamp.slice(0, 10), (dayLengths.get(x.timestamp.slice(0, 10)) ?? 0) + x.hours);
  const odd = [...dayLengths].filter(([, hrs]) => hrs !== 24 && res !== 'month');
  // A partial first/last day of an hourly range is not a DST day: only whole days count.
  const whole = res === 'hour' ? odd.filter(([d]) => d !== buckets[0]?.timestamp.slice(0, 10) && d !== buckets[buckets.length - 1]?.timestamp.slice(0, 10)) : odd;
  dst.replaceChildren(
    whole.length
      ? h('p', { class: 'notice info' }, 'Daylight-saving days in this period: ', ...whole.map(([d, hrs], i) => h('span', { class: 'dst-day', 'data-date': d, 'data-hours': hrs }, `${i ? ', ' : ''}${d} has ${hrs} hours`)))
      : h('span'),
  );

  // The table and the CSV show the buckets in the chart's visible range.
  let visible = buckets;
  const renderTable = () => {
    const rows = visible.slice(0, TABLE_ROWS);
    tableHost.replaceChildren(
      h(
        'table',
        { id: 'buckets' },
        h('caption', {}, `${visible.length} ${res} buckets in view` + (visible.length > TABLE_ROWS ? ` (first ${TABLE_ROWS} listed; the CSV has all)` : '')),
        h('thead', {}, h('tr', {}, ...bucketHeader.map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...rows.map((x) => {
            const [label, ...rest] = bucketRow(x, res);
            return h('tr', { 'data-start': x.start, 'data-hours': x.hours }, h('th', { scope: 'row' }, String(label)), ...rest.map((c) => h('td', { class: 'num' }, c === null ? '—' : String(c))));
          }),
        ),
      ),
    );
  };
  const exportCsv = () => download(`energy-${b.name.replace(/[^A-Za-z0-9]+/g, '-')}-${res}.csv`, toCsv(['UTC start', ...bucketHeader], visible.map((x) => [x.start, ...bucketRow(x, res)])));

  const xs = buckets.map((x) => Date.parse(x.start) / 1000);
  const kwh = buckets.map((x) => (x.consumption_kwh_exact === null ? null : Number(x.consumption_kwh_exact)));
  let first = true;
  let tableTimer = 0;
  const input = {
    zone: b.time_zone,
    xs,
    kwh,
    onRange: (min: number, max: number) => {
      if (first) return;
      // After the chart has drawn: the zoom step is the chart's, the table follows.
      clearTimeout(tableTimer);
      tableTimer = window.setTimeout(() => {
        visible = buckets.filter((_, i) => xs[i] >= min && xs[i] <= max);
        renderTable();
      }, 0);
    },
  };
  chart = energyChart(chartHost, { ...input, onFirstDraw: () => performance.mark('building:fmp') });
  // The baseline band and anomalies arrive later; the chart is drawn again with them.
  void loadAnalytics(b, res, buckets, analytics).then((band) => {
    if (!chart || (!band.expected && !band.anomalies)) return;
    const x = chart.plot.scales.x;
    chart.destroy();
    chart = energyChart(chartHost, { ...input, ...band });
    if (x.min !== undefined && x.max !== undefined) chart.plot.setScale('x', { min: x.min, max: x.max });
  });
  first = false;
  chartHost.tabIndex = 0;
  chartHost.setAttribute('aria-describedby', 'chart-keys');
  chartHost.addEventListener('keydown', (ev) => {
    const k = ev.key;
    if (k === '+' || k === '=') chart?.zoom(0.5);
    else if (k === '-') chart?.zoom(2);
    else if (k === 'ArrowLeft') chart?.pan(-0.25);
    else if (k === 'ArrowRight') chart?.pan(0.25);
    else if (k === '0') chart?.reset();
    else return;
    ev.preventDefault();
  });
  chartButtons.replaceChildren(
    h('button', { type: 'button', id: 'zoom-in', onclick: () => chart?.zoom(0.5) }, 'Zoom in'),
    h('button', { type: 'button', id: 'zoom-out', onclick: () => chart?.zoom(2) }, 'Zoom out'),
    h('button', { type: 'button', id: 'pan-left', onclick: () => chart?.pan(-0.25) }, '◀ Earlier'),
    h('button', { type: 'button', id: 'pan-right', onclick: () => chart?.pan(0.25) }, 'Later ▶'),
    h('button', { type: 'button', id: 'zoom-reset', onclick: () => chart?.reset() }, 'Whole period'),
    h('button', { type: 'button', id: 'export-csv', onclick: exportCsv }, 'Export CSV (in view)'),
    h('span', { id: 'chart-keys', class: 'hint' }, 'Drag across the chart to zoom; on the focused chart: + / − zoom, ← / → pan, 0 resets.'),
  );
  // The rest after the chart has been drawn, so a year of data paints first.
  setTimeout(() => {
    if (!chart) return; // the page was left meanwhile
    renderTable();
    void loadBills(b, to, bills);
    void loadHeatmap(b, res, buckets, from, to, heat);
    stopPolling = startPolling(b, live, poll);
  }, 0);
}
