// Near-live: each meter's latest reading, polled without reloading the page, and how long ago
// the building last heard from it.
import { get } from '../api';
import { errorText, h } from '../dom';
import { ago } from '../time';
import type { Building, LatestReadings } from '../types';

/** Starts polling into `host`; returns the function that stops it. */
export function startPolling(b: Building, host: HTMLElement, seconds: number): () => void {
  const table = h('div', { class: 'table-wrap', id: 'latest-readings', 'aria-live': 'polite', tabindex: 0, role: 'region', 'aria-label': 'Latest reading of each sensor' });
  const when = h('p', { class: 'hint', id: 'latest-as-of' }, 'Polling…');
  host.append(h('p', {}, `Refreshed every ${seconds} s without reloading the page.`), when, table);
  let timer = 0;
  let stopped = false;
  const tick = async () => {
    try {
      const l = await get<LatestReadings>(`/api/v1/buildings/${b.id}/latest-readings?hours=168`);
      when.textContent = `Server time ${l.as_of}; readings of the last ${l.window_hours} hours.`;
      table.replaceChildren(
        h(
          'table',
          {},
          h('caption', {}, 'When each meter was last heard from'),
          h('thead', {}, h('tr', {}, ...['Meter', 'Type', 'Last heard from', 'Latest reading (UTC)', 'Value'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...l.sensors.map((s) =>
              h(
                'tr',
                { 'data-sensor': s.sensor_id },
                h('th', { scope: 'row' }, s.location || s.sensor_id.slice(0, 8)),
                h('td', {}, s.type + (s.is_active ? '' : ' (inactive)')),
                h('td', { class: s.last_reading_at ? '' : 'warn' }, s.last_reading_at ? ago(s.last_reading_at) : `not in the last ${l.window_hours} h`),
                h('td', {}, s.last_reading_at ?? '—'),
                h('td', { class: 'num' }, s.value_exact ? `${s.value_exact} ${s.canonical_unit}` : '—'),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      when.textContent = `Latest readings unavailable: ${errorText(e)}`;
    }
    if (!stopped) timer = window.setTimeout(tick, seconds * 1000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
