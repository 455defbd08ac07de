// Uploads for a building: a URDB tariff version from an effective date (admins), a Green Button
// ESPI file (operators and admins) and utility bills as JSON or the bills CSV (operators and
// admins). Each is offered when the server has the route (found in its OpenAPI document) and the
// role may write; otherwise the section says why. The answer is summarised in words, with the
// server's whole answer beneath it.
import { call, can, findRoute, getAll } from '../api';
import { errorText, h, notice } from '../dom';
import { localDate } from '../time';
import type { Building } from '../types';

/** What one upload form sends: the path under the building, the body and its type. */
interface Sent {
  path: string;
  body: BodyInit;
  type: string;
}

interface Upload {
  key: string;
  title: string;
  /** The POST route looked for in the OpenAPI document, and the same in words. */
  pattern: RegExp;
  wanted: string;
  accept: string;
  who: () => boolean;
  whoText: string;
  /** Controls beside the file (ids prefixed with `key`). */
  controls: () => HTMLElement[];
  request: (building: Building, file: File, form: HTMLFormElement) => Promise<Sent>;
  summary: (answer: Record<string, unknown>) => string;
}

const base = (b: Building) => `/api/v1/buildings/${encodeURIComponent(b.id)}`;
const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement;
const label = (id: string, text: string) => h('label', { for: id }, text);

const uploads: Upload[] = [
  {
    key: 'tariff',
    title: 'Tariff (URDB JSON)',
    pattern: /\/buildings\/\{[a-z_]+\}\/tariffs$/,
    wanted: 'POST /api/v1/buildings/{id}/tariffs',
    accept: '.json,application/json',
    who: can.administer,
    whoText: 'admins',
    controls: () => [
      label('tariff-effective', 'In effect from (local day)'),
      h('input', { id: 'tariff-effective', name: 'effective_from', type: 'date', required: true }),
      label('tariff-currency', 'Currency'),
      h('input', { id: 'tariff-currency', name: 'currency', value: 'USD', size: 4, pattern: '[A-Z]{3}', required: true }),
    ],
    // The file is a URDB record, the URDB API's {"items": [...]} or a REopt scenario: the server
    // finds the record in each, so the file goes in whole under "urdb".
    request: async (b, file, form) => {
      let urdb: unknown;
      try {
        urdb = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`${file.name} is not JSON: ${(e as Error).message}`);
      }
      return {
        path: `${base(b)}/tariffs`,
        body: JSON.stringify({ effective_from: field(form, 'effective_from').value, currency: field(form, 'currency').value, urdb }),
        type: 'application/json',
      };
    },
    summary: (a) => {
      const unsupported = (a.unsupported as string[] | undefined) ?? [];
      return `Tariff “${a.name}” (${a.utility}) in effect from ${a.effective_from}, amounts in ${a.currency}.` + (unsupported.length ? ` Not priced (URDB fields the library leaves out): ${unsupported.length}.` : '');
    },
  },
  {
    key: 'greenbutton',
    title: 'Green Button file (ESPI XML)',
    pattern: /\/buildings\/\{[a-z_]+\}\/greenbutton$/,
    wanted: 'POST /api/v1/buildings/{id}/greenbutton',
    accept: '.xml,application/xml,application/atom+xml,text/xml',
    who: can.upload,
    whoText: 'operators and admins',
    controls: () => [
      h('input', { id: 'greenbutton-import', name: 'import_readings', type: 'checkbox' }),
      label('greenbutton-import', 'Also import the readings (only when the building has no meter of its own on this supply)'),
    ],
    request: async (b, file, form) => ({
      path: `${base(b)}/greenbutton?import_readings=${field(form, 'import_readings').checked}`,
      body: await file.arrayBuffer(),
      type: 'application/xml',
    }),
    summary: (a) => {
      const bills = a.bills as { inserted: number; unchanged: number; replaced: number };
      return `${a.usage_points} usage point(s), ${a.meter_readings} meter reading set(s); bills: ${bills.inserted} new, ${bills.unchanged} unchanged, ${bills.replaced} replaced; ${a.issue_count} issue(s).` + (a.readings_imported ? ' Readings imported.' : '');
    },
  },
  {
    key: 'bills',
    title: 'Utility bills (JSON or CSV)',
    pattern: /\/buildings\/\{[a-z_]+\}\/utility-bills$/,
    wanted: 'POST /api/v1/buildings/{id}/utility-bills',
    accept: '.json,.csv,application/json,text/csv',
    who: can.upload,
    whoText: 'operators and admins',
    controls: () => [
      h('input', { id: 'bills-inclusive', name: 'inclusive', type: 'checkbox' }),
      label('bills-inclusive', 'CSV end dates are the last day served (not the next read date)'),
    ],
    request: async (b, file, form) => {
      const csv = file.name.toLowerCase().endsWith('.csv');
      return {
        path: `${base(b)}/utility-bills` + (csv ? `?end_date=${field(form, 'inclusive').checked ? 'inclusive' : 'exclusive'}` : ''),
        body: await file.arrayBuffer(),
        type: csv ? 'text/csv' : 'application/json',
      };
    },
    summary: (a) => {
      const r = a.reconciliation as { flagged?: number; unavailable?: string } | undefined;
      return `${a.accepted} of ${a.received} bill(s) accepted (${a.inserted} new, ${a.unchanged} unchanged, ${a.replaced} replaced), ${a.rejected} rejected.` + (r?.unavailable ? ` Not reconciled: ${r.unavailable}` : r ? ` ${r.flagged ?? 0} flagged by the reconciliation.` : '');
    },
  },
];

