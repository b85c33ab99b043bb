// Budgets on the Cost page: status with progress bars and the API's forecast to the end of the
// period (forecast_spend, extrapolated on the server's clock), and the create / edit / delete
// forms (/api/budgets).
import { html, useState } from '../html.js';
import { useApi, Async, ErrorBox } from './states.js';
import { Section, Card } from './card.js';
import { Money } from './num.js';
import { BudgetProgress, budgetFraction, periodWord } from './budgets.js';
import { api } from '../api.js';
import { money, moneyExact, pct, dateTime, isNum } from '../format.js';
import { filterParams } from '../filters.js';

export function Budgets({ f }) {
  const status = useApi('/api/budgets/status');
  const last30 = useApi('/api/stats/daily', { ...filterParams(f, { dates: false }), days: 30 });
  const [editing, setEditing] = useState(null); // null | 'new' | budget
  const [msg, setMsg] = useState(null);

  const del = async (b) => {
    if (!window.confirm(`Delete the budget "${b.name}"?`)) return;
    try { await api(`/api/budgets/${encodeURIComponent(b.id)}`, { method: 'DELETE' }); setMsg({ ok: `Deleted "${b.name}".` }); status.reload(); } catch (e) { setMsg({ error: e }); }
  };

  const rows = (last30.data && (Array.isArray(last30.data) ? last30.data : last30.data.daily)) || [];
  const avg = rows.length ? rows.reduce((a, r) => a + (r.cost_usd || 0), 0) / rows.length : null;

  return html`<${Section} title="Budgets" id="budgets" actions=${html`<button type="button" class="btn primary" onClick=${() => setEditing('new')}>New budget</button>`}>
    ${avg != null && html`<div class="cards small">
      <${Card} id="avg_daily" label="Average daily cost (30 days)" exact=${avg} value=${html`<${Money} v=${avg} />`} />
      <${Card} id="forecast_30" label="Forecast, next 30 days" exact=${avg * 30} value=${html`<${Money} v=${avg * 30} />`} sub="at the 30-day average" />
    </div>`}
    ${msg && msg.ok && html`<p class="ok-text" role="status">${msg.ok}</p>`}
    ${msg && msg.error && html`<${ErrorBox} error=${msg.error} what="the budget change" />`}
    ${editing && html`<${BudgetForm} budget=${editing === 'new' ? null : editing} onDone=${(text) => { setEditing(null); if (text) { setMsg({ ok: text }); status.reload(); } }} />`}
    ${status.error && status.error.status === 501
      ? html`<div class="state empty">Budgets are not available in this server build yet.</div>`
      : html`<${Async} res=${status} what="budgets">${(d) => {
        const list = d.budgets || [];
        if (!list.length) return html`<div class="state empty">No budgets yet. Create one to get warnings before you overspend.</div>`;
        return html`<ul class="budgets">${list.map((b) => {
          const fc = isNum(b.forecast_spend) ? b.forecast_spend : null;
          const over = fc != null && isNum(b.amount) && fc > b.amount;
          return html`<li class="budget" data-budget=${b.id}>
            <div class="budget-head">
              <strong>${b.name}</strong>
              <span class=${`pill ${b.status === 'exceeded' ? 'bad' : b.status === 'warning' ? 'warn' : 'ok'}`}>${b.status}</span>
              <span class="muted">${b.period} · ${b.project ? b.project : 'all projects'} · warn at ${pct(b.warning_threshold, 0)}</span>
              <span class="spacer"></span>
              <button type="button" class="btn small" onClick=${() => setEditing(b)} aria-label=${`Edit budget ${b.name}`}>Edit</button>
              <button type="button" class="btn small danger" onClick=${() => del(b)} aria-label=${`Delete budget ${b.name}`}>Delete</button>
            </div>
            <${BudgetProgress} b=${b} />
            <div class="budget-foot">
              <span><${Money} v=${b.current_spend} /> of <${Money} v=${b.amount} /> (${pct(budgetFraction(b))}) this ${periodWord(b.period)}</span>
              ${b.period_start && html`<span class="muted">period ${dateTime(b.period_start, f)} – ${dateTime(b.period_end, f)}</span>`}
              ${fc != null && html`<span class=${`forecast ${over ? 'bad-text' : 'muted'}`} title=${moneyExact(fc)} data-value=${fc}>forecast ${money(fc)} by period end${over ? ' — over budget' : ''}</span>`}
            </div>
          </li>`;
        })}</ul>`;
      }}<//>`}
  <//>`;
}

