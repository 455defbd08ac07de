// The API client: bearer tokens kept for this browser tab (sessionStorage), a silent refresh when
// the access token is about to expire or the server answers 401, one refresh at a time (the
// server rotates refresh tokens and treats a replayed one as theft), and problem documents
// (RFC 9457) turned into errors that say what went wrong.
import { saveBlob } from './dom';

export type Role = 'admin' | 'operator' | 'viewer' | 'server_admin';

export interface User {
  id: string;
  email: string;
  tenant_id: string | null;
  role: Role;
}

interface Session {
  access: string;
  refresh: string;
  user: User;
  /** Access token expiry, ms since the epoch (from expires_in, client clock). */
  expiresAt: number;
}

const STORAGE_KEY = 'energy.session';

export class ApiError extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public field?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

let session: Session | null = load();
let refreshing: Promise<boolean> | null = null;
const listeners: Array<() => void> = [];

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(s: Session | null): void {
  session = s;
  if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Called when the session ends (sign-out, or a refresh the server refused). */
export function onSessionEnd(f: () => void): void {
  listeners.push(f);
}

export function currentUser(): User | null {
  return session?.user ?? null;
}

/** What the signed-in role may do; the server enforces the same rules. */
export const can = {
  acknowledge: () => ['admin', 'operator'].includes(currentUser()?.role ?? ''),
  upload: () => ['admin', 'operator'].includes(currentUser()?.role ?? ''),
  administer: () => currentUser()?.role === 'admin',
  /** Reports are computations the server gives operators and admins only (viewers get 403). */
  runReports: () => ['admin', 'operator'].includes(currentUser()?.role ?? ''),
};

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: User;
}

function fromAnswer(a: TokenAnswer): Session {
  return {
    access: a.access_token,
    refresh: a.refresh_token,
    user: a.user,
    expiresAt: Date.now() + a.expires_in * 1000,
  };
}

async function problemOf(res: Response): Promise<ApiError> {
  let title = res.statusText || `HTTP ${res.status}`;
  let detail = '';
  let field: string | undefined;
  try {
    const body = await res.json();
    if (body && typeof body === 'object') {
      title = body.title ?? title;
      detail = body.detail ?? '';
      field = body.field;
    }
  } catch {
    /* not JSON: keep the status text */
  }
  return new ApiError(res.status, title, detail, field);
}

export async function signIn(email: string, password: string): Promise<User> {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw await problemOf(res);
  const s = fromAnswer(await res.json());
  save(s);
  return s.user;
}

export async function signOut(): Promise<void> {
  const s = session;
  save(null);
  if (s) {
    // Revokes the refresh token's family on the server; the page is signed out either way.
    await fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.access}` },
      body: JSON.stringify({ refresh_token: s.refresh }),
    }).catch(() => undefined);
  }
  listeners.forEach((f) => f());
}

/** Rotates the tokens; false (and the session ends) when the server refuses. */
function refresh(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      const s = session;
      if (!s) return false;
      try {
        const res = await fetch('/api/v1/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: s.refresh }),
        });
        if (!res.ok) {
          save(null);
          listeners.forEach((f) => f());
          return false;
        }
        save(fromAnswer(await res.json()));
        return true;
      } catch {
        return false; // network down: keep the session, the next call tries again
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

async function send(method: string, path: string, body?: unknown, raw?: BodyInit, type?: string, accept?: string) {
  const headers: Record<string, string> = {};
  if (accept) headers.Accept = accept;
  if (session) headers.Authorization = `Bearer ${session.access}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  else if (raw !== undefined && type) headers['Content-Type'] = type;
  return fetch(path, {
    method,
    headers,
    body: body !== undefined ? JSON.stringify(body) : raw,
  });
}

/**
 * One API call with the session's token. Refreshes first when the token expires within a minute,
 * and once more (then retries once) when the server answers 401. Throws ApiError for any non-2xx.
 */
export async function call<T>(method: string, path: string, body?: unknown, raw?: BodyInit, type?: string): Promise<T> {
  if (session && session.expiresAt - Date.now() < 60_000) await refresh();
  let res = await send(method, path, body, raw, type);
  if (res.status === 401 && session) {
    if (await refresh()) res = await send(method, path, body, raw, type);
  }
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string) => call<T>('GET', path);

/** Every item of a cursor-paged list. */
export async function getAll<T>(path: string, key: string, limit = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Record<string, unknown> = await get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...((page[key] as T[]) ?? []));
    cursor = (page.next_cursor as string | null) ?? null;
  } while (cursor);
  return out;
}

/**
 * A binary answer (the PDF report, asked for with `Accept: accept`) with the session's token, saved
 * by the browser under the name the server gives (Content-Disposition) or else `fileName`.
 */
export async function downloadFile(path: string, fileName: string, accept: string): Promise<void> {
  if (session && session.expiresAt - Date.now() < 60_000) await refresh();
  let res = await send('GET', path, undefined, undefined, undefined, accept);
  if (res.status === 401 && session && (await refresh())) res = await send('GET', path, undefined, undefined, undefined, accept);
  if (!res.ok) throw await problemOf(res);
  const named = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1];
  saveBlob(await res.blob(), named ?? fileName);
}

interface RouteInfo {
  method: string;
  path: string;
  /** Enum values of each query parameter, by name (empty when not an enum). */
  params: Record<string, string[]>;
}

let routeList: Promise<RouteInfo[]> | null = null;

/**
 * The routes this server has (from its OpenAPI document), so pages offer only what exists: a
 * section whose route the server lacks is hidden with a message instead of failing.
 */
export function serverRoutes(): Promise<RouteInfo[]> {
  if (!routeList) {
    type Op = { parameters?: Array<{ name?: string; schema?: { enum?: string[] } }> };
    routeList = fetch('/api/v1/openapi.json')
      .then((r) => (r.ok ? r.json() : { paths: {} }))
      .then((doc: { paths?: Record<string, Record<string, Op>> }) => {
        const out: RouteInfo[] = [];
        for (const [path, ops] of Object.entries(doc.paths ?? {}))
          for (const [method, op] of Object.entries(ops)) {
            const params: Record<string, string[]> = {};
            for (const p of op?.parameters ?? []) if (p?.name) params[p.name] = p.schema?.enum ?? [];
            out.push({ method: method.toUpperCase(), path, params });
          }
        return out;
      })
      .catch(() => []);
  }
  return routeList;
}

/** The first route whose method matches and whose path matches `pattern`, or null. */
export async function findRoute(method: string, pattern: RegExp): Promise<string | null> {
  return (await findRouteInfo(method, pattern))?.path ?? null;
}

export async function findRouteInfo(method: string, pattern: RegExp): Promise<RouteInfo | null> {
  const routes = await serverRoutes();
  return routes.find((r) => r.method === method && pattern.test(r.path)) ?? null;
}
