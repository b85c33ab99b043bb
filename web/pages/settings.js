// Settings: the price book (POST /api/config merge-patch), time zone, active window, theme,
// hook status and database / ingest status (/api/health).
import { html, useState, useEffect, useMemo } from '../html.js';
import { useApi, Async, ErrorBox } from '../components/states.js';
import { Section } from '../components/card.js';
import { ThemeSwitch } from '../components/themeswitch.js';
import { api } from '../api.js';
import { bytes, dateTime, int, ms } from '../format.js';
import { setServerTimeZone, browserTimeZone, useFilters } from '../filters.js';

const PRICE_FIELDS = ['input', 'output', 'cache_write_5m', 'cache_write_1h', 'cache_read'];

export default function Settings() {
  const config = useApi('/api/config');
  const health = useApi('/api/health');
  const models = useApi('/api/stats/models');
  return html`<div class="page">
    <h1>Settings</h1>
    <${Section} title="Appearance"><${ThemeSwitch} /><p class="muted">Auto follows the operating system. Saved in this browser.</p><//>
    <${Async} res=${config} what="the configuration">${(c) => html`
      <${ServerSettings} c=${c} onSaved=${config.reload} />
      <${PriceEditor} pricing=${c.pricing || {}} unpriced=${((models.data && (models.data.models || models.data)) || []).filter((m) => m.unpriced)} onSaved=${config.reload} />`}<//>
    <${Section} title="Hooks">
      <${Async} res=${health} what="the hook status">${(h) => html`<${HookStatus} hooks=${h.hooks} />`}<//>
    <//>
    <${Section} title="Database and ingest">
      <${Async} res=${health} what="server health">${(h) => html`<dl class="kv">
        <dt>Status</dt><dd><span class=${`pill ${h.status === 'ok' ? 'ok' : 'bad'}`}>${h.status}</span></dd>
        <dt>Version</dt><dd>${h.version || '—'}</dd>
        <dt>Database</dt><dd><code>${h.db_path || '—'}</code></dd>
        <dt>Transcript files</dt><dd>${int(h.ingest && h.ingest.files)}</dd>
        <dt>Bytes read</dt><dd title=${String(h.ingest && h.ingest.bytes)}>${bytes(h.ingest && h.ingest.bytes)}</dd>
        <dt>Ingest lag</dt><dd>${ms(h.ingest && h.ingest.lag_ms)}</dd>
        <dt>Skipped lines</dt><dd>${int(h.ingest && h.ingest.errors)}</dd>
      </dl>`}<//>
    <//>
  </div>`;
}

function useSaver(onSaved) {
  const [st, setSt] = useState({});
  const save = async (patch, okText) => {
    setSt({ busy: true });
    try {
      await api('/api/config', { method: 'POST', body: patch });
      setSt({ ok: okText });
      onSaved && onSaved();
    } catch (e) { setSt({ error: e }); }
  };
  const view = html`${st.ok && html`<span class="ok-text" role="status">${st.ok}</span>`}${st.error && html`<${ErrorBox} error=${st.error} what="saving the configuration" />`}`;
  return [save, st, view];
}

function ServerSettings({ c, onSaved }) {
  const [tz, setTz] = useState(c.timezone || 'local');
  const [win, setWin] = useState(String((c.server && c.server.active_window_minutes) ?? 15));
  const [save, st, view] = useSaver(onSaved);
  const zones = useMemo(() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return []; } }, []);
  const submit = (e) => {
    e.preventDefault();
    const n = Number(win);
    if (!Number.isInteger(n) || n < 1) return;
    save({ timezone: tz.trim() || 'local', server: { active_window_minutes: n } }, 'Saved.').then(() => setServerTimeZone(tz.trim()));
  };
  return html`<${Section} title="Server">
    <form class="form-grid" onSubmit=${submit}>
      <label>Time zone (IANA name or "local")
        <input list="tz-list" aria-label="Server time zone" name="timezone" value=${tz} onInput=${(e) => setTz(e.target.value)} />
        <datalist id="tz-list"><option value="local" />${zones.map((z) => html`<option value=${z} />`)}</datalist>
        <span class="muted small">Your browser: ${browserTimeZone()}</span></label>
      <label>Active window (minutes)
        <input type="number" min="1" step="1" aria-label="Active window in minutes" name="active_window_minutes" value=${win} onInput=${(e) => setWin(e.target.value)} /></label>
      <div class="row"><button type="submit" class="btn primary" disabled=${st.busy}>Save server settings</button>${view}</div>
    </form>
  <//>`;
}

