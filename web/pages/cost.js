// Cost: cost per day/week/month by model or project, token efficiency and cache savings, the
// price book in use (unpriced models called out), and budgets with progress, forecast and forms.
import { html, useEffect, useState } from '../html.js';
import { useApi, Async, Loading, ErrorBox } from '../components/states.js';
import { Section, Card } from '../components/card.js';
import { Money, Int, Pct } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable } from '../components/table.js';
import { seriesLines, tip } from '../components/charts.js';
import { Budgets } from '../components/budgetforms.js';
import { useFilters, filterParams } from '../filters.js';
import { useDailyParams } from '../components/daily.js';
import { setQuery, hrefWith } from '../router.js';
import { api } from '../api.js';
import { avg, daySpan, money, num } from '../format.js';

const TOP = 8;

export default function Cost({ route }) {
  const f = useFilters();
  const fp = filterParams(f);
  const gran = ['daily', 'weekly', 'monthly'].includes(route.query.get('gran')) ? route.query.get('gran') : 'daily';
  const by = route.query.get('by') === 'project' ? 'project' : 'model';
  const models = useApi('/api/stats/models', fp);
  const projects = useApi('/api/stats/projects', fp);
  const eff = useApi('/api/stats/token-efficiency', fp);
  const config = useApi('/api/config');

  return html`<div class="page">
    <h1>Cost</h1>
    <${Section} title="Cost over time" actions=${html`
      <div class="seg" role="group" aria-label="Granularity">
        ${['daily', 'weekly', 'monthly'].map((g) => html`<button type="button" class=${`seg-btn ${gran === g ? 'on' : ''}`} aria-pressed=${gran === g} onClick=${() => setQuery({ gran: g })}>${g}</button>`)}
      </div>
      <div class="seg" role="group" aria-label="Group by">
        ${['model', 'project'].map((g) => html`<button type="button" class=${`seg-btn ${by === g ? 'on' : ''}`} aria-pressed=${by === g} onClick=${() => setQuery({ by: g })}>by ${g}</button>`)}
      </div>`}>
      <${Async} res=${by === 'model' ? models : projects} what=${`cost by ${by}`}>${(d) => {
        const rows = (Array.isArray(d) ? d : d.models || d.projects || []).slice(0, TOP);
        return html`<${CostOverTime} f=${f} gran=${gran} by=${by} groups=${rows.map((r) => ({ key: by === 'model' ? r.name : r.path, label: r.name || r.path }))} />`;
      }}<//>
    <//>

    <div class="grid2">
      <${Section} title="Cost by model">
        <${Async} res=${models} what="model statistics">${(d) => html`<${DataTable} caption="Cost by model" rows=${Array.isArray(d) ? d : d.models || []} empty="No model usage in this range." columns=${[
          { key: 'name', label: 'Model', render: (r) => html`${r.name}${r.unpriced ? html` <span class="pill bad" title="No price in the price book: its cost is not counted">unpriced</span>` : ''}` },
          { key: 'messages', label: 'Messages', num: true, render: (r) => html`<${Int} v=${r.messages} />` },
          { key: 'total_tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.total_tokens} />` },
          { key: 'cost_usd', label: 'Cost', num: true, render: (r) => html`<${Money} v=${r.cost_usd} />` },
        ]} />`}<//>
      <//>
      <${Section} title="Cost by project">
        <${Async} res=${projects} what="project statistics">${(d) => html`<${DataTable} caption="Cost by project" rows=${Array.isArray(d) ? d : d.projects || []} empty="No projects in this range." columns=${[
          { key: 'name', label: 'Project', render: (r) => html`<a href=${hrefWith(`/projects/${encodeURIComponent(r.path)}`)} title=${r.path}>${r.name || r.path}</a>` },
          { key: 'sessions', label: 'Sessions', num: true, render: (r) => html`<${Int} v=${r.sessions} />` },
          { key: 'total_tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.total_tokens} />` },
          { key: 'cost_usd', label: 'Cost', num: true, render: (r) => html`<${Money} v=${r.cost_usd} />` },
        ]} />`}<//>
      <//>
    </div>

    <${Section} title="Token efficiency and cache savings">
      <${Async} res=${eff} what="token efficiency">${(d) => html`
        <div class="cards small">
          <${Card} id="cache_hit_rate" label="Cache hit rate" exact=${d.cache_hit_rate} value=${html`<${Pct} v=${d.cache_hit_rate} />`} />
          <${Card} id="cache_savings_usd" label="Cache savings" exact=${d.cache_savings_usd} value=${html`<${Money} v=${d.cache_savings_usd} />`} sub=${html`<${Int} v=${d.cache_savings_tokens} /> tokens read from cache`} />
          <${Card} id="avg_in" label="Avg input tokens / message" exact=${d.avg_input_tokens_per_message} value=${html`<span title=${String(d.avg_input_tokens_per_message)}>${avg(d.avg_input_tokens_per_message)}</span>`} />
          <${Card} id="avg_out" label="Avg output tokens / message" exact=${d.avg_output_tokens_per_message} value=${html`<span title=${String(d.avg_output_tokens_per_message)}>${avg(d.avg_output_tokens_per_message)}</span>`} />
          <${Card} id="avg_tool" label="Avg tokens / tool call" exact=${d.avg_tokens_per_tool_call} value=${html`<span title=${String(d.avg_tokens_per_tool_call)}>${avg(d.avg_tokens_per_tool_call)}</span>`} />
        </div>
        <${DataTable} caption="Efficiency by model" rows=${d.efficiency_by_model || []} empty="No assistant messages in this range." columns=${[
          { key: 'model', label: 'Model' },
          { key: 'messages', label: 'Messages', num: true, render: (r) => html`<${Int} v=${r.messages} />` },
          { key: 'cache_hit_rate', label: 'Cache hit rate', num: true, render: (r) => html`<${Pct} v=${r.cache_hit_rate} />` },
          { key: 'avg_input_tokens', label: 'Avg input tokens', num: true, render: (r) => html`<span title=${String(r.avg_input_tokens)}>${avg(r.avg_input_tokens)}</span>` },
          { key: 'avg_output_tokens', label: 'Avg output tokens', num: true, render: (r) => html`<span title=${String(r.avg_output_tokens)}>${avg(r.avg_output_tokens)}</span>` },
          { key: 'cache_read_tokens', label: 'Cache read tokens', num: true, render: (r) => html`<${Int} v=${r.cache_read_tokens} />` },
          { key: 'cache_savings_usd', label: 'Cache savings', num: true, render: (r) => html`<${Money} v=${r.cache_savings_usd} />` },
        ]} />`}<//>
    <//>

    <${Section} title="Price book in use" actions=${html`<a href=${hrefWith('/settings')}>Edit prices</a>`}>
      <${Async} res=${config} what="the configuration">${(c) => html`<${PriceBook} pricing=${c.pricing} models=${models.data} />`}<//>
    <//>

    <${Budgets} f=${f} />
  </div>`;
}

/**
 * Rows of /api/stats/daily per group, bucketed per day/week/month, as a stacked bar chart. The
 * days are exactly the filter's (all time for All), so each group's bars add up to its row in
 * the tables beside the chart.
 */
function CostOverTime({ f, gran, by, groups }) {
  const span = useDailyParams(f);
  const params = span.params;
  const key = JSON.stringify([groups.map((g) => g.key), params, by]);
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    if (!params) return undefined;
    let live = true;
    setState({ loading: true });
    Promise.all(groups.map((g) => api('/api/stats/daily', { params: { ...params, [by]: g.key } })))
      .then((res) => live && setState({ loading: false, series: res.map((d, i) => ({ g: groups[i], rows: Array.isArray(d) ? d : d.daily || d.days || [] })) }))
      .catch((error) => live && setState({ loading: false, error }));
    return () => { live = false; };
  }, [key]);
  if (!groups.length) return html`<div class="state empty">No cost in this range.</div>`;
  if (span.error) return html`<${ErrorBox} error=${span.error} what="the range of cost over time" onRetry=${span.reload} />`;
  if (state.error) return html`<${ErrorBox} error=${state.error} what="cost over time" />`;
  if (!params || state.loading) return html`<${Loading} label="Loading cost over time…" />`;
  const buckets = new Set();
  const series = state.series.map(({ g, rows }) => {
    const m = new Map();
    for (const r of rows) {
      const b = bucket(r.date, gran);
      buckets.add(b);
      m.set(b, (m.get(b) || 0) + (r.cost_usd || 0));
    }
    return { g, m };
  });
  const cats = [...buckets].sort();
  const option = {
    legend: { top: 24, type: 'scroll' },
    grid: { left: 60, right: 20, top: 64, bottom: 60 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps) => tip(ps[0].axisValue, seriesLines(ps.filter((p) => p.value), (v) => `${money(v)} (${+v.toFixed(6)})`)),
    },
    xAxis: { type: 'category', data: cats },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => `$${v}` } },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8 }],
    series: series.map(({ g, m }) => ({ name: g.label, type: 'bar', stack: 'cost', data: cats.map((c) => m.get(c) || 0) })),
  };
  const per = gran === 'daily' ? 'day' : gran === 'weekly' ? 'week (from Monday)' : 'month';
  return html`<${Chart} title=${`Cost per ${per} by ${by} (top ${TOP}), ${daySpan(state.series[0].rows)}`} option=${option} />`;
}

