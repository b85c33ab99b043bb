// Number, money, date and duration formatting. Shown values are rounded for reading; the exact
// value the API sent goes into the title tooltip (see components/num.js).
import { effectiveTz, fieldsIn, pad2, ymdIn } from './filters.js';
import { formatInt, formatMoneyDigits, formatNum, formatOneDecimal } from './numbers.js';

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export function money(v) {
  if (!isNum(v)) return '—';
  return (v < 0 ? '-$' : '$') + formatMoneyDigits(v);
}
export const moneyExact = (v) => (isNum(v) ? `$${v}` : 'unknown');
export const int = (v) => (isNum(v) ? formatInt(v) : '—');
export const num = (v) => (isNum(v) ? formatNum(v) : '—');
/** An average of a count (tokens per message): one decimal always, so a column lines up. */
export const avg = (v) => (isNum(v) ? formatOneDecimal(v) : '—');
/** "1 commit", "1,204 commits": a count with its noun. */
export const countOf = (n, one, many) => `${int(n)} ${n === 1 ? one : many}`;
/** "first – last (n days)" of a /api/stats/daily answer (oldest first). */
export function daySpan(rows) {
  if (!Array.isArray(rows) || !rows.length) return 'no days';
  return `${rows[0].date} – ${rows[rows.length - 1].date} (${countOf(rows.length, 'day', 'days')})`;
}
export function pct(v, digits = 1) {
  if (!isNum(v)) return '—';
  return `${(v * 100).toFixed(digits)}%`;
}
export function compact(v) {
  if (!isNum(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v * 100) / 100);
}
export function bytes(v) {
  if (!isNum(v)) return '—';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
  return `${i ? x.toFixed(1) : x} ${u[i]}`;
}

export function duration(seconds) {
  if (!isNum(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
export function ms(v) {
  if (!isNum(v)) return '—';
  if (v < 1000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(v < 10000 ? 2 : 1)} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// "05 Sep 2026, 07:03" (dt), "07:03:09" (t), "05 Sep 2026" (d), in the filter's zone.
function fmtParts(ts, f, style) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  try {
    const x = fieldsIn(d, effectiveTz(f));
    const day = `${pad2(x.d)} ${MONTHS[x.mo - 1]} ${x.y}`;
    if (style === 'd') return day;
    const time = `${pad2(x.h)}:${pad2(x.mi)}`;
    return style === 't' ? `${time}:${pad2(x.s)}` : `${day}, ${time}`;
  } catch {
    return d.toISOString();
  }
}
export const dateTime = (ts, f) => fmtParts(ts, f, 'dt');
export const timeOnly = (ts, f) => fmtParts(ts, f, 't');
export const dateOnly = (ts, f) => fmtParts(ts, f, 'd');

export function truncate(s, n = 120) {
  if (s == null) return '';
  const str = String(s);
  return str.length > n ? `${str.slice(0, n - 1)}…` : str;
}

export function shortModel(m) {
  return String(m || '').replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

/** The calendar day (YYYY-MM-DD) of a timestamp in the filter's time zone. */
export function dayIn(ts, f) {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return ymdIn(d, effectiveTz(f));
  } catch {
    return d.toISOString().slice(0, 10);
  }
}
