// Alerts: open, acknowledged and resolved alerts of the tenant; acknowledging with a comment
// (operators and admins); alert configurations per building, editable by admins.
import { call, can, get, getAll } from '../api';
import { download, toCsv } from '../csv';
import { errorText, h, notice } from '../dom';
import type { Alert, AlertConfig, Building } from '../types';

type State = 'open' | 'acknowledged' | 'resolved';

export async function alertsPage(root: HTMLElement, query: URLSearchParams): Promise<void> {
  const state = (['open', 'acknowledged', 'resolved'].includes(query.get('state') ?? '') ? query.get('state') : 'open') as State;
  const list = h('div', { id: 'alert-list' }, notice('Loading alerts…'));
  const configs = h('section', { id: 'alert-configs', 'aria-labelledby': 'configs-title' }, h('h2', { id: 'configs-title' }, 'Alert configurations'));
  root.replaceChildren(
    h('h1', { tabindex: -1 }, 'Alerts'),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Alert state' },
      ...(['open', 'acknowledged', 'resolved'] as const).map((s) => h('a', { href: `#/alerts?state=${s}`, 'aria-current': s === state ? 'page' : null }, s[0].toUpperCase() + s.slice(1))),
    ),
    list,
    configs,
  );
  let buildings: Building[] = [];
  try {
    buildings = await getAll<Building>('/api/v1/buildings', 'buildings');
  } catch (e) {
    list.replaceChildren(notice(`Could not load buildings: ${errorText(e)}`, 'error'));
    return;
  }
  const names = new Map(buildings.map((b) => [b.id, b.name]));
  await renderAlerts(list, state, names);
  await renderConfigs(configs, buildings, query.get('building'));
}

async function renderAlerts(host: HTMLElement, state: State, names: Map<string, string>): Promise<void> {
  let alerts: Alert[];
  try {
    alerts = (await get<{ alerts: Alert[] }>(`/api/v1/alerts?state=${state}&limit=500`)).alerts;
  } catch (e) {
    host.replaceChildren(notice(`Could not load alerts: ${errorText(e)}`, 'error'));
    return;
  }
  const header = ['Building', 'Condition', 'Severity', 'Summary', 'Opened (UTC)', 'Last seen (UTC)', 'Acknowledged', 'Resolved (UTC)'];
  const cells = (a: Alert) => [
    names.get(a.building_id) ?? a.building_id,
    a.condition,
    a.severity,
    a.summary,
    a.opened_at,
    a.last_seen_at,
    a.acknowledged_at ? `${a.acknowledged_at} by ${a.acknowledged_by ?? '?'}${a.ack_comment ? `: “${a.ack_comment}”` : ''}` : '—',
    a.resolved_at ?? '—',
  ];
  const rows = alerts.map((a) => {
    const actions = h('td', {});
    if (a.state === 'open' && can.acknowledge()) {
      const commentId = `comment-${a.id}`;
      const comment = h('input', { id: commentId, type: 'text', maxlength: 2000, class: 'ack-comment' });
      const form = h('form', { class: 'ack', 'data-write': 'acknowledge' }, h('label', { for: commentId }, 'Comment'), comment, h('button', { type: 'submit' }, 'Acknowledge'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await call('POST', `/api/v1/alerts/${a.id}/acknowledge`, { comment: comment.value });
          await renderAlerts(host, state, names);
          host.prepend(notice(`Alert acknowledged: ${a.summary}`));
        } catch (e) {
          form.append(notice(errorText(e), 'error'));
        }
      });
      actions.append(form);
    }
    const [first, ...rest] = cells(a);
    return h('tr', { 'data-alert': a.id, 'data-state': a.state }, h('th', { scope: 'row' }, first), ...rest.map((c) => h('td', {}, c)), actions);
  });
  host.replaceChildren(
    alerts.length
      ? h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Alerts table' },
          h('table', { id: 'alerts' }, h('caption', {}, `${alerts.length} ${state} alert${alerts.length === 1 ? '' : 's'}, newest first`), h('thead', {}, h('tr', {}, ...header.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, 'Action'))), h('tbody', {}, ...rows)),
        )
      : h('p', {}, `No ${state} alerts.`),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', onclick: () => download(`alerts-${state}.csv`, toCsv(header, alerts.map(cells))) }, 'Export CSV')),
  );
}

