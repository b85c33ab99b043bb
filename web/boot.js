// The page load's first requests, sent by a module that runs before the rest of the dashboard
// (index.html lists it before app.js, and it imports only small modules): the first page's API
// requests and the filter bar's lists. The server then computes the answers while the browser
// is still fetching and compiling the page's code; app.js renders once they are in (or soon
// after its code is ready).
import { api, apiUrl, prefetch } from './api.js';
import { currentRoute } from './router.js';
import { readFilters, setServerTimeZone, filterProblems } from './filters.js';
import { overviewRequests } from './pages/overview_requests.js';

// First path segment -> the requests its page makes as it mounts. A page not listed asks when
// it mounts.
const EARLY = { '': overviewRequests };

// The server's configured zone decides what "today" is when the URL has no tz: every dated
// request needs it. The server writes it into the page (<meta name="claudescope-timezone">);
// a page without it (not served by claudescope serve) asks /api/config first.
function serverZone() {
  const meta = document.querySelector('meta[name="claudescope-timezone"]');
  if (meta && meta.hasAttribute('content')) return Promise.resolve(meta.getAttribute('content'));
  return api('/api/config').then((c) => c && c.timezone).catch(() => '');
}
const zoneKnown = serverZone().then(setServerTimeZone);

/** Resolves, once the zone is known, to the promises of the first page's requests. */
export const firstRequests = zoneKnown.then(() => {
  const route = currentRoute();
  const [seg, id] = route.parts;
  const f = readFilters(route.query);
  // A filter the URL got wrong is reported by the shell; its requests would only fail.
  const early = !id && !filterProblems(f).length && EARLY[seg || ''];
  const asked = early ? Object.values(early(f)).map(([path, params]) => prefetch(apiUrl(path, params))) : [];
  prefetch('/api/projects');
  prefetch('/api/models');
  return asked;
});
