// One project: cost over time, a treemap of the files Claude touched, top files and directories,
// its sessions, and the commits linked to its recent sessions.
import { html, useEffect, useState } from '../html.js';
import { useApi, Async, Loading, ErrorBox } from '../components/states.js';
import { Section } from '../components/card.js';
import { Int } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable } from '../components/table.js';
import { SessionTable } from '../components/sessiontable.js';
import { costLineOption, tip } from '../components/charts.js';
import { useFilters, filterParams } from '../filters.js';
import { useDailyParams } from '../components/daily.js';
import { hrefWith } from '../router.js';
import { api } from '../api.js';
import { dateTime, daySpan } from '../format.js';

export default function Project({ id }) {
  const f = useFilters();
  const project = id;
  const pf = { ...f, project };
  const span = useDailyParams(pf);  // the filter's days exactly (all time for All)
  const daily = useApi(span.params && '/api/stats/daily', span.params);
  const heat = useApi('/api/stats/file-heatmap', { ...filterParams(pf) });
  const sessions = useApi('/api/sessions', { ...filterParams(pf), limit: 25 });
  const breakdown = useApi('/api/stats/project-breakdown', { ...filterParams(pf) });

  return html`<div class="page">
    <p class="crumbs"><a href=${hrefWith('/projects')}>Projects</a> › <span>${project}</span></p>
    <h1 title=${project}>${project.split('/').filter(Boolean).pop() || project}</h1>
    <p class="muted"><code>${project}</code> · <a href=${hrefWith('/', { project })}>Filter the whole dashboard by this project</a></p>
    <${Section} title="Cost over time">
      <${Async} res=${span.params ? daily : span} what="daily cost">${(d) => html`<${Chart} title=${`Cost per day, ${daySpan(d)}`} option=${costLineOption(d)} />`}<//>
    <//>
    <${Section} title="Files">
      <${Async} res=${heat} what="the file heatmap">${(d) => (d.files && d.files.length ? html`
        <${Chart} title="File activity (size = reads + writes + edits + searches)" height="lg" option=${treemapOption(d.files)} />
        <div class="grid2">
          <div><h3>Top files</h3><${DataTable} caption="Top files" rows=${d.files} columns=${[
            { key: 'path', label: 'File', render: (r) => html`<code class="wrap">${r.path}</code>` },
            { key: 'reads', label: 'Reads', num: true }, { key: 'writes', label: 'Writes', num: true },
            { key: 'edits', label: 'Edits', num: true }, { key: 'searches', label: 'Searches', num: true },
            { key: 'total', label: 'Total', num: true, render: (r) => html`<${Int} v=${r.total} />` },
          ]} /></div>
          <div><h3>Top directories</h3><${DataTable} caption="Top directories" rows=${d.directories || []} columns=${[
            { key: 'path', label: 'Directory', render: (r) => html`<code class="wrap">${r.path || '.'}</code>` },
            { key: 'total', label: 'Total', num: true, render: (r) => html`<${Int} v=${r.total} />` },
          ]} /></div>
        </div>` : html`<div class="state empty">No file activity recorded for this project.</div>`)}<//>
    <//>
    <${Section} title="Tools, skills and agents">
      <${Async} res=${breakdown} what="the project breakdown">${(d) => html`<div class="grid4">
        ${[['tools', 'Tools'], ['skills', 'Skills'], ['mcp_servers', 'MCP servers'], ['agents', 'Subagent types']].map(([k, label]) => html`<div><h3>${label}</h3>
          <${DataTable} caption=${label} rows=${d[k] || []} empty="None." columns=${[{ key: 'name', label: 'Name' }, { key: 'count', label: 'Count', num: true }]} /></div>`)}
      </div>`}<//>
    <//>
    <${Section} title="Sessions" actions=${html`<a href=${hrefWith('/sessions', { project })}>All sessions of this project</a>`}>
      <${Async} res=${sessions} what="sessions">${(d) => html`<${SessionTable} rows=${d.sessions || []} />`}<//>
    <//>
    <${ProjectCommits} sessions=${sessions.data && sessions.data.sessions} />
  </div>`;
}

function ProjectCommits({ sessions }) {
  const [state, setState] = useState({ loading: true, commits: [], error: null });
  const f = useFilters();
  const ids = (sessions || []).slice(0, 10).map((s) => s.id);
  // Before the sessions arrive the key is null, so that an empty list (a project without
  // sessions in range) still runs the effect and ends the loading state.
  const key = sessions ? ids.join(',') : null;
  useEffect(() => {
    if (!sessions) return;
    let live = true;
    setState({ loading: true, commits: [], error: null });
    Promise.all(ids.map((id) => api(`/api/sessions/${encodeURIComponent(id)}/commits`).then((d) => (d.commits || []).map((c) => ({ ...c, session_id: id })))))
      .then((lists) => {
        const seen = new Map();
        for (const c of lists.flat()) if (!seen.has(c.hash)) seen.set(c.hash, c);
        const commits = [...seen.values()].sort((a, b) => String(b.committed_at).localeCompare(String(a.committed_at)));
        if (live) setState({ loading: false, commits, error: null });
      })
      .catch((error) => live && setState({ loading: false, commits: [], error }));
    return () => { live = false; };
  }, [key]);
  return html`<${Section} title="Commits (from the 10 most recent sessions)">
    ${state.error ? html`<${ErrorBox} error=${state.error} what="commits" />`
      : state.loading ? html`<${Loading} label="Loading commits…" />`
      : html`<${DataTable} caption="Commits" rows=${state.commits} empty="No commits linked to these sessions (use Sync on a session page)." columns=${[
        { key: 'hash', label: 'Commit', render: (c) => html`<code title=${c.hash}>${String(c.hash).slice(0, 10)}</code>` },
        { key: 'message', label: 'Message', render: (c) => String(c.message || '').split('\n')[0] },
        { key: 'author', label: 'Author' },
        { key: 'committed_at', label: 'When', render: (c) => html`<span title=${c.committed_at || ''}>${dateTime(c.committed_at, f)}</span>` },
        { key: 'session_id', label: 'Session', render: (c) => html`<a href=${hrefWith(`/sessions/${encodeURIComponent(c.session_id)}`)}>${c.session_id.slice(0, 8)}</a>` },
      ]} />`}
  <//>`;
}

function treemapOption(files) {
  // Nest files by directory so the treemap groups them.
  const root = { name: '', children: new Map() };
  for (const f of files) {
    const parts = String(f.path).split('/').filter(Boolean);
    let node = root;
    parts.forEach((p, i) => {
      if (!node.children.has(p)) node.children.set(p, { name: p, children: new Map() });
      node = node.children.get(p);
      if (i === parts.length - 1) { node.value = f.total; node.file = f; }
    });
  }
  const conv = (n) => {
    const kids = [...n.children.values()].map(conv);
    return kids.length ? { name: n.name, children: kids } : { name: n.name, value: n.value || 0, file: n.file };
  };
  return {
    tooltip: {
      formatter: (p) => {
        const f = p.data && p.data.file;
        if (!f) return tip(`${p.name}: ${p.value}`);
        return tip(f.path, [`reads ${f.reads} · writes ${f.writes} · edits ${f.edits} · searches ${f.searches}`, `total ${f.total}`]);
      },
    },
    series: [{ type: 'treemap', top: 40, roam: false, leafDepth: null, breadcrumb: { show: true }, data: conv(root).children || [], label: { show: true, formatter: '{b}' }, upperLabel: { show: true, height: 18 } }],
  };
}
