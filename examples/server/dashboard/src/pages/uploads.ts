// Uploads: a Green Button file and a URDB tariff for a building, offered when the server has the
// routes (found in its OpenAPI document) and the role may write; otherwise the page says why.
import { call, can, findRoute, getAll } from '../api';
import { errorText, h, notice } from '../dom';
import type { Building } from '../types';

interface Upload {
  title: string;
  method: string;
  pattern: RegExp;
  accept: string;
  contentType: (f: File) => string;
  who: () => boolean;
  whoText: string;
  /** The route looked for, in words, for the message when the server lacks it. */
  wanted: string;
}

const uploads: Upload[] = [
  {
    title: 'Green Button file (ESPI XML or CSV)',
    method: 'POST',
    pattern: /\/buildings\/\{[a-z_]+\}\/green-?button/,
    accept: '.xml,.csv,application/xml,text/csv',
    contentType: (f) => (f.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/xml'),
    who: can.upload,
    whoText: 'operators and admins',
    wanted: 'POST /api/v1/buildings/{id}/greenbutton',
  },
  {
    title: 'Tariff (URDB JSON)',
    method: 'POST',
    pattern: /\/buildings\/\{[a-z_]+\}\/tariffs?$/,
    accept: '.json,application/json',
    contentType: () => 'application/json',
    who: can.administer,
    whoText: 'admins',
    wanted: 'POST or PUT /api/v1/buildings/{id}/tariff',
  },
];

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
    const section = h('section', { class: 'upload' }, h('h2', {}, u.title));
    root.append(section);
    let route = await findRoute(u.method, u.pattern);
    if (!route && u.method === 'POST') route = await findRoute('PUT', u.pattern);
    if (!route) {
      section.append(notice(`This server has no route for this upload (${u.wanted}), so it is not offered.`));
      continue;
    }
    if (!u.who()) {
      section.append(h('p', {}, `Only ${u.whoText} may upload here; your role can view the results.`));
      continue;
    }
    const method = (await findRoute('POST', new RegExp(`^${route.replace(/[{}]/g, '\\$&')}$`))) ? 'POST' : 'PUT';
    const key = u.title.split(' ')[0].toLowerCase();
    const select = h('select', { id: `${key}-building` }, ...buildings.map((b) => h('option', { value: b.id }, b.name)));
    const file = h('input', { id: `${key}-file`, type: 'file', accept: u.accept, required: true });
    const result = h('div', { 'aria-live': 'polite' });
    const form = h('form', { 'data-write': 'upload' }, h('label', { for: `${key}-building` }, 'Building'), select, h('label', { for: `${key}-file` }, 'File'), file, h('button', { type: 'submit' }, 'Upload'), result);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = file.files?.[0];
      if (!f) return;
      result.replaceChildren(notice('Uploading…'));
      try {
        const path = route!.replace(/\{[a-z_]+\}/, select.value);
        const answer = await call<unknown>(method, path, undefined, await f.arrayBuffer(), u.contentType(f));
        result.replaceChildren(notice('Uploaded.'), h('pre', {}, JSON.stringify(answer, null, 2)));
      } catch (e) {
        result.replaceChildren(notice(errorText(e), 'error'));
      }
    });
    section.append(form);
  }
}
