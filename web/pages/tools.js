// Tools: calls, error rate and p95 duration per tool; error patterns and trend; MCP servers; skills.
import { html } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { Section, Card } from '../components/card.js';
import { Int, Pct, Bar } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable } from '../components/table.js';
import { barOption, seriesLines, tip } from '../components/charts.js';
import { useFilters, filterParams } from '../filters.js';
import { ms, pct } from '../format.js';

export default function Tools() {
  const f = useFilters();
  const fp = filterParams(f);
  const tools = useApi('/api/stats/tools', fp);
  const errors = useApi('/api/stats/errors', fp);
  const mcp = useApi('/api/stats/mcp', fp);
  const skills = useApi('/api/stats/skills', fp);

  return html`<div class="page">
    <h1>Tools</h1>
    <${Section} title="Tool usage">
      <${Async} res=${tools} what="tool statistics">${(d) => {
        const rows = Array.isArray(d) ? d : d.tools || [];
        if (!rows.length) return html`<div class="state empty">No tool calls in this range.</div>`;
        const top = rows.slice(0, 15);
        return html`
          <${Chart} title="Calls per tool (top 15)" option=${barOption(top.map((r) => r.name), top.map((r) => r.calls), { name: 'Calls' })} />
          <${DataTable} caption="Tools" rows=${rows} columns=${[
            { key: 'name', label: 'Tool' },
            { key: 'calls', label: 'Calls', num: true, render: (r) => html`<${Int} v=${r.calls} />` },
            { key: 'errors', label: 'Errors', num: true, render: (r) => html`<${Int} v=${r.errors} />` },
            { key: 'error_rate', label: 'Error rate', num: true, sort: errRate, render: (r) => html`<span title=${String(errRate(r))}>${pct(errRate(r))}</span>` },
            { key: 'avg_duration_ms', label: 'Avg duration', num: true, render: (r) => html`<span title=${String(r.avg_duration_ms)}>${ms(r.avg_duration_ms)}</span>` },
            { key: 'p95_duration_ms', label: 'p95 duration', num: true, render: (r) => html`<span title=${String(r.p95_duration_ms)}>${ms(r.p95_duration_ms)}</span>` },
          ]} />`;
      }}<//>
    <//>

    <${Section} title="Errors">
      <${Async} res=${errors} what="error analysis">${(d) => html`
        <div class="cards small">
          <${Card} id="total_errors" label="Tool errors" exact=${d.total_errors} value=${html`<${Int} v=${d.total_errors} />`} sub=${html`of <${Int} v=${d.total_calls} /> calls`} />
          <${Card} id="error_rate" label="Error rate" exact=${d.error_rate} value=${html`<${Pct} v=${d.error_rate} />`} />
        </div>
        <${Chart} title="Tool errors per day, last 30 days" height="sm" option=${trendOption(d.error_trend || [])} />
        <div class="grid2">
          <div><h3>Errors by tool</h3>
          <${DataTable} caption="Errors by tool" rows=${d.errors_by_tool || []} empty="No tool errors." columns=${[
            { key: 'tool', label: 'Tool' },
            { key: 'errors', label: 'Errors', num: true, render: (r) => html`<${Int} v=${r.errors} />` },
            { key: 'total', label: 'Calls', num: true, render: (r) => html`<${Int} v=${r.total} />` },
            { key: 'rate', label: 'Rate', num: true, render: (r) => html`<${Pct} v=${r.rate} />` },
          ]} /></div>
          <div><h3>Common error patterns</h3>
          <${DataTable} caption="Common errors" rows=${d.common_errors || []} empty="No error patterns." columns=${[
            { key: 'pattern', label: 'Pattern', render: (r) => html`<code class="wrap">${r.pattern}</code>` },
            { key: 'count', label: 'Count', num: true, render: (r) => html`<${Int} v=${r.count} />` },
            { key: 'tools', label: 'Tools', sort: false, render: (r) => (r.tools || []).join(', ') },
          ]} /></div>
        </div>`}<//>
    <//>

    <div class="grid2">
      <${Section} title="MCP servers">
        <${Async} res=${mcp} what="MCP statistics">${(d) => {
          const rows = d.servers || [];
          return html`<${DataTable} caption="MCP servers" rows=${rows} empty="No MCP tool calls in this range." columns=${[
            { key: 'name', label: 'Server' },
            { key: 'calls', label: 'Calls', num: true, render: (r) => html`<${Int} v=${r.calls} />` },
            { key: 'errors', label: 'Errors', num: true, render: (r) => html`<${Int} v=${r.errors} />` },
            { key: 'tools', label: 'Tools', sort: false, render: (r) => html`<ul class="plain">${(r.tools || []).map((t) => html`<li>${t.name} <span class="muted">(${t.calls})</span></li>`)}</ul>` },
          ]} />`;
        }}<//>
      <//>
      <${Section} title="Skills and slash commands">
        <${Async} res=${skills} what="skill statistics">${(d) => {
          const rows = Array.isArray(d) ? d : d.skills || [];
          const max = Math.max(0, ...rows.map((r) => r.count || 0));
          return html`<${DataTable} caption="Skills" rows=${rows} empty="No skills or slash commands in this range." columns=${[
            { key: 'name', label: 'Skill' },
            { key: 'source', label: 'Source' },
            { key: 'count', label: 'Uses', num: true, render: (r) => html`<${Bar} value=${r.count} max=${max} /> <${Int} v=${r.count} />` },
          ]} />`;
        }}<//>
      <//>
    </div>
  </div>`;
}

function errRate(r) {
  if (typeof r.calls === 'number' && r.calls > 0 && typeof r.errors === 'number') return r.errors / r.calls;
  if (typeof r.success_rate === 'number') return 1 - r.success_rate;
  return null;
}

function trendOption(rows) {
  return {
    legend: { top: 24 },
    grid: { left: 50, right: 50, top: 60, bottom: 30 },
    tooltip: { trigger: 'axis', formatter: (ps) => tip(ps[0].axisValue, seriesLines(ps, (v) => v)) },
    xAxis: { type: 'category', data: rows.map((r) => r.date) },
    yAxis: [{ type: 'value', name: 'errors', minInterval: 1 }, { type: 'value', name: 'calls', minInterval: 1 }],
    series: [
      { name: 'Errors', type: 'bar', data: rows.map((r) => r.errors || 0), itemStyle: { color: '#dc2626' } },
      { name: 'Calls', type: 'line', yAxisIndex: 1, data: rows.map((r) => r.total || 0) },
    ],
  };
}
