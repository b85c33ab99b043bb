// The dashboard shell: sidebar navigation, header (search, theme), the global filter bar and
// the router that picks a page. Pages are loaded with import() so each page only pulls its code.
import { html, render, useEffect, useState } from './html.js';
import { currentRoute, useRoute, installLinkInterceptor, hrefWith } from './router.js';
import { FilterBar } from './components/filterbar.js';
import { FilterProblems } from './components/filterproblems.js';
import { readFilters, filterProblems } from './filters.js';
import { SearchBox } from './components/searchbox.js';
import { ThemeSwitch } from './components/themeswitch.js';
import { Loading, ErrorBox } from './components/states.js';
import { firstRequests } from './boot.js';

const NAV = [
  ['', 'Overview', 'overview'],
  ['sessions', 'Sessions', 'sessions'],
  ['live', 'Live', 'live'],
  ['tools', 'Tools', 'tools'],
  ['agents', 'Agents', 'agents'],
  ['projects', 'Projects', 'projects'],
  ['cost', 'Cost', 'cost'],
  ['settings', 'Settings', 'settings'],
];

// first path segment -> [module, has sub-id page module]
const PAGES = {
  '': ['overview'],
  sessions: ['sessions', 'session'],
  live: ['live'],
  tools: ['tools'],
  agents: ['agents'],
  projects: ['projects', 'project'],
  cost: ['cost'],
  settings: ['settings'],
  search: ['search'],
};

const cache = new Map();
const loaded = new Map();  // name -> module, once its import has finished
function loadPage(name) {
  if (!cache.has(name)) {
    cache.set(name, import(`./pages/${name}.js`).then((m) => { loaded.set(name, m); return m; }));
  }
  return cache.get(name);
}

// The page module for route parts ["sessions", "<id>"] etc.; null when there is none.
function pageName([seg, id]) {
  const entry = PAGES[seg || ''];
  return entry ? (id && entry[1] ? entry[1] : entry[0]) : null;
}

function Page({ route }) {
  const [, id] = route.parts;
  const name = pageName(route.parts);
  // A page whose code is already here renders at once, without a loading pass; otherwise its
  // import re-renders this (it fills `loaded`) or records why it failed.
  const ready = name && loaded.get(name);
  const [failed, setFailed] = useState(null);  // { name, error }
  const [, rerender] = useState(0);
  useEffect(() => {
    if (!name || loaded.has(name)) return undefined;
    let live = true;
    loadPage(name).then(() => live && rerender((n) => n + 1))
      .catch((error) => live && setFailed({ name, error }));
    return () => { live = false; };
  }, [name]);
  if (!name) {
    return html`<div class="page"><h1>Page not found</h1><p>There is no page at <code>${route.path}</code>. <a href=${hrefWith('/')}>Go to the overview</a>.</p></div>`;
  }
  if (failed && failed.name === name) return html`<${ErrorBox} error=${failed.error} what="this page" />`;
  if (!ready) return html`<${Loading} label="Loading page…" />`;
  const C = ready.default;
  return html`<${C} route=${route} id=${id} />`;
}

function Shell() {
  const route = useRoute();
  const seg = route.parts[0] || '';
  const problems = filterProblems(readFilters(route.query));
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => {
    const label = NAV.find((n) => n[0] === seg);
    document.title = `${label ? label[1] : seg ? seg[0].toUpperCase() + seg.slice(1) : 'Overview'} · claudescope`;
    setNavOpen(false);
  }, [route.path]);
  return html`<div class=${`shell ${navOpen ? 'nav-open' : ''}`}>
    <a class="skip" href="#main">Skip to content</a>
    <aside class="sidebar" aria-label="Main navigation">
      <a class="brand" href=${hrefWith('/')}><img src="/favicon.svg" alt="" width="22" height="22" /> claudescope</a>
      <nav><ul>
        ${NAV.map(([p, label, key]) => {
          const on = seg === p;
          return html`<li><a href=${hrefWith(`/${p}`)} class=${on ? 'on' : ''} aria-current=${on ? 'page' : undefined} data-nav=${key}>${label}</a></li>`;
        })}
      </ul></nav>
    </aside>
    <div class="main-col">
      <header class="topbar">
        <button type="button" class="btn nav-toggle" aria-label="Toggle navigation" aria-expanded=${navOpen} onClick=${() => setNavOpen(!navOpen)}>☰</button>
        <${SearchBox} />
        <${ThemeSwitch} />
      </header>
      <${FilterBar} />
      <main id="main" tabindex="-1">${problems.length ? html`<${FilterProblems} problems=${problems} />` : html`<${Page} route=${route} />`}</main>
    </div>
  </div>`;
}

// Keyboard: "/" focuses search (when not typing in a field).
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || '')) {
    const s = document.getElementById('global-search');
    if (s) { e.preventDefault(); s.focus(); }
  }
});

// boot.js has asked for the first page's data (and the filter bar's lists) while this code was
// still on its way. The shell renders once the first page's code is here and its answers are in,
// or FIRST_RENDER_WAIT_MS after the code: quick answers are then in the first render (one layout
// instead of one with spinners and another with data), slow ones show spinners first.
const FIRST_RENDER_WAIT_MS = 150;
const first = pageName(currentRoute().parts);
const firstPage = first ? loadPage(first).catch(() => null) : Promise.resolve(null);  // a failure shows when the page mounts
Promise.all([firstPage, firstRequests]).then(async ([, asked]) => {
  await Promise.race([Promise.all(asked), new Promise((r) => setTimeout(r, FIRST_RENDER_WAIT_MS))]);
  const root = document.getElementById('app');
  root.textContent = '';
  installLinkInterceptor(document.body);
  render(html`<${Shell} />`, root);
});
