// The load-profile heat map section: hourly buckets of up to the last 91 days of the period.
import { get } from '../api';
import { errorText, h, notice } from '../dom';
import { drawHeatmap, heatmapLegend } from '../heatmap';
import { addDays } from '../time';
import type { Bucket, Building, EnergySeries, Resolution } from '../types';

export async function loadHeatmap(b: Building, res: Resolution, buckets: Bucket[], from: string, to: string, host: HTMLElement): Promise<void> {
  let hourly = buckets;
  const first = addDays(to, -90) > from ? addDays(to, -90) : from;
  if (res !== 'hour') {
    try {
      hourly = (await get<EnergySeries>(`/api/v1/buildings/${b.id}/energy?resolution=hour&start_date=${first}&end_date=${to}`)).readings;
    } catch (e) {
      host.append(notice(`Hourly data for the heat map is not available: ${errorText(e)}`, 'error'));
      return;
    }
  } else {
    hourly = buckets.filter((x) => x.timestamp.slice(0, 10) >= first);
  }
  const canvas = h('canvas', { id: 'heatmap-canvas', role: 'img' });
  const result = drawHeatmap(
    canvas,
    hourly.map((x) => ({ timestamp: x.timestamp, kwh: x.reading_count > 0 && x.consumption_kwh_exact !== null ? Number(x.consumption_kwh_exact) : null })),
  );
  canvas.setAttribute('aria-label', `Heat map of hourly consumption, ${result.days.length} local days from ${result.days[0] ?? first} by hour of day; darkest is lowest, yellow is ${result.max.toFixed(1)} kWh.`);
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' }, h('span', {}, 'low'), ...heatmapLegend().map((c) => h('span', { class: 'swatch', 'data-colour': c })), h('span', {}, 'high'));
  // Swatch colours through the CSSOM (allowed by the page's CSP, unlike style attributes).
  legend.querySelectorAll<HTMLElement>('.swatch').forEach((s) => (s.style.background = s.dataset.colour ?? ''));
  host.append(
    h('div', { class: 'heat-wrap' }, canvas),
    legend,
    h('p', { class: 'hint' }, `Grey hatched cells: no data, or an hour the clock skipped (the 23-hour day). Outlined cells: the 25-hour day's repeated hour, holding both hours (${result.repeated} in view).`),
  );
}

