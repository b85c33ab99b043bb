// The sessions table used on Overview, Sessions and Project pages, and the Live page's table of
// active sessions (whose rows have fewer fields: GET /api/stats/active-sessions).
import { html } from '../html.js';
import { DataTable } from './table.js';
import { Money, Int } from './num.js';
import { hrefWith } from '../router.js';
import { dateTime, duration, shortModel, truncate } from '../format.js';
import { useFilters } from '../filters.js';

export function sessionLabel(s) {
  return s.title || s.first_prompt || `Session ${String(s.id).slice(0, 8)}`;
}

// A session's link (its title, else its first prompt) and its project, as both tables show them.
const sessionLink = (s) => html`<a href=${hrefWith(`/sessions/${encodeURIComponent(s.id)}`)} class="sess-link" title=${sessionLabel(s)}>${truncate(sessionLabel(s), 90)}</a>`;
const projectCell = (s) => html`<span title=${s.project_path || ''}>${s.project_name || s.project_path || '—'}</span>`;

export function SessionTable({ rows, compact = false, sort, onSort }) {
  const f = useFilters();
  const cols = [
    { key: 'title', label: 'Session', sort: false, render: (s) => html`${sessionLink(s)}${s.is_active ? html` <span class="pill live">active</span>` : null}` },
    { key: 'project', label: 'Project', sort: false, render: projectCell },
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

/** Seconds from the start to the last activity of a row; null when either time is unknown. */
export function activeSeconds(s) {
  const a = Date.parse(s.started_at);
  const b = Date.parse(s.last_activity_at);
  return Number.isNaN(a) || Number.isNaN(b) ? null : Math.max(0, b - a) / 1000;
}

/**
 * The rows of /api/stats/active-sessions: {id, project_path, project_name, title, git_branch,
 * started_at, last_activity_at, message_count, tool_call_count, total_tokens, estimated_cost_usd}.
 * Every row is active, so none is marked; the duration is the start to the last activity.
 */
export function ActiveSessionTable({ rows }) {
  const f = useFilters();
  const time = (ts) => html`<span title=${ts || ''}>${dateTime(ts, f)}</span>`;
  const cols = [
    { key: 'title', label: 'Session', sort: (s) => sessionLabel(s), render: sessionLink },
    { key: 'project', label: 'Project', sort: (s) => s.project_name || s.project_path, render: projectCell },
    { key: 'git_branch', label: 'Branch', render: (s) => s.git_branch || '—' },
    { key: 'started_at', label: 'Started', render: (s) => time(s.started_at) },
    { key: 'last_activity_at', label: 'Last activity', render: (s) => time(s.last_activity_at) },
    { key: 'duration', label: 'Duration', num: true, sort: activeSeconds, render: (s) => {
      const secs = activeSeconds(s);
      return html`<span class="num" title=${secs == null ? 'unknown' : `${secs} s`} data-value=${secs ?? ''}>${duration(secs)}</span>`;
    } },
    { key: 'message_count', label: 'Messages', num: true, render: (s) => html`<${Int} v=${s.message_count} />` },
    { key: 'tool_call_count', label: 'Tool calls', num: true, render: (s) => html`<${Int} v=${s.tool_call_count} />` },
    { key: 'total_tokens', label: 'Tokens', num: true, render: (s) => html`<${Int} v=${s.total_tokens} />` },
    { key: 'estimated_cost_usd', label: 'Cost', num: true, render: (s) => html`<${Money} v=${s.estimated_cost_usd} />` },
  ];
  return html`<${DataTable} caption="Active sessions" className="active-sessions" columns=${cols} rows=${rows}
    rowKey=${(s) => s.id} empty="No active sessions right now." />`;
}
