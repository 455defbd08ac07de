// Starts energy-server for the browser test: a free loopback port (read from its 'listening' log
// line), a temporary SQLite database, known administrator and JWT key (so the test can forge an
// expired token), the built dashboard; and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_EMAIL = 'root@energy.test';
export const ADMIN_PASSWORD = 'root-password-for-browser-tests';
export const JWT_KID = 'browser-1';
export const JWT_SECRET = 'browser-test-secret-0123456789-abcdefghijklmnop';

export async function startServer({ bin, dashboardDir }) {
  const dir = mkdtempSync(join(tmpdir(), 'energy-dashboard-'));
  const stdout = join(dir, 'stdout.log');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ENERGY_')));
  Object.assign(env, {
    ENERGY_LISTEN: '127.0.0.1:0',
    ENERGY_DB: `sqlite:${join(dir, 'energy.db')}`,
    ENERGY_THREADS: '2',
    ENERGY_JOBS: 'off', // the test runs aggregation and alert evaluation itself, when it needs them
    ENERGY_ADMIN_EMAIL: ADMIN_EMAIL,
    ENERGY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ENERGY_JWT_KEYS: `${JWT_KID}:${JWT_SECRET}`,
    ENERGY_DASHBOARD_DIR: dashboardDir,
    ENERGY_LOGIN_MAX_FAILURES: '50',
  });
  const proc = spawn(bin, [], { env, cwd: dir, stdio: ['ignore', openSync(stdout, 'a'), openSync(join(dir, 'stderr.log'), 'a')] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`energy-server exited with ${proc.exitCode}: ${readFileSync(join(dir, 'stderr.log'), 'utf8')}`);
    for (const line of readFileSync(stdout, 'utf8').split('\n')) {
      try {
        const ev = JSON.parse(line);
        if (ev.event === 'listening') {
          const base = `http://127.0.0.1:${ev.port}`;
          return {
            base,
            dir,
            db: env.ENERGY_DB,
            pid: proc.pid,
            stop: () =>
              new Promise((resolve) => {
                if (proc.exitCode !== null) return resolve(proc.exitCode);
                proc.once('exit', resolve);
                proc.kill('SIGTERM');
              }),
          };
        }
      } catch {
        /* not a JSON line yet */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error('energy-server did not start listening within 60 s');
}

/** One API call; returns { status, body }. Throws when `expect` is given and not met. */
export async function api(base, method, path, { token, body, raw, type, expect } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw !== undefined) headers['Content-Type'] = type ?? 'application/json';
  const res = await fetch(base + path, { method, headers, body: body !== undefined ? JSON.stringify(body) : raw });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (expect !== undefined && res.status !== expect) throw new Error(`${method} ${path}: expected ${expect}, got ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, body: parsed, headers: res.headers };
}
