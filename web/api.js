// Fetch wrapper for the claudescope JSON API: builds query strings, sends JSON bodies with the
// right Content-Type, and turns every failure (network, non-2xx, non-JSON) into an ApiError
// carrying the server's one-sentence message, so pages can always show what went wrong.

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;   // 0 when the server could not be reached
    this.field = field || null;
  }
}

/** Builds "/api/x?a=1" leaving out empty, null and undefined parameters. */
export function apiUrl(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function api(path, { method = 'GET', params, body, signal } = {}) {
  const url = apiUrl(path, params);
  const init = { method, headers: { Accept: 'application/json' }, signal, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Cannot reach the claudescope server. Is `claudescope serve` running?');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  let parsed = false;
  if (text) {
    try { data = JSON.parse(text); parsed = true; } catch { /* handled below */ }
  }
  if (!res.ok) {
    const msg = (parsed && data && data.error) || `The server answered ${res.status} ${res.statusText || ''}`.trim();
    throw new ApiError(res.status, msg, parsed && data ? data.field : null);
  }
  if (text && !parsed) throw new ApiError(res.status, 'The server answered with something that is not JSON.');
  return data;
}

export const apiGet = (path, params, signal) => api(path, { params, signal });
export const apiSend = (method, path, body, params) => api(path, { method, body, params });