function uploadForm(u: Upload, buildings: Building[]): HTMLFormElement {
  const select = h('select', { id: `${u.key}-building`, name: 'building' }, ...buildings.map((b) => h('option', { value: b.id }, b.name)));
  const file = h('input', { id: `${u.key}-file`, name: 'file', type: 'file', accept: u.accept, required: true });
  const result = h('div', { 'aria-live': 'polite', id: `${u.key}-result` });
  const form = h('form', { 'data-write': 'upload', class: 'upload-form' }, label(`${u.key}-building`, 'Building'), select, ...u.controls(), label(`${u.key}-file`, 'File'), file, h('button', { type: 'submit' }, 'Upload'), result) as HTMLFormElement;
  const effective = form.querySelector<HTMLInputElement>('input[type=date]');
  const setToday = () => {
    const b = buildings.find((x) => x.id === select.value);
    if (effective && b && !effective.value) effective.value = localDate(new Date(), b.time_zone);
  };
  setToday();
  select.addEventListener('change', setToday);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    const b = buildings.find((x) => x.id === select.value);
    if (!f || !b) return;
    result.replaceChildren(notice('Uploading…'));
    try {
      const sent = await u.request(b, f, form);
      const answer = await call<Record<string, unknown>>('POST', sent.path, undefined, sent.body, sent.type);
      result.replaceChildren(
        notice(`Uploaded to ${b.name}. ${u.summary(answer)}`),
        h('details', {}, h('summary', {}, 'The server’s answer'), h('pre', {}, JSON.stringify(answer, null, 2))),
      );
    } catch (e) {
      result.replaceChildren(notice(errorText(e), 'error'));
    }
  });
  return form;
}

export async function uploadsPage(root: HTMLElement): Promise<void> {
  root.replaceChildren(h('h1', { tabindex: -1 }, 'Uploads'));
  let buildings: Building[];
  try {
    buildings = (await getAll<Building>('/api/v1/buildings', 'buildings')).filter((b) => b.is_active);
  } catch (e) {
    root.append(notice(`Could not load buildings: ${errorText(e)}`, 'error'));
    return;
  }
  for (const u of uploads) {
    const section = h('section', { class: 'upload', id: `upload-${u.key}`, 'aria-labelledby': `upload-${u.key}-title` }, h('h2', { id: `upload-${u.key}-title` }, u.title));
    root.append(section);
    if (!(await findRoute('POST', u.pattern))) section.append(notice(`This server has no route for this upload (${u.wanted}), so it is not offered.`));
    else if (!u.who()) section.append(h('p', {}, `Only ${u.whoText} may upload here; your role can view the results.`));
    else section.append(uploadForm(u, buildings));
  }
}
