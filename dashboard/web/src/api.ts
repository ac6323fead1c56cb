import { authHeaders } from './auth-token.js';
/** The dashboard API: JSON in, `{ error: { code, message } }` out on failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  // The stored API token, when the dashboard needs one (auth-token.ts).
  const headers = { accept: 'application/json', ...(init?.headers as Record<string, string> | undefined), ...authHeaders() };
  const res = await fetch(path, { ...init, headers });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (res.status === 401) window.dispatchEvent(new Event('portolan:unauthorized'));
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'http', body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export const postJson = <T>(path: string, body: unknown): Promise<T> =>
  getJson<T>(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });

export const qs = (params: Record<string, string | number | null | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
