// Live: WebSocket connection state, active sessions, and the event stream with pause, filters by
// event type and session, and reconnection with exponential backoff (1 s doubling to 30 s).
import { html, useState, useEffect, useRef, useMemo } from '../html.js';
import { useApi, Async } from '../components/states.js';
import { Section } from '../components/card.js';
import { ActiveSessionTable } from '../components/sessiontable.js';
import { hrefWith } from '../router.js';
import { wsUrl } from '../api.js';
import { countOf, timeOnly, truncate, money, int } from '../format.js';
import { useFilters } from '../filters.js';

const MAX_EVENTS = 500;

export function useLiveSocket(onEvent) {
  const [state, setState] = useState({ status: 'connecting', attempt: 0, nextRetryMs: 0, error: null });
  const cb = useRef(onEvent);
  cb.current = onEvent;
  useEffect(() => {
    let ws = null;
    let timer = null;
    let attempt = 0;
    let closed = false;
    const connect = () => {
      setState({ status: 'connecting', attempt, nextRetryMs: 0, error: null });
      try { ws = new WebSocket(wsUrl()); } catch (e) { schedule(String(e)); return; }
      ws.onopen = () => { attempt = 0; setState({ status: 'open', attempt: 0, nextRetryMs: 0, error: null }); };
      ws.onmessage = (m) => {
        let ev;
        try { ev = JSON.parse(m.data); } catch { ev = { hook_event_name: 'unparsed', raw: String(m.data) }; }
        cb.current(ev);
      };
      ws.onclose = (e) => { if (!closed) schedule(e.code ? `closed (code ${e.code})` : 'closed'); };
      ws.onerror = () => { /* onclose follows */ };
    };
    const schedule = (why) => {
      const delay = Math.min(30000, 1000 * 2 ** attempt);
      attempt += 1;
      setState({ status: 'reconnecting', attempt, nextRetryMs: delay, error: why });
      timer = setTimeout(connect, delay);
    };
    connect();
    return () => { closed = true; clearTimeout(timer); if (ws) ws.close(); };
  }, []);
  return state;
}

export default function Live() {
  const f = useFilters();
  const [events, setEvents] = useState([]);
  const [paused, setPaused] = useState(false);
  const [typeFilter, setTypeFilter] = useState('');
  const [sessionFilter, setSessionFilter] = useState('');
  const [missed, setMissed] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const seq = useRef(0);
  const active = useApi('/api/stats/active-sessions', { tz: f.tz });
  const reloadTimer = useRef(null);

  const conn = useLiveSocket((ev) => {
    if (ev.hook_event_name === 'SessionUpdate' || ev.hook_event_name === 'SessionStart' || ev.hook_event_name === 'SessionEnd') {
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(active.reload, 1000);
    }
    if (pausedRef.current) { setMissed((n) => n + 1); return; }
    seq.current += 1;
    const item = { ...ev, _seq: seq.current, _rx: new Date().toISOString() };
    setEvents((list) => [item, ...list].slice(0, MAX_EVENTS));
  });
  useEffect(() => {
    const t = setInterval(active.reload, 30000);
    return () => { clearInterval(t); clearTimeout(reloadTimer.current); };
  }, []);

  const types = useMemo(() => [...new Set(events.map((e) => e.hook_event_name).filter(Boolean))].sort(), [events]);
  const sessions = useMemo(() => [...new Set(events.map(sessionOf).filter(Boolean))], [events]);
  const shown = events.filter((e) => (!typeFilter || e.hook_event_name === typeFilter)
    && (!sessionFilter || sessionOf(e) === sessionFilter));

  const statusText = { open: 'Connected', connecting: 'Connecting…', reconnecting: `Disconnected — retrying in ${Math.round(conn.nextRetryMs / 1000)} s (attempt ${conn.attempt})` }[conn.status];
  return html`<div class="page">
    <h1>Live</h1>
    <p class=${`conn conn-${conn.status}`} role="status" aria-live="polite" data-conn=${conn.status}>
      <span class="dot" aria-hidden="true"></span> ${statusText}${conn.error && conn.status !== 'open' ? ` (${conn.error})` : ''}
    </p>
    <${Section} title="Active sessions">
      <${Async} res=${active} what="active sessions">${(d) => html`<${ActiveSessionTable} rows=${d.sessions || []} />`}<//>
    <//>
    <${Section} title="Event stream" actions=${html`
      <button type="button" class="btn" aria-pressed=${paused} onClick=${() => { setPaused(!paused); if (paused) setMissed(0); }}>${paused ? `Resume${missed ? ` (${missed} skipped)` : ''}` : 'Pause'}</button>
      <button type="button" class="btn" onClick=${() => setEvents([])}>Clear</button>`}>
      <div class="toolbar">
        <label class="fl">Event type
          <select aria-label="Filter events by type" value=${typeFilter} onChange=${(e) => setTypeFilter(e.target.value)}>
            <option value="">All types</option>
            ${typeFilter && !types.includes(typeFilter) && html`<option value=${typeFilter}>${typeFilter}</option>`}
            ${types.map((t) => html`<option value=${t}>${t}</option>`)}
          </select></label>
        <label class="fl">Session
          <select aria-label="Filter events by session" value=${sessionFilter} onChange=${(e) => setSessionFilter(e.target.value)}>
            <option value="">All sessions</option>
            ${sessionFilter && !sessions.includes(sessionFilter) && html`<option value=${sessionFilter}>${sessionFilter}</option>`}
            ${sessions.map((s) => html`<option value=${s}>${s}</option>`)}
          </select></label>
        <span class="muted">${shown.length} of ${events.length} events shown (last ${MAX_EVENTS} kept)</span>
      </div>
      ${shown.length === 0
        ? html`<div class="state empty">${events.length ? 'No events match these filters.' : 'Waiting for events… They appear here as Claude Code works (hooks) or transcripts grow.'}</div>`
        : html`<ol class="events" aria-live="off">${shown.map((e) => html`<${EventRow} key=${e._seq} e=${e} f=${f} />`)}</ol>`}
    <//>
  </div>`;
}

