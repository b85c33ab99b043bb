// The header search box: Enter opens the search page for the words typed.
import { html, useState, useEffect } from '../html.js';
import { navigate, hrefWith, useRoute } from '../router.js';

export function SearchBox() {
  const route = useRoute();
  const [q, setQ] = useState(route.parts[0] === 'search' ? route.query.get('q') || '' : '');
  useEffect(() => { if (route.parts[0] === 'search') setQ(route.query.get('q') || ''); }, [route.path, route.query.get('q')]);
  const submit = (e) => {
    e.preventDefault();
    if (q.trim()) navigate(hrefWith('/search', { q: q.trim() }));
  };
  return html`<form class="searchbox" role="search" onSubmit=${submit}>
    <input type="search" placeholder="Search messages…  ( / )" aria-label="Search all messages" id="global-search"
      value=${q} onInput=${(e) => setQ(e.target.value)} />
    <button type="submit" class="btn" aria-label="Run search">Search</button>
  </form>`;
}
