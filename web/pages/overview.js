// Overview: headline cards, budget banners, a year of daily cost, daily tokens and cost, top
// tools, top projects, recent sessions and prompt categories. All honour the global filter.
import { html } from '../html.js';
import { Fetch } from '../components/states.js';
import { Card, Section } from '../components/card.js';
import { Money, Int, Pct, Bar } from '../components/num.js';
import { Chart } from '../components/chart.js';
import { DataTable } from '../components/table.js';
import { BudgetBanners } from '../components/budgets.js';
import { SessionTable } from '../components/sessiontable.js';
import { useFilters } from '../filters.js';
import { apiUrl } from '../api.js';
import { overviewRequests, dailySpan } from './overview_requests.js';
import { hrefWith } from '../router.js';
import { daySpan, int } from '../format.js';
import { dailyOption, calendarOption, seriesLines, tip } from '../components/charts.js';

/** The block the cards show: the filtered period when a filter is set, else all time. */
export function statsBlock(data) {
  if (!data) return null;
  if (data.period_label === 'filtered' && data.filtered) return { block: data.filtered, label: 'in range', other: data.total, otherLabel: 'all time' };
  return { block: data.total || data[data.period_label], label: 'all time', other: data.today, otherLabel: 'today' };
}

/** The last `n` days of a /api/stats/daily answer (oldest first); all of it without `n`. */
const lastDays = (d, n) => (Array.isArray(d) && n ? d.slice(-n) : d);

/** The daily chart's title: the span its rows cover, and that it is not all time when so. */
function dailyTitle(rows, span) {
  if (!Array.isArray(rows) || !rows.length) return 'Tokens and cost per day';
  if (span.allTime) return `Tokens and cost per day, the last ${rows.length} days only (${rows[0].date} – ${rows[rows.length - 1].date}), not all time`;
  return `Tokens and cost per day, ${daySpan(rows)}`;
}

