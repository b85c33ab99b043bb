// The global filter (date range, project, model, time zone) as it lives in the URL, and its
// translation into API query parameters. Presets are computed as calendar days in the chosen zone.
import { useRoute } from './router.js';

export const PRESETS = ['7d', '30d', '90d', 'all'];
export const DEFAULT_RANGE = '30d';

let serverTz = '';
export function setServerTimeZone(tz) { serverTz = tz && tz !== 'local' ? tz : ''; }
// Constructing an Intl.DateTimeFormat costs about a millisecond: ask once.
let browserTz = '';
export const browserTimeZone = () => browserTz || (browserTz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');

/** The zone that dates are shown in: the URL's tz, else the server's, else the browser's. */
export function effectiveTz(f) { return (f && f.tz) || serverTz || browserTimeZone(); }

const dayFmts = new Map();
/** An Intl formatter of YYYY-MM-DD in `tz` (kept: constructing one is slow). Throws on a bad zone. */
export function dayFormatter(tz) {
  let fmt = dayFmts.get(tz);
  if (!fmt) dayFmts.set(tz, (fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return fmt;
}

export function todayIn(tz) {
  try {
    return dayFormatter(tz).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

export function readFilters(query) {
  const from = query.get('from') || '';
  const to = query.get('to') || '';
  const range = from || to ? 'custom' : (query.get('range') || DEFAULT_RANGE);
  return { range, from, to, project: query.get('project') || '', model: query.get('model') || '', tz: query.get('tz') || '' };
}

/** {from, to} as YYYY-MM-DD for the filter (empty strings for "all"). */
export function dateBounds(f) {
  if (f.range === 'custom') return { from: f.from, to: f.to };
  const m = /^(\d+)d$/.exec(f.range);
  if (!m) return { from: '', to: '' };
  const today = todayIn(effectiveTz(f));
  return { from: addDays(today, -(Number(m[1]) - 1)), to: today };
}

/** Number of days (for /api/stats/daily?days=) that covers the filter, 1..3660. */
export function rangeDays(f, fallback = 366) {
  const { from } = dateBounds(f);
  if (!from) return fallback;
  const n = daysBetween(from, todayIn(effectiveTz(f))) + 1;
  return Math.max(1, Math.min(3660, n));
}

/** API parameters for the filter; `opts.dates=false` leaves out from/to, `opts.model=false` the model. */
export function filterParams(f, opts = {}) {
  const p = {};
  if (opts.dates !== false) Object.assign(p, dateBounds(f));
  if (f.project) p.project = f.project;
  if (f.model && opts.model !== false) p.model = f.model;
  if (f.tz) p.tz = f.tz;
  return p;
}

export function useFilters() {
  const route = useRoute();
  return readFilters(route.query);
}
