// The conversation of a session: prompts, responses, collapsible thinking, tool calls with their
// input and result, and subagent messages nested under the call that spawned them (by agent_id).
// All text is rendered as text.
import { html, useState, useEffect, useMemo } from '../html.js';
import { Money, Int } from './num.js';
import { timeOnly, dateTime, ms, shortModel } from '../format.js';

const PAGE = 200;

export function Conversation({ detail, highlight, f }) {
  const [showAll, setShowAll] = useState(false);
  const model = useMemo(() => build(detail), [detail]);
  const hiMsg = highlight ? (detail.messages || []).find((m) => m.id === highlight) : null;
  const [showMeta, setShowMeta] = useState(!!(hiMsg && isNoise(hiMsg)));
  const hiIndex = highlight ? model.main.findIndex((m) => m.id === highlight) : -1;
  const hiAgent = hiMsg && hiMsg.agent_id ? hiMsg : null;
  useEffect(() => { if (hiMsg && isNoise(hiMsg)) setShowMeta(true); }, [highlight]);
  const limit = showAll || hiIndex >= PAGE || hiAgent ? Infinity : PAGE;

  useEffect(() => {
    if (!highlight) return;
    const t = setTimeout(() => {
      const el = document.querySelector(`[data-msg-id="${CSS.escape(highlight)}"]`);
      if (el) { el.scrollIntoView({ block: 'center' }); el.focus({ preventScroll: true }); }
    }, 50);
    return () => clearTimeout(t);
  }, [highlight, detail]);

  const visible = model.main.filter((m) => showMeta || !isNoise(m));
  if (!visible.length && !model.orphans.length) return html`<div class="state empty">This session has no messages yet.</div>`;
  const ctx = { model, highlight, f, showMeta, openAgent: hiAgent ? hiAgent.agent_id : null };
  return html`<div class="conversation">
    <label class="fl check"><input type="checkbox" checked=${showMeta} onChange=${(e) => setShowMeta(e.target.checked)} aria-label="Show tool results and meta messages" /> Show tool-result and meta messages</label>
    <ol class="msgs">${visible.slice(0, limit).map((m) => html`<${Msg} key=${m.id} m=${m} ctx=${ctx} />`)}</ol>
    ${visible.length > limit && html`<button type="button" class="btn" onClick=${() => setShowAll(true)}>Show all ${visible.length} messages</button>`}
    ${model.orphans.length > 0 && html`<h3>Other subagents</h3>${model.orphans.map((a) => html`<${Agent} key=${a} agentId=${a} ctx=${ctx} />`)}`}
  </div>`;
}

const isNoise = (m) => m.type === 'user' && m.kind && m.kind !== 'prompt' && m.kind !== 'compact_summary' && m.kind !== 'interrupt';

function build(d) {
  const msgs = d.messages || [];
  const calls = d.tool_calls || [];
  const subs = d.subagents || [];
  const callsByMsg = new Map();
  for (const c of calls) {
    const k = c.message_id || '';
    if (!callsByMsg.has(k)) callsByMsg.set(k, []);
    callsByMsg.get(k).push(c);
  }
  const byAgent = new Map();
  const main = [];
  for (const m of msgs) {
    if (m.agent_id) {
      if (!byAgent.has(m.agent_id)) byAgent.set(m.agent_id, []);
      byAgent.get(m.agent_id).push(m);
    } else main.push(m);
  }
  const subById = new Map(subs.map((s) => [s.id, s]));
  const agentByToolUse = new Map(subs.filter((s) => s.tool_use_id).map((s) => [s.tool_use_id, s.id]));
  const attached = new Set(agentByToolUse.values());
  const orphans = [...byAgent.keys()].filter((a) => !attached.has(a));
  for (const s of subs) if (!attached.has(s.id) && !byAgent.has(s.id)) orphans.push(s.id);
  return { main, callsByMsg, byAgent, subById, agentByToolUse, orphans };
}

