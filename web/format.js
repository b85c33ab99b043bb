// Number, money, date and duration formatting. Shown values are rounded for reading; the exact
// value the API sent goes into the title tooltip (see components/num.js).
import { dayFormatter, effectiveTz } from './filters.js';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const numFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

const moneyFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function money(v) {
  if (!isNum(v)) return '—';
  return (v < 0 ? '-$' : '$') + moneyFmt.format(Math.abs(v));
}
export const moneyExact = (v) => (isNum(v) ? `$${v}` : 'unknown');
export const int = (v) => (isNum(v) ? intFmt.format(v) : '—');
export const num = (v) => (isNum(v) ? numFmt.format(v) : '—');
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

// Formatters by style and zone: constructing one costs far more than formatting with it.
const dateFmts = new Map();
function fmtParts(ts, f, style, opts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  try {
    const tz = effectiveTz(f);
    const key = `${style} ${tz}`;
    let fmt = dateFmts.get(key);
    if (!fmt) dateFmts.set(key, (fmt = new Intl.DateTimeFormat('en-GB', { timeZone: tz, ...opts })));
    return fmt.format(d);
  } catch {
    return d.toISOString();
  }
}
export const dateTime = (ts, f) => fmtParts(ts, f, 'dt', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
export const timeOnly = (ts, f) => fmtParts(ts, f, 't', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const dateOnly = (ts, f) => fmtParts(ts, f, 'd', { year: 'numeric', month: 'short', day: '2-digit' });

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
    return dayFormatter(effectiveTz(f)).format(d);
  } catch {
    return d.toISOString().slice(0, 10);
  }
}
