// The building's baseline and forecast band, anomalies and recommendations from the server's report
// route (GET /buildings/{id}/analytics/report, JSON; the PDF with Accept: application/pdf). Reports
// are for operators and admins: a viewer is told so and the route is not called (it would answer
// 403). A server without the route gets a message instead of the section.
import { can, downloadFile, findRouteInfo, get } from '../api';
import { errorText, h, notice } from '../dom';
import type { Bucket, Building, Resolution } from '../types';

export type Band = { expected?: Array<number | null>; lower?: Array<number | null>; upper?: Array<number | null>; anomalies?: Array<number | null> };

/** One local day of a report: the band is null where the model could not predict it. */
interface DayPoint {
  date: string;
  expected_kwh: number | null;
  lower_kwh: number | null;
  upper_kwh: number | null;
}

/** The parts of the report JSON (src/core/report/json.cpp) this section shows. */
export interface Report {
  window: { label: string; first_day: string; last_day: string };
  currency: string | null;
  daily: DayPoint[];
  anomalies: Array<{ kind: string; severity: string; start: string; end: string; expected: string; actual: string; explanation: string }>;
  recommendations: Array<{ rank: number; title: string; explanation: string; saving_kwh: string; saving: string | null; saving_low: string | null; saving_high: string | null; per: string; per_year: boolean; confidence: string }>;
  baseline: { model: string; cv_rmse: number; passes_guideline14: boolean; interval_level: number } | null;
  forecast: { horizon: { label: string }; expected_kwh: number; lower_kwh: number; upper_kwh: number; interval_level: number; daily: DayPoint[] } | null;
}

const reportPath = (b: Building, type: 'efficiency' | 'forecast') => `/api/v1/buildings/${b.id}/analytics/report?report_type=${type}&period=month`;

/** The PDF of the last complete month's efficiency report, fetched with the token and saved. */
function pdfButton(b: Building): HTMLElement {
  const button = h('button', { type: 'button', id: 'report-pdf' }, 'Download the efficiency report (PDF)');
  const result = h('span', { 'aria-live': 'polite' });
  button.addEventListener('click', () => {
    result.replaceChildren();
    downloadFile(reportPath(b, 'efficiency'), `report-efficiency-${b.id}.pdf`, 'application/pdf').catch((e) => result.replaceChildren(notice(errorText(e), 'error')));
  });
  return h('p', {}, button, ' ', result);
}

function bandOf(days: DayPoint[], buckets: Bucket[]): Pick<Band, 'expected' | 'lower' | 'upper'> {
  const byDate = new Map(days.map((d) => [d.date, d]));
  return {
    expected: buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.expected_kwh ?? null),
    lower: buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.lower_kwh ?? null),
    upper: buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.upper_kwh ?? null),
  };
}

export async function loadAnalytics(b: Building, res: Resolution, buckets: Bucket[], host: HTMLElement): Promise<Band> {
  const route = await findRouteInfo('GET', /\/buildings\/\{[a-z_]+\}\/analytics\/report$/);
  if (!route) {
    host.append(notice('This server has no analytics report route (GET /api/v1/buildings/{id}/analytics/report), so the baseline band, anomalies and recommendations are not shown.'));
    return {};
  }
  if (!can.runReports()) {
    host.append(h('p', { id: 'analytics-needs-operator' }, 'Reports (baseline, forecast, anomalies, recommendations) are run by operators and admins; your role reads the consumption, bills and reconciliation on this page.'));
    return {};
  }
  host.append(pdfButton(b));
  let r: Report;
  let f: Report | null;
  try {
    // The last complete month (baseline, anomalies, savings) and this month's forecast.
    [r, f] = await Promise.all([get<Report>(reportPath(b, 'efficiency')), get<Report>(reportPath(b, 'forecast')).catch(() => null)]);
  } catch (e) {
    host.append(notice(`The analytics report is not available: ${errorText(e)}`, 'error'));
    return {};
  }
  const out: Band = {};
  const days = [...r.daily, ...(f?.forecast?.daily ?? [])].filter((d) => d.expected_kwh !== null);
  if (res === 'day' && days.length) Object.assign(out, bandOf(days, buckets));
  if (r.anomalies.length) {
    const ranges = r.anomalies.map((a) => [Date.parse(a.start), Date.parse(a.end)]);
    out.anomalies = buckets.map((x) => {
      const s = Date.parse(x.start);
      const e = Date.parse(x.end);
      return ranges.some(([a0, a1]) => a0 < e && s < a1) && x.consumption_kwh_exact !== null ? Number(x.consumption_kwh_exact) : null;
    });
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const kwh = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const dayNote = res === 'day' ? '' : ' The band is drawn at day resolution.';
  host.append(
    h('p', { id: 'report-window' }, `Report period: ${r.window.label} (${r.window.first_day} – ${r.window.last_day}, local days).`),
    r.baseline
      ? h('p', { id: 'baseline' }, `Baseline model ${r.baseline.model}: CV(RMSE) ${(r.baseline.cv_rmse * 100).toFixed(1)} %, ${r.baseline.passes_guideline14 ? 'meets' : 'does not meet'} ASHRAE Guideline 14; band at ${pct(r.baseline.interval_level)}.${dayNote}`)
      : h('p', { id: 'baseline' }, 'No baseline for this period: the building needs more history before the period for a model to be fitted.'),
    f?.forecast
      ? h('p', { id: 'forecast' }, `Forecast for ${f.forecast.horizon.label}: ${kwh(f.forecast.expected_kwh)} kWh (${kwh(f.forecast.lower_kwh)} – ${kwh(f.forecast.upper_kwh)} at ${pct(f.forecast.interval_level)}).${dayNote}`)
      : h('span'),
    h('h3', {}, 'Anomalies'),
    r.anomalies.length
      ? h('ul', { id: 'anomalies' }, ...r.anomalies.map((a) => h('li', {}, `${a.severity} ${a.kind}, ${a.start} – ${a.end}: ${a.explanation} (expected ${a.expected}, actual ${a.actual})`)))
      : h('p', {}, 'No anomalies in the report period.'),
    h('h3', {}, 'Recommendations'),
    r.recommendations.length
      ? h(
          'ol',
          { id: 'recommendations' },
          ...r.recommendations.map((x) =>
            // The saving over what it was measured on: a year, or the observed days (never scaled up).
            h(
              'li',
              {},
              h('strong', {}, x.title),
              ' — saves about ',
              h('span', { class: 'saving-kwh' }, `${x.saving_kwh} kWh`),
              ' and ',
              h('span', { class: 'saving-money' }, x.saving === null ? 'an unpriced amount' : `${x.saving} ${r.currency ?? ''}`.trim()),
              x.saving_low !== null && x.saving_high !== null ? ` (${x.saving_low} to ${x.saving_high})` : '',
              x.per_year ? ' a year' : ` over the ${x.per}`,
              ` (${x.confidence} confidence). ${x.explanation}`,
            ),
          ),
        )
      : h('p', {}, 'No recommendations for this period.'),
  );
  return out;
}
