// One session: header with totals, notes and tags, a zoomable timeline, the conversation
// (subagent messages nested under their agent), commits with Sync, and a comparison view.
import { html, useState, useEffect, useMemo } from '../html.js';
import { useApi, Async, ErrorBox, Loading } from '../components/states.js';
import { Section, Card } from '../components/card.js';
import { Money, Int } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable } from '../components/table.js';
import { Conversation } from '../components/conversation.js';
import { sessionLabel } from '../components/sessiontable.js';
import { api, wsUrl } from '../api.js';
import { useFilters } from '../filters.js';
import { hrefWith, setQuery } from '../router.js';
import { countOf, dateTime, duration, shortModel, money, int } from '../format.js';
import { timelineOption } from '../components/timeline.js';

export default function SessionPage({ id, route }) {
  const f = useFilters();
  const base = `/api/sessions/${encodeURIComponent(id)}`;
  const detail = useApi(base);
  const timeline = useApi(`${base}/timeline`);
  const compareId = route.query.get('compare') || '';
  const highlight = route.query.get('m') || '';

  return html`<div class="page session-page">
    <p class="crumbs"><a href=${hrefWith('/sessions')}>Sessions</a> › <span>${id}</span></p>
    <${Async} res=${detail} what="the session">${(d) => html`
      <${Header} s=${d.session} f=${f} />
      <${NotesTags} s=${d.session} url=${base} onSaved=${detail.reload} />
      <${Section} title="Timeline">
        <${Async} res=${timeline} what="the timeline">${(t) => (t.events && t.events.length
          ? html`<${Chart} title="Session timeline (drag or scroll to zoom)" height="md" option=${timelineOption(t, f)} />`
          : html`<div class="state empty">No timeline events.</div>`)}<//>
      <//>
      ${compareId ? html`<${Compare} a=${d.session} otherId=${compareId} />` : html`<${ComparePicker} s=${d.session} />`}
      <${Section} title=${`Conversation (${(d.messages || []).length} messages, ${(d.tool_calls || []).length} tool calls)`}>
        <${Conversation} detail=${d} highlight=${highlight} f=${f} />
      <//>
      <${Commits} id=${id} url=${base} />
    `}<//>
  </div>`;
}

function Header({ s, f }) {
  return html`<header class="session-head">
    <h1 class="session-title">${sessionLabel(s)}</h1>
    <p class="meta">
      <a href=${hrefWith(`/projects/${encodeURIComponent(s.project_path || '')}`)} title=${s.project_path || ''}>${s.project_name || s.project_path || 'unknown project'}</a>
      ${s.git_branch && html` · branch <code>${s.git_branch}</code>`}
      · started <span title=${s.started_at || ''}>${dateTime(s.started_at, f)}</span>
      · last activity <span title=${s.last_activity_at || ''}>${dateTime(s.last_activity_at, f)}</span>
      · ${duration(s.duration_seconds)}
      ${s.is_active ? html` · <span class="pill live">active</span>` : ''}
      ${s.claude_version && html` · Claude Code ${s.claude_version}`}
    </p>
    <p class="meta">Models: ${(s.models || []).map((m) => html`<span class="pill" title=${m}>${shortModel(m)}</span> `)}</p>
    <div class="cards small">
      <${Card} id="messages" label="Messages" exact=${s.message_count} value=${html`<${Int} v=${s.message_count} />`} sub=${html`<${Int} v=${s.user_prompt_count} /> prompts`} />
      <${Card} id="tool_calls" label="Tool calls" exact=${s.tool_call_count} value=${html`<${Int} v=${s.tool_call_count} />`} sub=${html`<${Int} v=${s.tool_error_count} /> errors`} />
      <${Card} id="subagents" label="Subagents" exact=${s.subagent_count} value=${html`<${Int} v=${s.subagent_count} />`} sub=${html`<${Int} v=${s.compaction_count} /> compactions`} />
      <${Card} id="total_tokens" label="Tokens" exact=${s.total_tokens} value=${html`<${Int} v=${s.total_tokens} />`}
        sub=${html`in <${Int} v=${s.input_tokens} /> · out <${Int} v=${s.output_tokens} /> · cache r <${Int} v=${s.cache_read_tokens} /> w <${Int} v=${s.cache_write_tokens} />`} />
      <${Card} id="cost" label="Estimated cost" exact=${s.estimated_cost_usd} value=${html`<${Money} v=${s.estimated_cost_usd} />`} />
    </div>
  </header>`;
}

