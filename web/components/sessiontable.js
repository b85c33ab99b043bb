// The sessions table used on Overview, Sessions and Project pages.
import { html } from '../html.js';
import { DataTable } from './table.js';
import { Money, Int } from './num.js';
import { hrefWith } from '../router.js';
import { dateTime, duration, shortModel, truncate } from '../format.js';
import { useFilters } from '../filters.js';

export function sessionLabel(s) {
  return s.title || s.first_prompt || `Session ${String(s.id).slice(0, 8)}`;
}

export function SessionTable({ rows, compact = false, sort, onSort }) {
  const f = useFilters();
  const cols = [
    { key: 'title', label: 'Session', sort: false, render: (s) => html`<a href=${hrefWith(`/sessions/${encodeURIComponent(s.id)}`)} class="sess-link" title=${sessionLabel(s)}>${truncate(sessionLabel(s), 90)}</a>${s.is_active ? html` <span class="pill live">active</span>` : null}` },
    { key: 'project', label: 'Project', sort: false, render: (s) => html`<span title=${s.project_path || ''}>${s.project_name || s.project_path || '—'}</span>` },
    { key: 'started_at', label: 'Started', render: (s) => html`<span title=${s.started_at || ''}>${dateTime(s.started_at, f)}</span>` },
    { key: 'duration', label: 'Duration', num: true, render: (s) => duration(s.duration_seconds) },
    ...(compact ? [] : [{ key: 'models', label: 'Models', sort: false, render: (s) => (s.models || []).map(shortModel).join(', ') || '—' }]),
    ...(compact ? [] : [{ key: 'tool_calls', label: 'Tools', num: true, render: (s) => html`<${Int} v=${s.tool_call_count} />` }]),
    { key: 'tokens', label: 'Tokens', num: true, render: (s) => html`<${Int} v=${s.total_tokens} />` },
    { key: 'cost', label: 'Cost', num: true, render: (s) => html`<${Money} v=${s.estimated_cost_usd} />` },
    ...(compact ? [] : [{ key: 'tags', label: 'Tags', sort: false, render: (s) => (s.tags || []).map((t) => html`<a class="tag" href=${hrefWith('/sessions', { tag: t })}>${t}</a> `) }]),
  ];
  // local sort getters for the compact (client-sorted) table
  const getters = { started_at: (s) => s.started_at, duration: (s) => s.duration_seconds, tokens: (s) => s.total_tokens, cost: (s) => s.estimated_cost_usd, tool_calls: (s) => s.tool_call_count };
  for (const c of cols) if (c.sort !== false && getters[c.key]) c.sort = getters[c.key];
  return html`<${DataTable} caption="Sessions" className="sessions" columns=${cols} rows=${rows} sort=${sort} onSort=${onSort}
    rowKey=${(s) => s.id} empty="No sessions match this filter." />`;
}
