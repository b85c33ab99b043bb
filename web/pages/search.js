// Search results (GET /api/search?q=): each result opens its message in the session page.
import { html } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { hrefWith } from '../router.js';
import { useFilters } from '../filters.js';
import { dateTime, truncate } from '../format.js';

export default function Search({ route }) {
  const f = useFilters();
  const q = route.query.get('q') || '';
  const res = useApi(q ? '/api/search' : null, { q, limit: 100, project: f.project, tz: f.tz });
  return html`<div class="page">
    <h1>Search</h1>
    ${!q ? html`<div class="state empty">Type words in the search box above and press Enter. Use "quotes" for a phrase.</div>`
      : html`<${Async} res=${res} what="search results">${(d) => {
        const list = d.results || [];
        if (!list.length) return html`<div class="state empty">No messages contain “${q}”.</div>`;
        return html`<p class="muted" role="status">${d.total ?? list.length} results for “${q}”${(d.total ?? 0) > list.length ? ` (showing ${list.length})` : ''}</p>
          <ol class="results">${list.map((r) => html`<li class="result">
            <a class="result-link" href=${hrefWith(`/sessions/${encodeURIComponent(r.session_id)}`, { m: r.id })}>
              <span class="pill">${r.type}${r.kind ? ` · ${r.kind}` : ''}</span>
              <span class="muted">${dateTime(r.timestamp, f)} · ${r.project_path || ''}</span>
            </a>
            <p class="snippet">${highlight(r.snippet || truncate(r.content_text, 300), q)}</p>
          </li>`)}</ol>`;
      }}<//>`}
  </div>`;
}

/**
 * Marks the query words in the snippet as text nodes, never HTML. The server's FTS5 snippet
 * wraps hits in [brackets]: a bracketed query word becomes a <mark> without its brackets.
 */
function highlight(text, q) {
  const clean = String(text || '').replace(/<\/?(b|mark)>/g, '');
  const words = q.replace(/"/g, ' ').split(/\s+/).filter((w) => w.length > 1).map((w) => w.toLowerCase());
  if (!words.length) return clean;
  const isWord = (t) => words.some((w) => t.toLowerCase().includes(w) || w.includes(t.toLowerCase()));
  const esc = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`\\[([^\\[\\]]{1,200})\\]|(${esc.join('|')})`, 'gi');
  const out = [];
  let last = 0;
  for (const m of clean.matchAll(re)) {
    if (m[1] !== undefined && !isWord(m[1])) continue;
    out.push(clean.slice(last, m.index));
    out.push(html`<mark>${m[1] !== undefined ? m[1] : m[2]}</mark>`);
    last = m.index + m[0].length;
  }
  out.push(clean.slice(last));
  return out;
}
