// Agents: subagent types, spawn frequency, cost per type, and the runs linked to their sessions.
// Aggregates are computed from the newest runs (up to 1000, the API's page limit) that the global
// filter selects: /api/subagents takes its from, to, tz, project and model (docs/api.md).
import { html, useEffect, useState } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { Section } from '../components/card.js';
import { Money, Int } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable, Pager } from '../components/table.js';
import { barOption, tip } from '../components/charts.js';
import { useFilters, filterParams } from '../filters.js';
import { hrefWith } from '../router.js';
import { dateTime, truncate, money, dayIn } from '../format.js';

const PAGE = 50;

export default function Agents() {
  const f = useFilters();
  const params = { ...filterParams(f), limit: 1000 };
  const res = useApi('/api/subagents', params);
  const [offset, setOffset] = useState(0);
  // Another filter is another list: start again at its first page.
  const key = JSON.stringify(params);
  useEffect(() => setOffset(0), [key]);
  return html`<div class="page">
    <h1>Agents</h1>
    ${f.model && html`<p class="muted">Model filter: runs of the sessions that used ${f.model}.</p>`}
    <${Async} res=${res} what="subagents">${(d) => {
      const runs = d.subagents || d.items || [];
      if (!runs.length) return html`<div class="state empty">No subagent runs in this range.</div>`;
      const types = aggregate(runs);
      const days = perDay(runs, f);
      return html`
        ${d.total > runs.length && html`<p class="muted">Charts use the newest ${runs.length} of ${d.total} runs.</p>`}
        <div class="grid2">
          <${Section} title="Runs per agent type">
            <${Chart} title="Subagent runs per type" option=${barOption(types.map((t) => t.type), types.map((t) => t.runs), { name: 'Runs' })} />
          <//>
          <${Section} title="Cost per agent type">
            <${Chart} title="Estimated cost per subagent type (USD)" option=${barOption(types.map((t) => t.type), types.map((t) => t.cost), { name: 'Cost', money: true })} />
          <//>
        </div>
        <${Section} title="Spawn frequency">
          <${Chart} title="Subagents spawned per day" height="sm" option=${spawnOption(days)} />
        <//>
        <${Section} title="Agent types">
          <${DataTable} caption="Agent types" rows=${types} columns=${[
            { key: 'type', label: 'Type' },
            { key: 'runs', label: 'Runs', num: true, render: (r) => html`<${Int} v=${r.runs} />` },
            { key: 'tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.tokens} />` },
            { key: 'cost', label: 'Cost', num: true, render: (r) => html`<${Money} v=${r.cost} />` },
            { key: 'avg', label: 'Avg cost / run', num: true, render: (r) => html`<${Money} v=${r.cost / r.runs} />`, sort: (r) => r.cost / r.runs },
          ]} />
        <//>
        <${Section} title="Agent runs">
          <${DataTable} caption="Agent runs" rows=${runs.slice(offset, offset + PAGE)} rowKey=${(r) => r.id} columns=${[
            { key: 'agent_type', label: 'Type' },
            { key: 'description', label: 'Description', render: (r) => html`<span title=${r.description || ''}>${truncate(r.description, 80) || '—'}</span>` },
            { key: 'session_id', label: 'Session', render: (r) => html`<a href=${hrefWith(`/sessions/${encodeURIComponent(r.session_id)}`)} title=${r.session_id}>${String(r.session_id).slice(0, 8)}</a>` },
            { key: 'started_at', label: 'Started', render: (r) => html`<span title=${r.started_at || ''}>${dateTime(r.started_at, f)}</span>` },
            { key: 'message_count', label: 'Messages', num: true, render: (r) => html`<${Int} v=${r.message_count} />` },
            { key: 'tool_call_count', label: 'Tool calls', num: true, render: (r) => html`<${Int} v=${r.tool_call_count} />` },
            { key: 'total_tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.total_tokens} />` },
            { key: 'estimated_cost_usd', label: 'Cost', num: true, render: (r) => html`<${Money} v=${r.estimated_cost_usd} />` },
          ]} />
          <${Pager} total=${runs.length} limit=${PAGE} offset=${offset} onPage=${setOffset} />
        <//>`;
    }}<//>
  </div>`;
}

function aggregate(runs) {
  const m = new Map();
  for (const r of runs) {
    const k = r.agent_type || '(unknown)';
    const a = m.get(k) || { type: k, runs: 0, tokens: 0, cost: 0 };
    a.runs += 1;
    a.tokens += r.total_tokens || 0;
    a.cost += r.estimated_cost_usd || 0;
    m.set(k, a);
  }
  return [...m.values()].sort((a, b) => b.runs - a.runs || a.type.localeCompare(b.type));
}

function perDay(runs, f) {
  const m = new Map();
  for (const r of runs) {
    const d = dayIn(r.started_at, f);
    if (d) m.set(d, (m.get(d) || 0) + 1);
  }
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

function spawnOption(days) {
  return {
    grid: { left: 50, right: 20, top: 40, bottom: 50 },
    tooltip: { trigger: 'axis', formatter: (ps) => tip(ps[0].axisValue, [`Spawned: ${ps[0].value}`]) },
    xAxis: { type: 'category', data: days.map((d) => d[0]) },
    yAxis: { type: 'value', minInterval: 1 },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
    series: [{ name: 'Spawned', type: 'bar', data: days.map((d) => d[1]) }],
  };
}

export { money };