function Msg({ m, ctx }) {
  const calls = ctx.model.callsByMsg.get(m.id) || [];
  const who = m.type === 'user' ? (m.kind === 'prompt' ? 'Prompt' : `User · ${m.kind || 'message'}`)
    : m.type === 'assistant' ? (m.kind === 'api_error' ? 'API error' : 'Response') : `System · ${m.kind || ''}`;
  const hi = ctx.highlight && ctx.highlight === m.id;
  return html`<li class=${`msg msg-${m.type} kind-${m.kind || 'none'} ${hi ? 'hi' : ''}`} data-msg-id=${m.id} tabindex="-1" id=${`m-${m.id}`}>
    <div class="msg-head">
      <span class="who">${who}</span>
      <span class="when" title=${m.timestamp || ''}>${timeOnly(m.timestamp, ctx.f)}</span>
      ${m.model && html`<span class="pill" title=${m.model}>${shortModel(m.model)}</span>`}
      ${m.type === 'assistant' && html`<span class="usage">in <${Int} v=${m.input_tokens} /> · out <${Int} v=${m.output_tokens} /> · cache r <${Int} v=${m.cache_read_tokens} /> w <${Int} v=${m.cache_write_tokens} /> · <${Money} v=${m.cost_usd} /></span>`}
    </div>
    ${m.thinking && html`<details class="thinking"><summary>Thinking</summary><pre class="text">${m.thinking}</pre></details>`}
    ${m.content_text ? html`<pre class="text">${m.content_text}</pre>` : (calls.length ? null : html`<p class="muted">(no text)</p>`)}
    ${calls.map((c) => html`<${ToolCall} key=${c.id} c=${c} ctx=${ctx} />`)}
  </li>`;
}

function ToolCall({ c, ctx }) {
  const agentId = ctx.model.agentByToolUse.get(c.id);
  const status = c.success === true ? 'ok' : c.success === false ? 'fail' : 'pending';
  let input = '';
  try { input = typeof c.input === 'string' ? c.input : JSON.stringify(c.input, null, 2); } catch { input = String(c.input); }
  return html`<div class=${`toolcall ${status}`}>
    <details>
      <summary>
        <span class=${`dot ${status}`} aria-hidden="true"></span>
        <strong>${c.tool_name}</strong>
        ${c.file_path && html` <code>${c.file_path}</code>`}
        <span class="muted"> · ${status === 'ok' ? 'succeeded' : status === 'fail' ? 'failed' : 'no result yet'}${c.duration_ms != null ? ` · ${ms(c.duration_ms)}` : ''}</span>
      </summary>
      <div class="tc-body">
        <div class="tc-label">Input</div><pre class="text code">${input}</pre>
        ${c.error && html`<div class="tc-label">Error</div><pre class="text code err">${c.error}</pre>`}
        ${c.stdout_preview && html`<div class="tc-label">Result</div><pre class="text code">${c.stdout_preview}</pre>`}
        ${c.stderr_preview && html`<div class="tc-label">Stderr</div><pre class="text code err">${c.stderr_preview}</pre>`}
      </div>
    </details>
    ${agentId && html`<${Agent} agentId=${agentId} ctx=${ctx} />`}
  </div>`;
}

function Agent({ agentId, ctx }) {
  const s = ctx.model.subById.get(agentId);
  const msgs = ctx.model.byAgent.get(agentId) || [];
  const visible = msgs.filter((m) => ctx.showMeta || !isNoise(m));
  return html`<details class="agent" open=${ctx.openAgent === agentId} data-agent-id=${agentId}>
    <summary>Subagent <strong>${(s && s.agent_type) || 'agent'}</strong> ${s && s.description ? `— ${s.description}` : ''}
      <span class="muted"> · ${msgs.length} messages${s ? html` · <${Int} v=${s.total_tokens ?? s.tokens} /> tokens · <${Money} v=${s.estimated_cost_usd ?? s.cost_usd} />` : ''}</span></summary>
    ${visible.length ? html`<ol class="msgs nested">${visible.map((m) => html`<${Msg} key=${m.id} m=${m} ctx=${ctx} />`)}</ol>` : html`<p class="muted">No messages recorded for this subagent.</p>`}
  </details>`;
}

export { dateTime };
