// Sessions: a server-sorted, paged table; sort, page, text search, tag and "active only" live in
// the URL beside the global filter.
import { html, useState, useEffect } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { SessionTable } from '../components/sessiontable.js';
import { Pager } from '../components/table.js';
import { useFilters, filterParams } from '../filters.js';
import { setQuery } from '../router.js';

const LIMIT = 25;
const SORTS = { started_at: 'started_at', duration: 'duration', tokens: 'tokens', cost: 'cost', tool_calls: 'tool_calls' };

export default function Sessions({ route }) {
  const f = useFilters();
  const q = route.query;
  const sortKey = SORTS[q.get('sort')] ? q.get('sort') : 'started_at';
  const order = q.get('order') === 'asc' ? 'asc' : 'desc';
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const params = {
    ...filterParams(f), sort: sortKey, order, limit: LIMIT, offset,
    search: q.get('search') || '', tag: q.get('tag') || '', active: q.get('active') === 'true' ? 'true' : '',
  };
  const res = useApi('/api/sessions', params);
  const tags = useApi('/api/tags');
  const [text, setText] = useState(q.get('search') || '');
  useEffect(() => setText(q.get('search') || ''), [q.get('search')]);

  return html`<div class="page">
    <h1>Sessions</h1>
    <form class="toolbar" onSubmit=${(e) => { e.preventDefault(); setQuery({ search: text.trim(), offset: null }); }}>
      <input type="search" aria-label="Search sessions by message text" placeholder="Search in sessions…" value=${text} onInput=${(e) => setText(e.target.value)} />
      <button type="submit" class="btn">Filter</button>
      <label class="fl">Tag
        <select aria-label="Tag filter" value=${q.get('tag') || ''} onChange=${(e) => setQuery({ tag: e.target.value, offset: null })}>
          <option value="">Any tag</option>
          ${q.get('tag') && html`<option value=${q.get('tag')}>${q.get('tag')}</option>`}
          ${((tags.data && tags.data.tags) || []).filter((t) => t.tag !== q.get('tag')).map((t) => html`<option value=${t.tag}>${t.tag} (${t.count})</option>`)}
        </select>
      </label>
      <label class="fl check"><input type="checkbox" aria-label="Active sessions only" checked=${q.get('active') === 'true'}
        onChange=${(e) => setQuery({ active: e.target.checked ? 'true' : null, offset: null })} /> Active only</label>
    </form>
    <${Async} res=${res} what="sessions">${(d) => html`
      <${SessionTable} rows=${d.sessions || []} sort=${{ key: sortKey, order }}
        onSort=${(s) => setQuery({ sort: s.key, order: s.order, offset: null })} />
      <${Pager} total=${d.total} limit=${d.limit || LIMIT} offset=${d.offset || 0} onPage=${(o) => setQuery({ offset: o || null })} />`}<//>
  </div>`;
}
