// Path + query routing on the History API. The server answers every non-API path with
// index.html, so every URL (page, filters, sort, paging) is shareable and the back button works.
import { useEffect, useState } from './html.js';

const listeners = new Set();

export function currentRoute() {
  const parts = location.pathname.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return { path: location.pathname, parts, query: new URLSearchParams(location.search) };
}

function notify() {
  const r = currentRoute();
  for (const fn of listeners) fn(r);
}

window.addEventListener('popstate', notify);

/** Navigates to `href` (a path with optional query); `replace` keeps the history length. */
export function navigate(href, { replace = false } = {}) {
  if (href === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  notify();
  if (!replace) window.scrollTo(0, 0);
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    listeners.add(setRoute);
    return () => listeners.delete(setRoute);
  }, []);
  return route;
}

/** Global filter keys: they travel with every link so that every page honours them. */
export const FILTER_KEYS = ['range', 'from', 'to', 'project', 'model', 'tz'];

/** Builds a link to `path` that keeps the global filters and sets `extra` query values. */
export function hrefWith(path, extra = {}, base = new URLSearchParams(location.search)) {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (base.get(k)) q.set(k, base.get(k));
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Changes query values of the current page (null removes); `push` adds a history entry. */
export function setQuery(changes, { push = true } = {}) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), { replace: !push });
}

/** Intercepts clicks on same-origin <a href> so plain links route without reloading. */
export function installLinkInterceptor(root) {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname === '/metrics') return;
    e.preventDefault();
    navigate(url.pathname + url.search);
    if (url.hash) document.getElementById(url.hash.slice(1))?.scrollIntoView();
  });
}
