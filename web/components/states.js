// Loading, error and empty states, and useApi: the one way pages fetch, so that a page is never
// blank: it shows a spinner, the server's error sentence (with Retry), or an explicit empty note.
import { html, useLayoutEffect, useState, useCallback } from '../html.js';
import { apiUrl, sharedGet } from '../api.js';

export function Loading({ label = 'Loading…' }) {
  return html`<div class="state loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${label}</div>`;
}

export function ErrorBox({ error, onRetry, what }) {
  const status = error && error.status;
  let msg = (error && error.message) || String(error);
  if (status === 501) msg = `${what || 'This feature'} is not available in this server build yet (501).`;
  return html`<div class="state error" role="alert">
    <strong>${what ? `Could not load ${what}` : 'Error'}${status ? ` (HTTP ${status})` : ''}:</strong> ${msg}
    ${onRetry && html` <button type="button" class="btn small" onClick=${onRetry}>Retry</button>`}
  </div>`;
}

export function Empty({ children }) {
  return html`<div class="state empty">${children || 'Nothing here for this filter.'}</div>`;
}

/**
 * Fetches `path` with `params` whenever either changes. Returns {data, error, loading, reload, url}.
 * `path` null skips the request.
 */
export function useApi(path, params) {
  const url = path ? apiUrl(path, params) : null;
  const [state, setState] = useState({ data: null, error: null, loading: !!url, url });
  const [tick, setTick] = useState(0);
  // A layout effect, not a plain one: the request leaves as soon as the component is in the DOM,
  // instead of after the browser has laid out and painted the whole page (~0.4 s on a first
  // load of the overview on a slow machine).
  useLayoutEffect(() => {
    if (!url) { setState({ data: null, error: null, loading: false, url }); return undefined; }
    let live = true;  // the shared request goes on for others; this component just stops listening
    setState((s) => (s.url === url && s.loading && !s.error ? s : { data: s.url === url ? s.data : null, error: null, loading: true, url }));
    sharedGet(url, tick > 0)  // Retry and reload ask afresh
      .then((data) => { if (live) setState({ data, error: null, loading: false, url }); })
      .catch((error) => { if (live) setState({ data: null, error, loading: false, url }); });
    return () => { live = false; };
  }, [url, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Renders loading / error / children(data) for a useApi result. */
export function Async({ res, what, children, empty }) {
  if (res.error) return html`<${ErrorBox} error=${res.error} what=${what} onRetry=${res.reload} />`;
  if (res.loading && res.data == null) return html`<${Loading} label=${`Loading ${what || ''}…`} />`;
  if (res.data == null) return html`<${Empty}>${empty || 'No data.'}<//>`;
  return children(res.data);
}