function BudgetForm({ budget, onDone }) {
  const [v, setV] = useState({
    name: budget ? budget.name : '',
    amount: budget ? String(budget.amount) : '',
    period: budget ? budget.period : 'monthly',
    warning_threshold: budget ? String(budget.warning_threshold ?? 0.8) : '0.8',
    project: budget ? budget.project || '' : '',
  });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const projects = useApi('/api/projects');
  const set = (k) => (e) => setV({ ...v, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { name: v.name.trim(), amount: Number(v.amount), period: v.period, warning_threshold: Number(v.warning_threshold), project: v.project };
    if (!body.name) return setErr({ message: 'Give the budget a name.', field: 'name' });
    if (!(body.amount > 0)) return setErr({ message: 'The amount must be a positive number of dollars.', field: 'amount' });
    if (!(body.warning_threshold > 0 && body.warning_threshold <= 1)) return setErr({ message: 'The warning threshold must be above 0 and at most 1.', field: 'warning_threshold' });
    setBusy(true);
    setErr(null);
    try {
      if (budget) await api(`/api/budgets/${encodeURIComponent(budget.id)}`, { method: 'PUT', body });
      else await api('/api/budgets', { method: 'POST', body });
      onDone(budget ? `Saved "${body.name}".` : `Created "${body.name}".`);
    } catch (e2) {
      setErr(e2);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="budget-form" onSubmit=${submit} aria-label=${budget ? 'Edit budget' : 'New budget'}>
    <h3>${budget ? `Edit budget "${budget.name}"` : 'New budget'}</h3>
    <div class="form-grid">
      <label>Name <input required aria-label="Budget name" name="name" value=${v.name} onInput=${set('name')} aria-invalid=${err && err.field === 'name'} /></label>
      <label>Amount (USD) <input required type="number" min="0.01" step="0.01" aria-label="Budget amount in USD" name="amount" value=${v.amount} onInput=${set('amount')} aria-invalid=${err && err.field === 'amount'} /></label>
      <label>Period <select aria-label="Budget period" name="period" value=${v.period} onChange=${set('period')}>
        <option value="daily">daily</option><option value="weekly">weekly</option><option value="monthly">monthly</option></select></label>
      <label>Warning threshold (0–1) <input type="number" min="0.01" max="1" step="0.01" aria-label="Warning threshold" name="warning_threshold" value=${v.warning_threshold} onInput=${set('warning_threshold')} aria-invalid=${err && err.field === 'warning_threshold'} /></label>
      <label>Project <select aria-label="Budget project" name="project" value=${v.project} onChange=${set('project')}>
        <option value="">All projects</option>
        ${v.project && !((projects.data && projects.data.projects) || []).some((p) => p.path === v.project) && html`<option value=${v.project}>${v.project}</option>`}
        ${((projects.data && projects.data.projects) || []).map((p) => html`<option value=${p.path}>${p.name || p.path}</option>`)}
      </select></label>
    </div>
    ${err && html`<${ErrorBox} error=${err} what=${null} />`}
    <div class="row">
      <button type="submit" class="btn primary" disabled=${busy}>${busy ? 'Saving…' : budget ? 'Save budget' : 'Create budget'}</button>
      <button type="button" class="btn" onClick=${() => onDone(null)}>Cancel</button>
    </div>
  </form>`;
}
