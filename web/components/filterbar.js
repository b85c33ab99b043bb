// The global filter bar: date presets or a custom range, project, model and time zone. Every
// change is written to the URL (a history entry), which every page reads.
import { html, useEffect, useState } from '../html.js';
import { setQuery } from '../router.js';
import { PRESETS, useFilters, dateBounds, browserTimeZone } from '../filters.js';
import { useApi } from './states.js';

// The zone list (~430 names, and the browser's own zone) is built when the list is focused or
// pressed, or a few seconds after the page has loaded when the browser is idle: building it
// with the first render cost ~0.1 s of a first load's main thread on a 2-core machine (the
// page's first use of Intl, and the options), for a list few open.
const ZONES_LATER_MS = 3000;
let zones = null;
function timeZones() {
  if (!zones) {
    try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = ['UTC']; }
    if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  }
  return zones;
}

export function FilterBar() {
  const f = useFilters();
  const projects = useApi('/api/projects');
  const models = useApi('/api/models');
  const bounds = dateBounds(f);
  const [tzList, setTzList] = useState(zones);
  const fillZones = () => { if (!tzList) setTzList(timeZones()); };
  useEffect(() => {
    if (tzList) return undefined;
    let idle = null;
    const timer = setTimeout(() => {
      const fill = () => setTzList(timeZones());
      idle = window.requestIdleCallback ? requestIdleCallback(fill, { timeout: 2000 }) : (fill(), null);
    }, ZONES_LATER_MS);
    return () => { clearTimeout(timer); if (idle !== null) cancelIdleCallback(idle); };
  }, [tzList]);

  const set = (changes) => setQuery({ ...changes, offset: null });
  const projList = (projects.data && projects.data.projects) || [];
  const modelList = (models.data && models.data.models) || [];

  return html`<form class="filterbar" role="search" aria-label="Filters" onSubmit=${(e) => e.preventDefault()}>
    <div class="seg" role="group" aria-label="Date range presets">
      ${PRESETS.map((p) => html`<button type="button" class=${`seg-btn ${f.range === p ? 'on' : ''}`}
        aria-pressed=${f.range === p} data-preset=${p}
        onClick=${() => set({ range: p, from: null, to: null })}>${p === 'all' ? 'All' : p}</button>`)}
    </div>
    <label class="fl">From <input type="date" aria-label="From date" value=${bounds.from}
      onChange=${(e) => set({ from: e.target.value, to: bounds.to || null, range: null })} /></label>
    <label class="fl">To <input type="date" aria-label="To date" value=${bounds.to}
      onChange=${(e) => set({ to: e.target.value, from: bounds.from || null, range: null })} /></label>
    <label class="fl">Project
      <select aria-label="Project filter" name="project" value=${f.project} onChange=${(e) => set({ project: e.target.value })}>
        <option value="">All projects</option>
        ${f.project && !projList.some((p) => p.path === f.project) && html`<option value=${f.project}>${f.project}</option>`}
        ${projList.map((p) => html`<option value=${p.path} title=${p.path}>${p.name || p.path}${p.sessions != null ? ` (${p.sessions})` : ''}</option>`)}
      </select>
    </label>
    <label class="fl">Model
      <select aria-label="Model filter" name="model" value=${f.model} onChange=${(e) => set({ model: e.target.value })}>
        <option value="">All models</option>
        ${f.model && !modelList.some((m) => m.name === f.model) && html`<option value=${f.model}>${f.model}</option>`}
        ${modelList.map((m) => html`<option value=${m.name}>${m.name}</option>`)}
      </select>
    </label>
    <label class="fl">Time zone
      <select aria-label="Time zone" name="tz" value=${f.tz} onChange=${(e) => set({ tz: e.target.value })}
        onFocus=${fillZones} onPointerDown=${fillZones}>
        <option value="">Server default</option>
        ${tzList && html`<option value=${browserTimeZone()}>Browser (${browserTimeZone()})</option>`}
        ${!tzList && f.tz && html`<option value=${f.tz}>${f.tz}</option>`}
        ${(tzList || []).map((z) => html`<option value=${z}>${z}</option>`)}
      </select>
    </label>
    ${(projects.error || models.error) && html`<span class="fl-warn" role="alert" title=${(projects.error || models.error).message}>Filter lists unavailable</span>`}
  </form>`;
}