const numberFields: Array<[keyof AlertConfig, string]> = [
  ['threshold_kwh', 'Threshold (kWh per window)'],
  ['peak_kw', 'Peak demand above (kW)'],
  ['data_gap_minutes', 'Data gap longer than (minutes)'],
  ['flatline_minutes', 'Flatline for (minutes, 0 = automatic)'],
  ['baseline_deviation_percent', 'Deviation from baseline above (%)'],
];

async function renderConfigs(host: HTMLElement, buildings: Building[], chosen: string | null): Promise<void> {
  const select = h('select', { id: 'config-building' }, ...buildings.map((b) => h('option', { value: b.id, selected: b.id === chosen }, b.name)));
  const body = h('div', {});
  host.append(h('label', { for: 'config-building' }, 'Building'), select, body);
  const show = async () => {
    body.replaceChildren(notice('Loading…'));
    try {
      const list = (await get<{ alert_configs: AlertConfig[] }>(`/api/v1/buildings/${select.value}/alert-configs`)).alert_configs;
      body.replaceChildren(...(list.length ? list.map((c) => configView(c, show)) : [h('p', {}, 'No alert configurations for this building.')]));
    } catch (e) {
      body.replaceChildren(notice(errorText(e), 'error'));
    }
  };
  select.addEventListener('change', show);
  if (buildings.length) await show();
}

function configView(c: AlertConfig, reload: () => Promise<void>): HTMLElement {
  const facts = h(
    'dl',
    { class: 'config' },
    ...numberFields.flatMap(([k, label]) => (c[k] === null ? [] : [h('dt', {}, label), h('dd', {}, String(c[k]))])),
    h('dt', {}, 'Window'),
    h('dd', {}, c.window),
    h('dt', {}, 'Enabled'),
    h('dd', {}, c.is_enabled ? 'yes' : 'no'),
    h('dt', {}, 'E-mail'),
    h('dd', {}, c.notification_emails.join(', ') || '—'),
  );
  const box = h('article', { class: 'config-card', 'data-config': c.id }, h('h3', {}, c.name), facts);
  if (!can.administer()) return box;
  const edit = h('button', { type: 'button', 'data-write': 'edit-config' }, `Edit ${c.name}`);
  edit.addEventListener('click', () => {
    const inputs = new Map<string, HTMLInputElement>();
    const field = (key: string, label: string, value: string, type = 'text') => {
      const id = `cfg-${c.id}-${key}`;
      const input = h('input', { id, name: key, type, value });
      inputs.set(key, input);
      return [h('label', { for: id }, label), input];
    };
    const enabled = h('input', { id: `cfg-${c.id}-enabled`, type: 'checkbox', checked: c.is_enabled });
    const form = h(
      'form',
      { class: 'config-form', 'data-write': 'edit-config' },
      ...field('name', 'Name', c.name),
      ...numberFields.flatMap(([k, label]) => field(k, label, c[k] === null ? '' : String(c[k]))),
      ...field('window', 'Window (15min, hour or day)', c.window),
      ...field('notification_emails', 'E-mail addresses (comma-separated)', c.notification_emails.join(', ')),
      h('label', { for: `cfg-${c.id}-enabled` }, 'Enabled'),
      enabled,
      h('button', { type: 'submit' }, 'Save'),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = (k: string) => inputs.get(k)!.value.trim();
      const body: Record<string, unknown> = { name: text('name'), window: text('window'), is_enabled: enabled.checked };
      for (const [k] of numberFields) {
        const v = text(k);
        if (v === '') continue;
        // Decimal fields go as strings (exact), the minute/percent ones as integers.
        body[k] = k === 'threshold_kwh' || k === 'peak_kw' ? v : Number(v);
      }
      const emails = text('notification_emails');
      body.notification_emails = emails ? emails.split(',').map((s) => s.trim()).filter(Boolean) : [];
      if (c.webhook_url) body.webhook_url = c.webhook_url;
      try {
        await call('PUT', `/api/v1/alert-configs/${c.id}`, body);
        await reload();
      } catch (e) {
        form.append(notice(errorText(e), 'error'));
      }
    });
    edit.replaceWith(form);
    inputs.get('name')?.focus();
  });
  box.append(edit);
  return box;
}