function NotesTags({ s, url, onSaved }) {
  const [notes, setNotes] = useState(s.notes || '');
  const [tags, setTags] = useState((s.tags || []).join(', '));
  const [state, setState] = useState({ saving: false, error: null, saved: false });
  useEffect(() => { setNotes(s.notes || ''); setTags((s.tags || []).join(', ')); }, [s.id, s.notes, (s.tags || []).join(',')]);
  const save = async (e) => {
    e.preventDefault();
    setState({ saving: true, error: null, saved: false });
    try {
      const list = tags.split(',').map((t) => t.trim()).filter(Boolean);
      await api(url, { method: 'PATCH', body: { notes, tags: list } });
      setState({ saving: false, error: null, saved: true });
      onSaved && onSaved();
    } catch (err) {
      setState({ saving: false, error: err, saved: false });
    }
  };
  return html`<${Section} title="Notes and tags">
    <form class="notes-form" onSubmit=${save}>
      <label class="block">Notes
        <textarea aria-label="Session notes" name="notes" rows="3" value=${notes} onInput=${(e) => setNotes(e.target.value)}></textarea></label>
      <label class="block">Tags (comma separated)
        <input type="text" aria-label="Session tags" name="tags" value=${tags} onInput=${(e) => setTags(e.target.value)} /></label>
      <div class="row">
        <button type="submit" class="btn primary" disabled=${state.saving}>${state.saving ? 'Saving…' : 'Save notes and tags'}</button>
        ${state.saved && html`<span class="ok-text" role="status">Saved.</span>`}
      </div>
      ${state.error && html`<${ErrorBox} error=${state.error} what="saving" />`}
    </form>
  <//>`;
}

// Resolves with the server's GitSyncComplete event for this session's sync (null after
// `maxMs`, or when /ws cannot be opened). `ready` resolves once the socket listens, so the sync
// is requested only then and its end cannot be missed.
function awaitSyncComplete(id, maxMs = 120000) {
  let ws = null;
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const ready = new Promise((resolve) => {
    try {
      ws = new WebSocket(wsUrl('?events=GitSyncComplete'));
    } catch { resolve(); finish(null); return; }
    ws.onopen = () => resolve();
    ws.onmessage = (m) => {
      let ev = null;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (ev && ev.hook_event_name === 'GitSyncComplete' && (!ev.session_id || ev.session_id === id)) finish(ev);
    };
    ws.onclose = () => { resolve(); finish(null); };
  });
  const timer = setTimeout(() => finish(null), maxMs);
  done.then(() => { clearTimeout(timer); if (ws) ws.close(); });
  return { ready, done, cancel: () => finish(null) };
}

function syncSummary(ev) {
  if (!ev) return 'The sync has not reported back yet: press Refresh later.';
  const parts = [`Sync done: ${countOf(ev.commits || 0, 'commit', 'commits')} linked in ${countOf(ev.repos || 0, 'repository', 'repositories')}.`];
  const skipped = (ev.skipped || []).filter((x) => x && typeof x === 'object' && ev.session_id && x.session_id === ev.session_id);
  if (skipped.length) parts.push(`Skipped: ${skipped.map((x) => `${x.cwd} (${x.reason})`).join('; ')}.`);
  if ((ev.errors || []).length) parts.push(`Errors: ${ev.errors.join('; ')}.`);
  return parts.join(' ');
}

