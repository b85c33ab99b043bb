// The dashboard shell: sidebar navigation, header (search, theme), the global filter bar and
// the router that picks a page. Pages are loaded with import() so each page only pulls its code.
import { html, render, useEffect, useState } from './html.js';
import { currentRoute, useRoute, installLinkInterceptor, hrefWith } from './router.js';
import { FilterBar } from './components/filterbar.js';
import { SearchBox } from './components/searchbox.js';
import { ThemeSwitch } from './components/themeswitch.js';
import { Loading, ErrorBox } from './components/states.js';
import { api } from './api.js';
import { setServerTimeZone } from './filters.js';

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
function loadPage(name) {
  if (!cache.has(name)) cache.set(name, import(`./pages/${name}.js`));
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
  const [mod, setMod] = useState({ name: null, Comp: null, error: null });
  useEffect(() => {
    if (!name) return;
    let live = true;
    loadPage(name).then((m) => live && setMod({ name, Comp: m.default, error: null }))
      .catch((error) => live && setMod({ name, Comp: null, error }));
    return () => { live = false; };
  }, [name]);
  if (!name) {
    return html`<div class="page"><h1>Page not found</h1><p>There is no page at <code>${route.path}</code>. <a href=${hrefWith('/')}>Go to the overview</a>.</p></div>`;
  }
  if (mod.error && mod.name === name) return html`<${ErrorBox} error=${mod.error} what="this page" />`;
  if (!mod.Comp || mod.name !== name) return html`<${Loading} label="Loading page…" />`;
  const C = mod.Comp;
  return html`<${C} route=${route} id=${id} />`;
}

function Shell() {
  const route = useRoute();
  const seg = route.parts[0] || '';
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
      <main id="main" tabindex="-1"><${Page} route=${route} /></main>
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

// Start fetching the first page's code now, while the configuration is on its way.
const first = pageName(currentRoute().parts);
if (first) loadPage(first).catch(() => {});  // a failure is shown when the page mounts

// The server's configured zone decides what "today" is when the URL has no tz.
api('/api/config').then((c) => setServerTimeZone(c && c.timezone)).catch(() => {}).finally(() => {
  const root = document.getElementById('app');
  root.textContent = '';
  installLinkInterceptor(document.body);
  render(html`<${Shell} />`, root);
});
