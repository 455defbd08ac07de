// Demo data for the browser test, through the server's own API: a tenant with an admin, an
// operator and a viewer; an office in America/Chicago with 13 months of hourly readings (so the
// year holds a 23-hour and a 25-hour day, and this month has last year's to compare with); a
// smaller shop in America/New_York; an alert configuration that fires; and, for the performance
// run, a building of many sensors with a year of hourly readings each.
import { ADMIN_EMAIL, ADMIN_PASSWORD, api } from './server.mjs';

const HOUR = 3600;

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same data. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (sec) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');

/** An office's hourly kWh: base load, occupied hours on weekdays, summer cooling, noise. */
function officeKwh(sec, zoneOffsetHours, rnd, scale = 1) {
  const local = new Date((sec + zoneOffsetHours * HOUR) * 1000);
  const hour = local.getUTCHours();
  const day = local.getUTCDay();
  const month = local.getUTCMonth();
  const occupied = day >= 1 && day <= 5 && hour >= 7 && hour < 19;
  const cooling = Math.max(0, Math.cos(((month - 6.5) / 12) * 2 * Math.PI)) * 25;
  const v = (28 + (occupied ? 62 + cooling : cooling * 0.2) + rnd() * 8) * scale;
  return Math.round(v * 1000) / 1000;
}

