// The latest bill against the calculated one (reconciliation flags), when the server has bills.
import { findRoute, get } from '../api';
import { errorText, h, notice } from '../dom';
import type { Building } from '../types';

interface Bill {
  start: string;
  end: string;
  total: string;
  calculated_total?: string | null;
  difference?: string | null;
  flags?: string[];
}

export async function loadBills(b: Building, host: HTMLElement): Promise<void> {
  const path = await findRoute('GET', /\/buildings\/\{[a-z_]+\}\/bills$/);
  if (!path) {
    host.append(notice('This server has no bills route (GET /api/v1/buildings/{id}/bills): upload a tariff and bills once it does.'));
    return;
  }
  try {
    const answer = await get<{ bills?: Bill[] }>(`/api/v1/buildings/${b.id}/bills?limit=1`);
    const bill = answer.bills?.[0];
    if (!bill) {
      host.append(h('p', {}, 'No bill uploaded for this building yet.'));
      return;
    }
    host.append(
      h(
        'dl',
        { id: 'latest-bill' },
        h('dt', {}, 'Period'),
        h('dd', {}, `${bill.start} – ${bill.end}`),
        h('dt', {}, 'Billed'),
        h('dd', {}, bill.total),
        h('dt', {}, 'Calculated'),
        h('dd', {}, bill.calculated_total ?? '—'),
        h('dt', {}, 'Difference'),
        h('dd', {}, bill.difference ?? '—'),
        h('dt', {}, 'Flags'),
        h('dd', {}, bill.flags?.length ? bill.flags.join(', ') : 'none'),
      ),
    );
  } catch (e) {
    host.append(notice(`Bills are not available: ${errorText(e)}`, 'error'));
  }
}