function bucket(date, gran) {
  if (gran === 'monthly') return date.slice(0, 7);
  if (gran === 'weekly') {
    const d = new Date(`${date}T00:00:00Z`);
    const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
    d.setUTCDate(d.getUTCDate() - dow);
    return d.toISOString().slice(0, 10);
  }
  return date;
}

// GET /api/config answers pricing = {as_of, source, models: [{family, input, output, cache_write_5m,
// cache_write_1h, cache_read, fast_multiplier?, us_only_multiplier?, long_context?: {threshold_tokens, ...}}]}.
const PRICE_COLS = [['input', 'Input'], ['output', 'Output'], ['cache_write_5m', 'Cache write 5m'], ['cache_write_1h', 'Cache write 1h'], ['cache_read', 'Cache read']];

function PriceBook({ pricing, models }) {
  const rows = (pricing && Array.isArray(pricing.models) ? pricing.models : []);
  const unpriced = ((models && (Array.isArray(models) ? models : models.models)) || []).filter((m) => m.unpriced);
  const price = (v) => (typeof v === 'number' ? html`<span title=${String(v)}>${num(v)}</span>` : '—');
  return html`
    ${unpriced.length > 0 && html`<div class="banner warn" role="alert"><strong>Unpriced models:</strong> ${unpriced.map((m) => m.name).join(', ')} — their usage is not counted in cost. <a href=${hrefWith('/settings')}>Add prices</a>.</div>`}
    <${DataTable} caption="Price book (USD per million tokens)" rows=${rows} empty="The price book is empty." columns=${[
      { key: 'family', label: 'Model family', render: (r) => html`<code>${r.family}</code>` },
      ...PRICE_COLS.map(([k, label]) => ({ key: k, label, num: true, render: (r) => price(r[k]) })),
      { key: 'long_context', label: 'Long context', sort: false, render: (r) => (r.long_context
        ? html`<span class="muted small" title=${JSON.stringify(r.long_context)}>over ${num(r.long_context.threshold_tokens)} tokens: in ${num(r.long_context.input)} · out ${num(r.long_context.output)}</span>`
        : '—') },
      { key: 'multipliers', label: 'Multipliers', sort: false, render: (r) => [r.fast_multiplier && `fast ×${r.fast_multiplier}`, r.us_only_multiplier && `US-only ×${r.us_only_multiplier}`].filter(Boolean).join(', ') || '—' },
    ]} />
    ${pricing && (pricing.as_of || pricing.source) && html`<p class="muted">${pricing.as_of ? `Prices as of ${pricing.as_of}. ` : ''}${pricing.source || ''}</p>`}`;
}
