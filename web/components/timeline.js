// The session timeline as an ECharts scatter on a time axis: one row per event kind, tool calls
// coloured by success and sized by duration; inside + slider dataZoom.
import { tip as tipBox } from './charts.js';
import { int, ms, money, truncate, timeOnly } from '../format.js';

const ROWS = [
  ['user_message', 'Prompts'], ['assistant_message', 'Responses'], ['tool_call', 'Tool calls'],
  ['agent_spawn', 'Subagents'], ['compaction', 'Compactions'], ['api_error', 'API errors'], ['hook', 'Hooks'],
];
const COLORS = { ok: '#16a34a', fail: '#dc2626', pending: '#9ca3af' };

export function timelineOption(t, f) {
  const events = t.events || [];
  const present = ROWS.filter(([k]) => events.some((e) => e.type === k) || k === 'tool_call');
  const labels = present.map((r) => r[1]);
  const rowOf = Object.fromEntries(present.map(([k, l]) => [k, l]));
  const data = [];
  for (const e of events) {
    const row = rowOf[e.type];
    if (!row || !e.timestamp) continue;
    const t0 = Date.parse(e.timestamp);
    if (Number.isNaN(t0)) continue;
    let color = '#d97757';
    let size = 8;
    if (e.type === 'tool_call') {
      color = e.success === true ? COLORS.ok : e.success === false ? COLORS.fail : COLORS.pending;
      size = Math.max(6, Math.min(32, 6 + Math.sqrt(Math.max(0, e.duration_ms || 0)) / 6));
    } else if (e.type === 'api_error') color = COLORS.fail;
    else if (e.type === 'agent_spawn') { color = '#7c3aed'; size = 12; }
    else if (e.type === 'compaction') { color = '#0ea5e9'; size = 14; }
    else if (e.type === 'user_message') color = '#2563eb';
    data.push({ value: [t0, row], symbolSize: size, itemStyle: { color }, ev: e });
  }
  return {
    grid: { left: 100, right: 30, top: 40, bottom: 60 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => tip(p.data.ev, f),
    },
    xAxis: { type: 'time' },
    yAxis: { type: 'category', data: labels, inverse: true },
    dataZoom: [{ type: 'inside', filterMode: 'weakFilter' }, { type: 'slider', height: 18, bottom: 10, filterMode: 'weakFilter' }],
    series: [{ type: 'scatter', data, encode: { x: 0, y: 1 } }],
  };
}

function tip(e, f) {
  const lines = [];
  if (e.tool) lines.push(`Tool: ${e.tool}`);
  if (e.success != null) lines.push(`Success: ${e.success ? 'yes' : 'no'}`);
  if (e.duration_ms != null) lines.push(`Duration: ${ms(e.duration_ms)}`);
  if (e.model) lines.push(`Model: ${e.model}`);
  if (e.tokens != null) lines.push(`Tokens: ${int(e.tokens)}`);
  if (e.cost_usd != null) lines.push(`Cost: ${money(e.cost_usd)}`);
  if (e.agent_type) lines.push(`Agent: ${e.agent_type}`);
  if (e.description) lines.push(truncate(e.description, 100));
  if (e.pre_tokens != null) lines.push(`Tokens before: ${int(e.pre_tokens)}`);
  if (e.trigger) lines.push(`Trigger: ${e.trigger}`);
  if (e.preview) lines.push(truncate(e.preview, 160));
  return tipBox(`${e.type} ${timeOnly(e.timestamp, f)}`, lines);
}
