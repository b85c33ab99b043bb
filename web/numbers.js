// Numbers as en-US writes them ("1,234,567.89"), without Intl.NumberFormat: a page's first use
// of Intl loads ICU's data, 50-120 ms of the main thread on a small machine at every page load,
// before anything can be shown. Same output as Intl.NumberFormat('en-US') with the options named
// below (tests/e2e/numbers.test.mjs compares them). No imports: Node can test it.

// Thousands separators in the integer part of a non-negative number's text.
function grouped(fixed) {
  const dot = fixed.indexOf('.');
  const whole = dot < 0 ? fixed : fixed.slice(0, dot);
  return whole.replace(/\B(?=(\d{3})+$)/g, ',') + (dot < 0 ? '' : fixed.slice(dot));
}

// The shortest decimal text that reads back as `a` (a >= 0), without an exponent: what ICU
// rounds, so 0.015 is "0.015" (and rounds to 0.02), not the binary value's 0.01499...
function plainDecimal(a) {
  const s = String(a);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const exp = Number(s.slice(e + 1));
  const [whole, frac = ''] = s.slice(0, e).split('.');
  const digits = whole + frac;
  const point = whole.length + exp;  // where the point goes in `digits`
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

// |v| rounded to `digits` fraction digits, half away from zero (Intl's default), as text with
// exactly `digits` fraction digits.
function roundedText(v, digits) {
  const [whole, frac = ''] = plainDecimal(Math.abs(v)).split('.');
  let kept = whole + frac.slice(0, digits).padEnd(digits, '0');
  if (frac.length > digits && frac[digits] >= '5') {
    const d = kept.split('');
    let i = d.length - 1;
    while (i >= 0 && d[i] === '9') d[i--] = '0';
    if (i < 0) d.unshift('1');
    else d[i] = String(Number(d[i]) + 1);
    kept = d.join('');
  }
  const cut = kept.length - digits;
  return digits ? `${kept.slice(0, cut)}.${kept.slice(cut)}` : kept;
}

// `v` rounded to `digits` fraction digits and grouped; `trim` drops trailing fraction zeros
// (maximumFractionDigits without a minimum).
function fixedGrouped(v, digits, trim) {
  let s = roundedText(v, digits);
  if (trim && s.includes('.')) s = s.replace(/\.?0+$/, '');
  const out = grouped(s);
  return v < 0 && /[1-9]/.test(out) ? `-${out}` : out;
}

/** { maximumFractionDigits: 0 } */
export const formatInt = (v) => fixedGrouped(v, 0, false);
/** { maximumFractionDigits: 2 } */
export const formatNum = (v) => fixedGrouped(v, 2, true);
/** { minimumFractionDigits: 1, maximumFractionDigits: 1 } */
export const formatOneDecimal = (v) => fixedGrouped(v, 1, false);
/** { minimumFractionDigits: 2, maximumFractionDigits: 2 } of |v|. */
export const formatMoneyDigits = (v) => grouped(roundedText(v, 2));
