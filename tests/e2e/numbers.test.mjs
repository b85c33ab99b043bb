// The dashboard's number formatting (web/numbers.js) against Intl.NumberFormat('en-US'), which
// it replaces on the page load's path: the same text for integers, fractions, halves,
// negatives, zero and large values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInt, formatMoneyDigits, formatNum, formatOneDecimal } from '../../web/numbers.js';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const numFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const oneFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const moneyFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function values() {
  const out = [0, 1, -1, 0.4, 0.5, 0.6, 1.5, 2.5, -2.5, -0.4, 0.004, 0.005, 0.015, 1.005, 2.675, 999.995,
    999, 1000, 1001, 12345.678, -12345.678, 999999.999, 1e6, 1234567890123, 2 ** 53 - 1, 0.1 + 0.2, 1e-7, 5e-3];
  // A deterministic spread over magnitudes (a fixed LCG, no Math.random).
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const mag = 10 ** ((x % 13) - 3);
    out.push(((x / 2147483648) - 0.3) * mag);
  }
  return out;
}

test('integers, fractions, one decimal and money digits read as Intl.NumberFormat writes them', () => {
  for (const v of values()) {
    // Intl writes "-0" for a negative value that rounds to zero; the dashboard writes "0".
    const noNegZero = (s) => (/^-0(\.0+)?$/.test(s) ? s.slice(1) : s);
    assert.equal(formatInt(v), noNegZero(intFmt.format(v)), `int ${v}`);
    assert.equal(formatNum(v), noNegZero(numFmt.format(v)), `num ${v}`);
    assert.equal(formatOneDecimal(v), noNegZero(oneFmt.format(v)), `one decimal ${v}`);
    assert.equal(formatMoneyDigits(v), moneyFmt.format(Math.abs(v)), `money ${v}`);
  }
});