/**
 * The session an event belongs to: its session_id (an older SessionUpdate named it `id`). Other
 * events' `id` is not a session's: BudgetWarning and BudgetExceeded carry their budget's.
 */
function sessionOf(e) {
  return e.session_id || (e.hook_event_name === 'SessionUpdate' && e.id) || null;
}

function summary(e) {
  const parts = [];
  if (e.tool_name) parts.push(e.tool_name);
  if (e.prompt) parts.push(truncate(e.prompt, 120));
  if (e.message && typeof e.message === 'string') parts.push(truncate(e.message, 120));
  if (e.agent_type) parts.push(e.agent_type);
  if (e.reason) parts.push(`reason: ${e.reason}`);
  if (e.hook_event_name === 'SessionUpdate') {
    const tok = e.total_tokens ?? e.tokens;
    const cost = e.estimated_cost_usd ?? e.cost_usd ?? e.cost;
    if (typeof tok === 'number') parts.push(`${int(tok)} tokens`);
    if (typeof cost === 'number') parts.push(`${money(cost)} (${cost})`);
  }
  if (e.name && e.hook_event_name && e.hook_event_name.startsWith('Budget')) parts.push(e.name);
  if (e.hook_event_name === 'GitSyncComplete') {
    // {repos, commits, skipped: [{session_id, cwd, reason}], errors: [string]} (docs/api.md)
    if (typeof e.commits === 'number') parts.push(`${countOf(e.commits, 'commit', 'commits')} linked`);
    if (typeof e.repos === 'number') parts.push(countOf(e.repos, 'repository', 'repositories'));
    if (Array.isArray(e.skipped)) parts.push(`${countOf(e.skipped.length, 'session', 'sessions')} skipped`);
    if (Array.isArray(e.errors)) parts.push(countOf(e.errors.length, 'error', 'errors') + (e.errors.length ? `: ${truncate(e.errors.join('; '), 120)}` : ''));
  }
  if (e.truncated) parts.push('(truncated)');
  return parts.join(' · ');
}

function EventRow({ e, f }) {
  const sid = sessionOf(e);
  let json = '';
  try { json = JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('_'))), null, 2); } catch { json = ''; }
  return html`<li class="event" data-event=${e.hook_event_name} data-session=${sid || ''}>
    <details>
      <summary>
        <span class="when" title=${e.timestamp || e._rx}>${timeOnly(e.timestamp || e._rx, f)}</span>
        <span class="pill">${e.hook_event_name || 'event'}</span>
        ${sid && html`<a href=${hrefWith(`/sessions/${encodeURIComponent(sid)}`)} class="sid" title=${sid}>${String(sid).slice(0, 8)}</a>`}
        <span class="ev-sum">${summary(e)}</span>
      </summary>
      <pre class="text code">${json}</pre>
    </details>
  </li>`;
}
