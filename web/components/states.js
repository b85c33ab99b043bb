// Loading, error and empty states, and useApi: the one way pages fetch, so that a page is never
// blank: it shows a spinner, the server's error sentence (with Retry), or an explicit empty note.
import { html, useLayoutEffect, useState, useCallback } from '../html.js';
import { apiUrl, readyAnswer, sharedGet } from '../api.js';

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

// The state a useApi for `url` starts in: an answer a prefetch already brought shows at once.
function startState(url) {
  const ready = url && readyAnswer(url);
  return ready ? { data: ready.value, error: null, loading: false, url } : { data: null, error: null, loading: !!url, url };
}

/**
 * Fetches `path` with `params` whenever either changes. Returns {data, error, loading, reload, url}.
 * `path` null skips the request.
 */
export function useApi(path, params) {
  const url = path ? apiUrl(path, params) : null;
  const [state, setState] = useState(() => startState(url));
  const [tick, setTick] = useState(0);
  // A layout effect, not a plain one: the request leaves as soon as the component is in the DOM,
  // instead of after the browser has laid out and painted the whole page (~0.4 s on a first
  // load of the overview on a slow machine).
  useLayoutEffect(() => {
    if (!url) { setState({ data: null, error: null, loading: false, url }); return undefined; }
    if (tick === 0) {
      const ready = readyAnswer(url);
      if (ready) {  // no request, and no second render when the first one showed it already
        setState((s) => (s.url === url && !s.loading && s.data === ready.value ? s : { data: ready.value, error: null, loading: false, url }));
        return undefined;
      }
    }
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

/** A section that fetches `req` ([path, params]) itself: its answer re-renders only it. */
export function Fetch({ req, what, empty, children }) {
  const res = useApi(req[0], req[1]);
  return html`<${Async} res=${res} what=${what} empty=${empty}>${children}<//>`;
}

/** Renders loading / error / children(data) for a useApi result. */
export function Async({ res, what, children, empty }) {
  if (res.error) return html`<${ErrorBox} error=${res.error} what=${what} onRetry=${res.reload} />`;
  if (res.loading && res.data == null) return html`<${Loading} label=${`Loading ${what || ''}…`} />`;
  if (res.data == null) return html`<${Empty}>${empty || 'No data.'}<//>`;
  return children(res.data);
}
