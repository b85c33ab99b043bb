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
  if (method !== 'GET') dropPrefetched();  // what was fetched ahead may be what this changes
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

// GETs shared by everyone who asks for the same URL while it is on its way, so that two parts of
// a page asking the same question make one request. A prefetched answer (prefetch below) is
// kept for a few seconds: the page that asked for it ahead of time takes it when it mounts,
// synchronously once it has arrived (readyAnswer), so that its first render already shows it.
// Any write drops the kept answers. Callers that go away simply ignore the answer.
const shared = new Map();  // url -> { promise, prefetched, at, done, value }
const PREFETCH_TTL_MS = 5000;

function usable(e) {
  return e && (!e.prefetched || performance.now() - e.at < PREFETCH_TTL_MS);
}

/** GET `url`, sharing a request already on its way (or prefetched) unless `fresh`. */
export function sharedGet(url, fresh = false) {
  const hit = shared.get(url);
  if (!fresh && usable(hit)) return hit.promise;
  return startGet(url, false);
}

/** The answer for `url` when a shared request has already brought it: { value }, else null. */
export function readyAnswer(url) {
  const hit = shared.get(url);
  return usable(hit) && hit.done ? { value: hit.value } : null;
}

function startGet(url, prefetched) {
  const entry = { prefetched, at: performance.now(), promise: null, done: false, value: undefined };
  entry.promise = api(url).then((value) => {
    entry.done = true;
    entry.value = value;
    return value;
  }).finally(() => {
    if (!entry.prefetched && shared.get(url) === entry) shared.delete(url);
  });
  entry.promise.catch(() => {});  // a prefetch nobody takes must not be an unhandled rejection
  shared.set(url, entry);
  return entry.promise;
}

function dropPrefetched() {
  for (const [url, e] of shared) if (e.prefetched) shared.delete(url);
}

/**
 * Starts GET `url` now, for a page that is about to mount and ask for it (see sharedGet).
 * Returns the request's promise (it never rejects: the page shows the error when it asks).
 */
export function prefetch(url) {
  if (!shared.has(url)) startGet(url, true);
  return shared.get(url).promise.catch(() => {});
}

export const apiSend = (method, path, body, params) => api(path, { method, body, params });

/** The URL of the server's live stream (/ws) on this page's origin, with an optional query. */
export function wsUrl(query = '') {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws${query}`;
}
