// The building's baseline band, anomalies and recommendations from the server's analytics report
// route, when the server has it (looked up in its OpenAPI document); else the section says so.
import { downloadFile, findRouteInfo, get } from '../api';
import { errorText, h, notice } from '../dom';
import type { Bucket, Building, Resolution } from '../types';

export type Band = { expected?: Array<number | null>; lower?: Array<number | null>; upper?: Array<number | null>; anomalies?: Array<number | null> };

interface Report {
  daily?: Array<{ date: string; start: string; expected_kwh: number; lower_kwh: number; upper_kwh: number }>;
  anomalies?: Array<{ kind: string; severity: string; start: string; end: string; expected: string; actual: string; explanation: string }>;
  recommendations?: Array<{ rank: number; title: string; explanation: string; annual_saving_kwh: string; annual_saving: string }>;
  baseline?: { model: string; cv_rmse: number; passes_guideline14: boolean; interval_level: number } | null;
}

export async function loadAnalytics(b: Building, res: Resolution, buckets: Bucket[], host: HTMLElement): Promise<Band> {
  const route = await findRouteInfo('GET', /\/buildings\/\{[a-z_]+\}\/analytics\/report$/);
  if (!route) {
    host.append(notice('This server has no analytics report route (GET /api/v1/buildings/{id}/analytics/report), so the baseline band, anomalies and recommendations are not shown.'));
    return {};
  }
  if (route.params.format?.includes('pdf')) {
    // The report as a PDF, when the server offers it (fetched with the token, then saved).
    const link = h('button', { type: 'button', id: 'report-pdf' }, 'Download the efficiency report (PDF)');
    link.addEventListener('click', () =>
      downloadFile(`/api/v1/buildings/${b.id}/analytics/report?report_type=efficiency&period=month&format=pdf`, `efficiency-${b.id}.pdf`).catch((e) =>
        link.after(notice(errorText(e), 'error')),
      ),
    );
    host.append(h('p', {}, link));
  }
  let r: Report;
  try {
    r = await get<Report>(`/api/v1/buildings/${b.id}/analytics/report?report_type=efficiency&period=year`);
  } catch (e) {
    host.append(notice(`The analytics report is not available: ${errorText(e)}`, 'error'));
    return {};
  }
  const out: Band = {};
  if (res === 'day' && r.daily?.length) {
    const byDate = new Map(r.daily.map((d) => [d.date, d]));
    out.expected = buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.expected_kwh ?? null);
    out.lower = buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.lower_kwh ?? null);
    out.upper = buckets.map((x) => byDate.get(x.timestamp.slice(0, 10))?.upper_kwh ?? null);
  }
  if (r.anomalies?.length) {
    const ranges = r.anomalies.map((a) => [Date.parse(a.start), Date.parse(a.end)]);
    out.anomalies = buckets.map((x) => {
      const s = Date.parse(x.start);
      const e = Date.parse(x.end);
      return ranges.some(([a0, a1]) => a0 < e && s < a1) && x.consumption_kwh_exact !== null ? Number(x.consumption_kwh_exact) : null;
    });
  }
  if (r.baseline) host.append(h('p', {}, `Baseline model ${r.baseline.model}: CV(RMSE) ${(r.baseline.cv_rmse * 100).toFixed(1)} %, ${r.baseline.passes_guideline14 ? 'meets' : 'does not meet'} ASHRAE Guideline 14; band at ${(r.baseline.interval_level * 100).toFixed(0)} %.` + (res === 'day' ? '' : ' The band is drawn at day resolution.')));
  host.append(
    h('h3', {}, 'Anomalies'),
    r.anomalies?.length
      ? h('ul', { id: 'anomalies' }, ...r.anomalies.map((a) => h('li', {}, `${a.severity} ${a.kind}, ${a.start} – ${a.end}: ${a.explanation} (expected ${a.expected}, actual ${a.actual})`)))
      : h('p', {}, 'No anomalies in the report period.'),
    h('h3', {}, 'Recommendations'),
    r.recommendations?.length
      ? h('ol', { id: 'recommendations' }, ...r.recommendations.map((x) => h('li', {}, h('strong', {}, x.title), ` — saves about ${x.annual_saving_kwh} kWh and ${x.annual_saving} a year. ${x.explanation}`)))
      : h('p', {}, 'No recommendations for this period.'),
  );
  return out;
}