export default function Overview() {
  const f = useFilters();
  const r = overviewRequests(f);
  const fp = r.stats[1];
  const span = dailySpan(f);
  // Each section fetches its own answer (Fetch), so that an answer re-renders its section only.

  return html`<div class="page">
    <h1>Overview</h1>
    <${BudgetBanners} />
    <div id="stats-cards" data-api-url=${apiUrl('/api/stats', fp)}>
      <${Fetch} req=${r.stats} what="statistics">${(d) => {
        const s = statsBlock(d);
        const b = s.block || {};
        const o = s.other || {};
        const sub = (v, m) => html`${s.otherLabel}: ${m ? html`<${Money} v=${v} />` : html`<${Int} v=${v} />`}`;
        // A store without any session (a fresh install). The text's long lines are on purpose:
        // htm drops the space at a line break between text and an element.
        const fresh = !f.project && !f.model && d.total && d.total.sessions === 0;
        return html`${fresh && html`<div class="banner info" id="welcome">
          <strong>No Claude Code sessions yet.</strong> claudescope reads the transcripts Claude Code
          writes under <code>~/.claude/projects</code> (or the directories that <code>~/.claudescope/config.yaml</code> names
          in <code>claude_projects_dirs</code>) and shows each session here as it is written. <code>claudescope install</code> adds
          Claude Code hooks for live events (Settings shows whether they are in place).
        </div>`}
        <div class="cards" data-period=${s.label}>
          <${Card} id="sessions" label=${`Sessions ${s.label}`} exact=${b.sessions} value=${html`<${Int} v=${b.sessions} />`} sub=${sub(o.sessions)} />
          <${Card} id="messages" label=${`Messages ${s.label}`} exact=${b.messages} value=${html`<${Int} v=${b.messages} />`} sub=${sub(o.messages)} />
          <${Card} id="tool_calls" label=${`Tool calls ${s.label}`} exact=${b.tool_calls} value=${html`<${Int} v=${b.tool_calls} />`} sub=${sub(o.tool_calls)} />
          <${Card} id="total_tokens" label=${`Tokens ${s.label}`} exact=${b.total_tokens} value=${html`<${Int} v=${b.total_tokens} />`}
            sub=${html`in <${Int} v=${b.input_tokens} /> · out <${Int} v=${b.output_tokens} />`} />
          <${Card} id="cost_usd" label=${`Cost ${s.label}`} exact=${b.cost_usd} value=${html`<${Money} v=${b.cost_usd} />`} sub=${sub(o.cost_usd, true)} />
          <${Card} id="active_sessions" label="Active sessions" exact=${d.active_sessions} value=${html`<${Int} v=${d.active_sessions} />`} sub=${html`<a href=${hrefWith('/live')}>Live view</a>`} />
        </div>`;
      }}<//>
    </div>

    <${Section} title="Daily cost, last year">
      <${Fetch} req=${r.year} what="daily cost">${(d) => html`<${Chart} title="Daily cost (USD), last 366 days" height="sm" option=${calendarOption(d)} />`}<//>
    <//>

    <${Section} title="Tokens and cost per day">
      <${Fetch} req=${r.daily} what="daily statistics">${(d) => {
        const rows = lastDays(d, span.fromYear ? span.days : 0);
        return html`<${Chart} title=${dailyTitle(rows, span)} option=${dailyOption(rows)} />`;
      }}<//>
    <//>

    <div class="grid2">
      <${Section} title="Top tools" actions=${html`<a href=${hrefWith('/tools')}>All tools</a>`}>
        <${Fetch} req=${r.tools} what="tool statistics">${(d) => {
          const rows = (Array.isArray(d) ? d : d.tools || []).slice(0, 10);
          const max = Math.max(1, ...rows.map((r) => r.calls || 0));
          return html`<${DataTable} caption="Top tools" empty="No tool calls in this range." rows=${rows} columns=${[
            { key: 'name', label: 'Tool' },
            { key: 'calls', label: 'Calls', num: true, render: (r) => html`<${Bar} value=${r.calls} max=${max} /> <${Int} v=${r.calls} />` },
            { key: 'errors', label: 'Errors', num: true, render: (r) => html`<${Int} v=${r.errors} />` },
            { key: 'success_rate', label: 'Success', num: true, render: (r) => html`<${Pct} v=${r.success_rate} />` },
          ]} />`;
        }}<//>
      <//>
      <${Section} title="Top projects" actions=${html`<a href=${hrefWith('/projects')}>All projects</a>`}>
        <${Fetch} req=${r.projects} what="project statistics">${(d) => {
          const rows = (Array.isArray(d) ? d : d.projects || []).slice(0, 10);
          return html`<${DataTable} caption="Top projects" empty="No projects in this range." rows=${rows} columns=${[
            { key: 'name', label: 'Project', render: (r) => html`<a href=${hrefWith(`/projects/${encodeURIComponent(r.path)}`)} title=${r.path}>${r.name || r.path}</a>` },
            { key: 'sessions', label: 'Sessions', num: true, render: (r) => html`<${Int} v=${r.sessions} />` },
            { key: 'total_tokens', label: 'Tokens', num: true, render: (r) => html`<${Int} v=${r.total_tokens} />` },
            { key: 'cost_usd', label: 'Cost', num: true, render: (r) => html`<${Money} v=${r.cost_usd} />` },
          ]} />`;
        }}<//>
      <//>
    </div>

    <${Section} title="Recent sessions" actions=${html`<a href=${hrefWith('/sessions')}>All sessions</a>`}>
      <${Fetch} req=${r.recent} what="recent sessions">${(d) => html`<${SessionTable} rows=${d.sessions || []} compact=${true} />`}<//>
    <//>

    <${Section} title="Prompt categories">
      <${Fetch} req=${r.prompts} what="prompt categories">${(d) => {
        const rows = d.categories || [];
        const max = Math.max(0, ...rows.map((r) => r.count || 0));
        const trends = d.trends || [];
        return html`${trends.length > 1 && html`<${Chart} title="Prompts per category per day" height="sm" option=${trendOption(trends, rows.map((r) => r.name))} />`}
        <${DataTable} caption="Prompt categories" empty="No human prompts in this range." rows=${rows} columns=${[
          { key: 'name', label: 'Category' },
          { key: 'count', label: 'Prompts', num: true, render: (r) => html`<${Bar} value=${r.count} max=${max} /> <${Int} v=${r.count} />` },
          { key: 'percentage', label: 'Share', num: true, render: (r) => html`<span title=${String(r.percentage)}>${fmtShare(r.percentage)}</span>` },
          { key: 'avg_cost_usd', label: 'Avg cost', num: true, render: (r) => html`<${Money} v=${r.avg_cost_usd} />` },
        ]} />`;
      }}<//>
    <//>
  </div>`;
}

// The API's percentage is a percent (0..100, two decimals): 0.37 is 0.4 %, never 37 %.
function fmtShare(p) {
  if (typeof p !== 'number') return '—';
  return `${p.toFixed(1)}%`;
}

function trendOption(trends, names) {
  const cats = names.length ? names : [...new Set(trends.flatMap((t) => Object.keys(t.counts || {})))];
  return {
    legend: { top: 22, type: 'scroll' },
    grid: { left: 40, right: 20, top: 56, bottom: 24 },
    tooltip: { trigger: 'axis', formatter: (ps) => tip(ps[0].axisValue, seriesLines(ps, int)) },
    xAxis: { type: 'category', data: trends.map((t) => t.date) },
    yAxis: { type: 'value', minInterval: 1 },
    series: cats.map((c) => ({ name: c, type: 'bar', stack: 'p', data: trends.map((t) => (t.counts && t.counts[c]) || 0) })),
  };
}
