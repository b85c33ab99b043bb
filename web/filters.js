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

/**
 * The zone that dates are shown in: the URL's tz, else the server's; '' is the browser's own
 * zone, whose dates Date's local fields give without Intl (a page's first use of Intl loads
 * ICU's data, 50-120 ms of the main thread on a small machine, before anything is shown).
 */
export function effectiveTz(f) { return (f && f.tz) || serverTz || ''; }

const zoneFmts = new Map();
/** Calendar fields {y, mo, d, h, mi, s} of Date `d` in `tz` ('' = local). Throws on a bad zone. */
export function fieldsIn(d, tz) {
  if (!tz) return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
  let fmt = zoneFmts.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFmts.set(tz, fmt);
  }
  const p = {};
  for (const x of fmt.formatToParts(d)) p[x.type] = Number(x.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour % 24, mi: p.minute, s: p.second };
}

export const pad2 = (n) => String(n).padStart(2, '0');

/** YYYY-MM-DD of Date `d` in `tz` ('' = local). Throws on a bad zone. */
export function ymdIn(d, tz) {
  const x = fieldsIn(d, tz);
  return `${String(x.y).padStart(4, '0')}-${pad2(x.mo)}-${pad2(x.d)}`;
}

export function todayIn(tz) {
  try {
    return ymdIn(new Date(), tz);
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

/**
 * /api/stats/daily parameters whose rows are exactly the filter's days: its from and to (the
 * server answers from..to, or from..today without a `to`; at most 3660 days). A range without
 * a start (All) names its first day with `first` (YYYY-MM-DD), else asks the `days` days up to
 * its end.
 */
export function dailyParams(f, { first = '', days = 366 } = {}) {
  const p = filterParams(f, { dates: false });
  const { from, to } = dateBounds(f);
  if (from || first) p.from = from || first;
  else p.days = days;
  if (to) p.to = to;
  return p;
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
