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

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MAX_RANGE_DAYS = 3660;  // the longest span /api/stats/daily answers

/** Whether `s` is a calendar date (YYYY-MM-DD) that exists. */
export function isDate(s) {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCFullYear() === +m[1] && d.getUTCMonth() + 1 === +m[2] && d.getUTCDate() === +m[3];
}

/** Whether `tz` names a time zone the browser knows (an IANA name such as Europe/Paris). */
export function isTimeZone(tz) {
  try {
    fieldsIn(new Date(), tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with the filter a URL carries (a link edited by hand, or an old bookmark), as
 * [{param, value, message}], empty when nothing is. The server would answer each of the page's
 * requests with a 400 naming the same parameter; the shell says it once instead.
 */
export function filterProblems(f) {
  const out = [];
  const bad = (param, value, message) => out.push({ param, value, message });
  for (const k of ['from', 'to']) {
    if (f[k] && !isDate(f[k]) && !(RFC3339_RE.test(f[k]) && !Number.isNaN(Date.parse(f[k])))) {
      bad(k, f[k], `${k} must be a date (YYYY-MM-DD) or an RFC 3339 time`);
    }
  }
  if (!out.length && f.from && f.to) {
    const both = isDate(f.from) === isDate(f.to);
    const after = isDate(f.from) ? f.from > f.to : Date.parse(f.from) > Date.parse(f.to);
    if (both && after) bad('from', f.from, `from is after to (${f.to})`);
  }
  if (f.range !== 'custom' && !PRESETS.includes(f.range)) {
    const m = /^(\d+)d$/.exec(f.range);
    if (!m || +m[1] < 1 || +m[1] > MAX_RANGE_DAYS) bad('range', f.range, `range must be all or a number of days from 1d to ${MAX_RANGE_DAYS}d (${PRESETS.join(', ')})`);
  }
  if (f.tz && !isTimeZone(f.tz)) bad('tz', f.tz, 'tz must be a time zone name, such as Europe/Paris or UTC');
  return out;
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
