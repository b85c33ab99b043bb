// Projects: every project with sessions, tokens and cost in the filter's range.
import { html } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { Money, Int, Bar } from '../components/num.js';
import { DataTable } from '../components/table.js';
import { useFilters, filterParams } from '../filters.js';
import { hrefWith } from '../router.js';
import { dateTime } from '../format.js';

export default function Projects() {
  const f = useFilters();
  const res = useApi('/api/stats/projects', filterParams(f));
  return html`<div class="page">
    <h1>Projects</h1>
    <${Async} res=${res} what="projects">${(d) => {
      const rows = Array.isArray(d) ? d : d.projects || [];
      const max = Math.max(0, ...rows.map((r) => r.cost_usd || 0));
      return html`<${DataTable} caption="Projects" rows=${rows} rowKey=${(r) => r.path} empty="No projects in this range." columns=${[
        { key: 'name', label: 'Project', render: (r) => html`<a href=${hrefWith(`/projects/${encodeURIComponent(r.path)}`)} title=${r.path}>${r.name || r.path}</a><div class="muted small">${r.path}</div>` },
        { key: 'sessions', label: 'Sessions', num: true, render: (r) => html`<${Int} v=${r.sessions} />` },
        { key: 'messages', label: 'Messages', num: true, render: (r) => html`<${Int} v=${r.messages} />` },
        { key: 'total_tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.total_tokens} />` },
        { key: 'cost_usd', label: 'Cost', num: true, render: (r) => html`<${Bar} value=${r.cost_usd} max=${max} /> <${Money} v=${r.cost_usd} />` },
        { key: 'last_activity_at', label: 'Last activity', render: (r) => html`<span title=${r.last_activity_at || ''}>${dateTime(r.last_activity_at, f)}</span>` },
      ]} />`;
    }}<//>
  </div>`;
}