async function postReadings(base, token, readings) {
  const r = await api(base, 'POST', '/api/v1/sensors/readings/batch', { token, raw: `{"readings":[${readings.join(',')}]}` });
  if (r.status !== 202 || r.body.rejected !== 0) throw new Error(`ingest: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body.accepted;
}

export async function login(base, email, password) {
  return (await api(base, 'POST', '/api/v1/auth/login', { body: { email, password }, expect: 200 })).body;
}

export async function seed(base, { perfSensors = 0, perfReadingSensors = perfSensors } = {}) {
  const root = (await login(base, ADMIN_EMAIL, ADMIN_PASSWORD)).access_token;
  const users = {
    admin: { email: 'facility.admin@demo.test', password: 'admin-password-for-demo' },
    operator: { email: 'operator@demo.test', password: 'operator-password-for-demo' },
    viewer: { email: 'viewer@demo.test', password: 'viewer-password-for-demo' },
  };
  const t = await api(base, 'POST', '/api/v1/tenants', {
    token: root,
    body: { name: 'Demo Property Management', admin_email: users.admin.email, admin_password: users.admin.password },
    expect: 201,
  });
  const admin = (await login(base, users.admin.email, users.admin.password)).access_token;
  for (const role of ['operator', 'viewer'])
    await api(base, 'POST', '/api/v1/users', { token: admin, body: { email: users[role].email, role, password: users[role].password }, expect: 201 });

  const now = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
  const first = now - 400 * 24 * HOUR;
  const office = (await api(base, 'POST', '/api/v1/buildings', {
    token: admin,
    body: { name: 'Springfield office', time_zone: 'America/Chicago', square_footage: 52000, primary_use: 'office', flat_rate_per_kwh: '0.1150' },
    expect: 201,
  })).body;
  const shop = (await api(base, 'POST', '/api/v1/buildings', {
    token: admin,
    body: { name: 'Riverside shop', time_zone: 'America/New_York', square_footage: 8000, primary_use: 'retail', flat_rate_per_kwh: '0.1420' },
    expect: 201,
  })).body;
  const sensor = async (b, location, created) =>
    (await api(base, 'POST', `/api/v1/buildings/${b.id}/sensors`, {
      token: admin,
      body: { type: 'electricity', kind: 'interval_energy', unit: 'kWh', interval_seconds: 3600, location, created_at: iso(created) },
      expect: 201,
    })).body;
  const main = await sensor(office, 'main meter', first - 24 * HOUR);
  const shopMain = await sensor(shop, 'shop floor', first - 24 * HOUR);
  const shopHvac = await sensor(shop, 'rooftop HVAC', first - 24 * HOUR);

  const rnd = random(17);
  let batch = [];
  let total = 0;
  const flush = async () => {
    if (batch.length) total += await postReadings(base, admin, batch);
    batch = [];
  };
  // A stuck chiller last month: two days at three times the usual load from the 10th (10:00
  // Chicago standard time), for the report's anomaly detection to find and the chart to mark. (The
  // detectors' defaults ignore departures shorter than 36 hours: holidays are not alerts.)
  const today = new Date(now * 1000);
  const spike = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 10, 16) / 1000;
  // Someone left the air handlers on a weekday schedule on Saturdays for the last eight weeks
  // (08:00-16:00 local): after-hours operation for the recommendation rules to find and price.
  const saturdaysFrom = now - 56 * 24 * HOUR;
  const saturdayOn = (s) => {
    const local = new Date((s - 6 * HOUR) * 1000);
    return s >= saturdaysFrom && local.getUTCDay() === 6 && local.getUTCHours() >= 8 && local.getUTCHours() < 16;
  };
  // Readings stop two hours ago, so the near-live check can add a newer one.
  for (let s = first; s < now - HOUR; s += HOUR) {
    const kwh = saturdayOn(s) ? Math.round((officeKwh(s, -6, rnd) + 62) * 1000) / 1000 : officeKwh(s, -6, rnd);
    batch.push(`{"sensor_id":"${main.id}","timestamp":"${iso(s)}","value_kwh":${s >= spike && s < spike + 48 * HOUR ? Math.round(kwh * 3000) / 1000 : kwh}}`);
    if (s >= now - 120 * 24 * HOUR) {
      batch.push(`{"sensor_id":"${shopMain.id}","timestamp":"${iso(s)}","value_kwh":${officeKwh(s, -5, rnd, 0.2)}}`);
      batch.push(`{"sensor_id":"${shopHvac.id}","timestamp":"${iso(s)}","value_kwh":${officeKwh(s, -5, rnd, 0.1)}}`);
    }
    if (batch.length >= 20000) await flush();
  }
  await flush();

  let perf = null;
  if (perfSensors > 0) perf = await seedPerfBuilding(base, admin, perfSensors, Math.min(perfSensors, perfReadingSensors), now);

  // Alert configurations that fire on normal use (thresholds below it): the window judged is the
  // previous local day up to now, which has readings.
  await api(base, 'POST', `/api/v1/buildings/${office.id}/alert-configs`, {
    token: admin,
    body: { name: 'Daily use above 500 kWh', threshold_kwh: '500', window: 'day', notification_emails: [] },
    expect: 201,
  });
  await api(base, 'POST', `/api/v1/buildings/${shop.id}/alert-configs`, {
    token: admin,
    body: { name: 'Shop daily use above 100 kWh', threshold_kwh: '100', window: 'day', notification_emails: [] },
    expect: 201,
  });
  const aggregate = await api(base, 'POST', '/api/v1/jobs/aggregate/run', { token: root });
  if (aggregate.status >= 300) throw new Error(`aggregate: ${aggregate.status} ${JSON.stringify(aggregate.body)}`);
  const alerts = await api(base, 'POST', '/api/v1/jobs/alerts/run', { token: root });
  if (alerts.status >= 300) throw new Error(`alerts: ${alerts.status} ${JSON.stringify(alerts.body)}`);
  return { tenant: t.body.tenant, users, root, office, shop, main, readings: total, perf };
}

/**
 * A building of `count` sensors, the first `withReadings` of them with a year of hourly readings,
 * sent as the batch API takes them (50,000 readings a batch, two batches in flight). The page reads
 * the building's hourly summaries (8,760 rows whatever the number of sensors) and the energy route
 * does per-sensor work for every registered sensor.
 */
async function seedPerfBuilding(base, admin, count, withReadings, now) {
  const start = now - 365 * 24 * HOUR;
  const b = (await api(base, 'POST', '/api/v1/buildings', {
    token: admin,
    body: { name: 'Campus (1,000 sensors)', time_zone: 'America/Chicago', square_footage: 900000, primary_use: 'office', flat_rate_per_kwh: '0.0980' },
    expect: 201,
  })).body;
  const ids = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      (await api(base, 'POST', `/api/v1/buildings/${b.id}/sensors`, {
        token: admin,
        body: { type: 'electricity', kind: 'interval_energy', unit: 'kWh', interval_seconds: 3600, location: `submeter ${i + 1}`, created_at: iso(start - HOUR) },
        expect: 201,
      })).body.id,
    );
  }
  const rnd = random(99);
  const started = Date.now();
  let readings = 0;
  const inFlight = new Set();
  let batch = [];
  const send = async () => {
    const body = batch;
    batch = [];
    const p = postReadings(base, admin, body).then((n) => {
      readings += n;
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  for (let s = start; s < now - HOUR; s += HOUR) {
    const stamp = iso(s);
    const base_ = officeKwh(s, -6, rnd, 0.01);
    for (const id of ids.slice(0, withReadings)) {
      batch.push(`{"sensor_id":"${id}","timestamp":"${stamp}","value_kwh":${base_}}`);
      if (batch.length >= 50000) await send();
    }
  }
  if (batch.length) await send();
  await Promise.all(inFlight);
  return { building: b, sensors: count, sensorsWithReadings: withReadings, readings, ingestSeconds: (Date.now() - started) / 1000 };
}

/** The building's local calendar date of an instant (YYYY-MM-DD). */
export function localDay(instant, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * Money for the office, through the API: the SCE GS-2 TOU B tariff (a real URDB record inside a
 * REopt scenario, ../shared/data/tariffs) in effect from 200 local days ago, and one utility bill for
 * the last complete local month that bills more than the readings give (so the reconciliation has
 * findings to show).
 */
export async function seedMoney(base, admin, office, tariffFile) {
  const zone = office.time_zone;
  const today = localDay(new Date(), zone);
  const effective = localDay(new Date(Date.now() - 200 * 864e5), zone);
  const tariff = (await api(base, 'POST', `/api/v1/buildings/${office.id}/tariffs`, {
    token: admin,
    raw: `{"effective_from":"${effective}","currency":"USD","urdb":${tariffFile}}`,
    expect: 201,
  })).body;
  const [y, m] = today.split('-').map(Number);
  const monthStart = (k) => new Date(Date.UTC(y, m - 1 + k, 1)).toISOString().slice(0, 7) + '-01';
  const bill = { id: 'INV-2026-LAST', period_start: monthStart(-1), period_end: monthStart(0), consumption_kwh: '50000', peak_demand_kw: '130', demand_interval_minutes: 60, amount: '9000.00', estimated: false };
  const upload = (await api(base, 'POST', `/api/v1/buildings/${office.id}/utility-bills`, { token: admin, body: { bills: [bill] }, expect: 200 })).body;
  if (upload.inserted !== 1) throw new Error(`utility bill: ${JSON.stringify(upload).slice(0, 400)}`);
  return { tariff, bill };
}