function PriceEditor({ pricing, unpriced, onSaved }) {
  const initial = Array.isArray(pricing.models) ? pricing.models : Object.entries(pricing.models || {}).map(([family, p]) => ({ family, ...p }));
  const [rows, setRows] = useState(() => initial.map((r) => ({ ...r })));
  useEffect(() => setRows(initial.map((r) => ({ ...r }))), [JSON.stringify(pricing.models)]);
  const [save, st, view] = useSaver(onSaved);
  const setCell = (i, k, val) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: val } : r)));
  const add = (family = '') => setRows([...rows, { family, input: '', output: '', cache_write_5m: '', cache_write_1h: '', cache_read: '' }]);
  const submit = (e) => {
    e.preventDefault();
    const out = [];
    for (const r of rows) {
      if (!String(r.family || '').trim()) continue;
      const o = { ...r, family: String(r.family).trim() };
      for (const k of PRICE_FIELDS) {
        if (o[k] === '' || o[k] == null) { delete o[k]; continue; }
        o[k] = Number(o[k]);
      }
      out.push(o);
    }
    save({ pricing: { models: out } }, 'Price book saved; stored costs are recomputed.');
  };
  return html`<${Section} title="Price book (USD per million tokens)">
    ${unpriced.length > 0 && html`<div class="banner warn" role="alert"><strong>Unpriced models:</strong>
      ${unpriced.map((m) => html` <button type="button" class="btn small" onClick=${() => add(m.name)} aria-label=${`Add a price for ${m.name}`}>+ ${m.name}</button>`)}</div>`}
    <p class="muted">${pricing.as_of ? `Prices as of ${pricing.as_of}. ` : ''}${pricing.source ? `Source: ${pricing.source}. ` : ''}Model ids match the longest family prefix.</p>
    <form onSubmit=${submit}>
      <div class="table-wrap"><table class="data prices"><caption class="sr-only">Price book</caption>
        <thead><tr><th scope="col">Model family</th>${PRICE_FIELDS.map((k) => html`<th scope="col" class="num">${k.replace(/_/g, ' ')}</th>`)}<th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
        <tbody>${rows.map((r, i) => html`<tr key=${i}>
          <td><input aria-label=${`Model family, row ${i + 1}`} value=${r.family || ''} onInput=${(e) => setCell(i, 'family', e.target.value)} /></td>
          ${PRICE_FIELDS.map((k) => html`<td class="num"><input type="number" min="0" step="any" class="price" aria-label=${`${k} price for ${r.family || `row ${i + 1}`}`}
            value=${r[k] ?? ''} onInput=${(e) => setCell(i, k, e.target.value)} /></td>`)}
          <td><button type="button" class="btn small danger" aria-label=${`Remove ${r.family || `row ${i + 1}`}`} onClick=${() => setRows(rows.filter((_, j) => j !== i))}>✕</button></td>
        </tr>`)}</tbody></table></div>
      <div class="row"><button type="button" class="btn" onClick=${() => add()}>Add model</button>
        <button type="submit" class="btn primary" disabled=${st.busy}>Save price book</button>${view}</div>
    </form>
  <//>`;
}

// /api/health's `hooks`: whether settings.json holds claudescope's handlers, and the last hook
// event received.
function HookStatus({ hooks: k }) {
  const f = useFilters();
  if (!k) return html`<p class="muted">Hook status is not reported by this server.</p>`;
  const total = k.events.length + k.missing.length;
  const state = k.installed ? 'installed' : k.events.length ? 'partial' : 'absent';
  const label = { installed: `Installed (${total} of ${total} events)`, partial: `Partly installed (${k.events.length} of ${total} events)`, absent: 'Not installed' }[state];
  const delivery = k.command_handlers && k.http_handlers ? `${k.command_handlers} command, ${k.http_handlers} http`
    : k.http_handlers ? 'http (POST /api/hooks)' : k.command_handlers ? 'command (claudescope hook)' : '—';
  return html`<dl class="kv" id="hook-status" data-state=${state}>
      <dt>Hooks</dt><dd><span class=${`pill ${state === 'installed' ? 'ok' : 'bad'}`}>${label}</span></dd>
      <dt>Settings file</dt><dd><code>${k.settings_path}</code>${k.settings_exists ? '' : ' (not there yet)'}</dd>
      <dt>Delivery</dt><dd>${delivery}</dd>
      ${k.missing.length > 0 && k.events.length > 0 && html`<dt>Missing events</dt><dd>${k.missing.join(', ')}</dd>`}
      <dt>Last hook event</dt><dd data-last-event=${k.last_event ? k.last_event.event : ''}>${k.last_event
        ? html`${k.last_event.event} at <time datetime=${k.last_event.at}>${dateTime(k.last_event.at, f)}</time>` : 'none received yet'}</dd>
    </dl>
    ${k.error && html`<div class="state error" role="alert"><strong>settings.json could not be read:</strong> ${k.error}</div>`}
    ${!k.installed && html`<p>Run <code>claudescope install</code> to add the hooks to this file (what was there is kept, and a
      backup is made);${' '}<code>claudescope uninstall</code> removes them again.</p>`}`;
}
