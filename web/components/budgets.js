// Budget banners and progress bars (GET /api/budgets/status). A 501/404 means budgets are not in
// this server build yet: banners then stay quiet.
import { html } from '../html.js';
import { Money } from './num.js';
import { pct, isNum } from '../format.js';
import { useApi } from './states.js';

export function BudgetBanners() {
  const res = useApi('/api/budgets/status');
  if (res.error) {
    if (res.error.status === 501 || res.error.status === 404) return null;
    return html`<div class="banner warn" role="alert">Budget status unavailable: ${res.error.message}</div>`;
  }
  const list = (res.data && res.data.budgets) || [];
  const hot = list.filter((b) => b.status === 'warning' || b.status === 'exceeded');
  if (!hot.length) return null;
  return html`<div class="banners">${hot.map((b) => html`<div class=${`banner ${b.status === 'exceeded' ? 'bad' : 'warn'}`} role="alert" data-budget=${b.id}>
    <strong>${b.status === 'exceeded' ? 'Budget exceeded' : 'Budget warning'}:</strong>
    ${' '}${b.name} — <${Money} v=${b.current_spend} /> of <${Money} v=${b.amount} /> (${pct(budgetFraction(b))}) this ${periodWord(b.period)}${b.project ? ` for ${b.project}` : ''}.
    <a href="/cost#budgets">Budgets</a>
  </div>`)}</div>`;
}

export const periodWord = (p) => ({ daily: 'day', weekly: 'week', monthly: 'month' }[p] || p);

/** The share of the budget spent, as a fraction: spend / amount, else the API's percentage
 * (a percent, 0..100: 1.2 is 1.2 %, not 120 %). */
export function budgetFraction(b) {
  if (isNum(b.current_spend) && isNum(b.amount) && b.amount > 0) return b.current_spend / b.amount;
  return isNum(b.percentage) ? b.percentage / 100 : 0;
}

export function BudgetProgress({ b }) {
  const f = budgetFraction(b);
  const w = Math.min(100, Math.max(0, f * 100));
  const cls = b.status === 'exceeded' ? 'bad' : b.status === 'warning' ? 'warn' : 'ok';
  return html`<div class="progress" role="progressbar" aria-label=${`${b.name} budget used`}
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(f * 100)}>
    <div class=${`progress-fill ${cls}`} style=${{ width: `${w}%` }}></div>
    ${isNum(b.warning_threshold) && html`<div class="progress-mark" style=${{ left: `${Math.min(100, b.warning_threshold * 100)}%` }} title=${`Warning at ${pct(b.warning_threshold, 0)}`}></div>`}
  </div>`;
}