function Commits({ id, url }) {
  const f = useFilters();
  const res = useApi(`${url}/commits`);
  const [sync, setSync] = useState(null);
  const doSync = async () => {
    setSync({ busy: true });
    const end = awaitSyncComplete(id);
    try {
      await end.ready;
      const r = await api('/api/git-sync', { method: 'POST', params: { session_id: id }, body: {} });
      if (r && r.status === 'already_syncing') setSync({ busy: true, msg: 'A sync is already running: waiting for it.' });
      const ev = await end.done;
      res.reload();
      setSync({ busy: false, msg: syncSummary(ev) });
    } catch (e) {
      end.cancel();
      setSync({ busy: false, error: e });
    }
  };
  return html`<${Section} title="Commits" actions=${html`
      <button type="button" class="btn" onClick=${doSync} disabled=${sync && sync.busy} aria-label="Sync git commits for this session">${sync && sync.busy ? 'Syncing…' : 'Sync'}</button>
      <button type="button" class="btn" onClick=${res.reload} aria-label="Refresh commits">Refresh</button>`}>
    ${sync && sync.msg && html`<p class="ok-text" role="status">${sync.msg}</p>`}
    ${sync && sync.error && html`<${ErrorBox} error=${sync.error} what="git sync" />`}
    <${Async} res=${res} what="commits">${(d) => html`<${DataTable} caption="Commits" rows=${d.commits || []} empty="No commits linked to this session. Press Sync to look for them."
      columns=${[
        { key: 'hash', label: 'Commit', render: (c) => html`<code title=${c.hash}>${String(c.hash || '').slice(0, 10)}</code>` },
        { key: 'message', label: 'Message', render: (c) => html`<span title=${c.message}>${String(c.message || '').split('\n')[0]}</span>` },
        { key: 'author', label: 'Author' },
        { key: 'committed_at', label: 'When', render: (c) => html`<span title=${c.committed_at || ''}>${dateTime(c.committed_at, f)}</span>` },
        { key: 'files_changed', label: 'Files', num: true },
        { key: 'insertions', label: '+', num: true },
        { key: 'deletions', label: '−', num: true },
      ]} />`}<//>
  <//>`;
}

function ComparePicker({ s }) {
  const [open, setOpen] = useState(false);
  const list = useApi(open ? '/api/sessions' : null, { limit: 100, project: s.project_path || '' });
  if (!open) return html`<p><button type="button" class="btn" onClick=${() => setOpen(true)}>Compare with another session…</button></p>`;
  return html`<${Section} title="Compare with another session">
    <${Async} res=${list} what="sessions">${(d) => html`<label class="fl">Session to compare
      <select aria-label="Session to compare with" onChange=${(e) => e.target.value && setQuery({ compare: e.target.value })}>
        <option value="">Choose…</option>
        ${(d.sessions || []).filter((o) => o.id !== s.id).map((o) => html`<option value=${o.id}>${sessionLabel(o).slice(0, 80)} (${o.started_at ? o.started_at.slice(0, 10) : '?'})</option>`)}
      </select></label>`}<//>
  <//>`;
}

const CMP = [
  ['Duration', 'duration_seconds', duration], ['Messages', 'message_count', int], ['Prompts', 'user_prompt_count', int],
  ['Tool calls', 'tool_call_count', int], ['Tool errors', 'tool_error_count', int], ['Subagents', 'subagent_count', int],
  ['Compactions', 'compaction_count', int], ['Input tokens', 'input_tokens', int], ['Output tokens', 'output_tokens', int],
  ['Cache read tokens', 'cache_read_tokens', int], ['Cache write tokens', 'cache_write_tokens', int],
  ['Total tokens', 'total_tokens', int], ['Cost', 'estimated_cost_usd', money],
];

function Compare({ a, otherId }) {
  const res = useApi(`/api/sessions/${encodeURIComponent(otherId)}`);
  return html`<${Section} title="Comparison" actions=${html`<button type="button" class="btn" onClick=${() => setQuery({ compare: null })}>Close comparison</button>`}>
    <${Async} res=${res} what="the other session">${(d) => {
      const b = d.session;
      return html`<div class="table-wrap"><table class="data compare"><caption class="sr-only">Session comparison</caption>
        <thead><tr><th scope="col">Metric</th><th scope="col" class="num">This session</th>
          <th scope="col" class="num"><a href=${hrefWith(`/sessions/${encodeURIComponent(b.id)}`)}>${sessionLabel(b).slice(0, 40)}</a></th><th scope="col" class="num">Difference</th></tr></thead>
        <tbody>${CMP.map(([label, k, fmt]) => {
          const x = a[k]; const y = b[k];
          const diff = typeof x === 'number' && typeof y === 'number' ? y - x : null;
          return html`<tr><th scope="row">${label}</th><td class="num" title=${String(x)}>${fmt(x)}</td><td class="num" title=${String(y)}>${fmt(y)}</td>
            <td class=${`num ${diff > 0 ? 'up' : diff < 0 ? 'down' : ''}`}>${diff == null ? '—' : `${diff > 0 ? '+' : diff < 0 ? '−' : ''}${fmt(Math.abs(diff))}`}</td></tr>`;
        })}
        <tr><th scope="row">Models</th><td>${(a.models || []).join(', ')}</td><td>${(b.models || []).join(', ')}</td><td></td></tr>
        </tbody></table></div>`;
    }}<//>
  <//>`;
}
