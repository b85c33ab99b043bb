// Browser tests: the numbers the Sessions, session, Agents, Tools, Projects, Cost and Settings pages show
// equal the API's answers the page asked for (exact values from data-value and title
// attributes, rates and durations as their text), over all time and with a project filter. A
// server and corpus of their own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { importCorpus, makeHome, startServer } from './helpers.mjs';
import { CHROMIUM, launch, newPage, settled, tableRows } from './ui_browser.mjs';

const noChromium = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the dashboard suite needs a browser`;

// The dashboard's formats (web/format.js), restated so that a change there fails here.
const pct = (v) => `${(v * 100).toFixed(1)}%`;
const ms = (v) => (typeof v !== 'number' ? '—' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(v < 10000 ? 2 : 1)} s`);
function duration(seconds) {
  if (typeof seconds !== 'number') return '—';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  return s < 60 ? `${s}s` : m < 60 ? `${m}m ${s % 60}s` : h < 24 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}
const shortModel = (m) => String(m || '').replace(/^claude-/, '').replace(/-\d{8}$/, '');
const sessionOf = (href) => decodeURIComponent(href.split('/sessions/')[1].split('?')[0]);

/** Opens `path` and returns, for every API URL the page asked (path + query), its answer. */
async function openAndCollect(page, base, path) {
  const asked = [];
  const onRequest = (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) asked.push(u.pathname + u.search); };
  page.on('request', onRequest);
  await page.goto(base + path);
  await settled(page);
  page.off('request', onRequest);
  return async (apiPath) => {
    const url = asked.find((u) => u.split('?')[0] === apiPath);
    assert.ok(url, `${path} asked ${apiPath} (asked: ${asked.join(', ')})`);
    const r = await fetch(base + url);
    assert.equal(r.status, 200, url);
    return { url, body: await r.json() };
  };
}


const cardValue = (page, id) => page.getAttribute(`main .card[data-card="${id}"]`, 'data-value').then(Number);

describe('dashboard numbers equal the API', { skip: noChromium }, () => {
  let home;
  let srv;
  let browser;
  before(async () => {
    home = makeHome();
    await importCorpus(home, { sessions: 30, seed: 11 });
    srv = await startServer({ home });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop({ keepHome: true });
    home?.cleanup();
  });

  for (const filter of ['range=all', 'range=all&project=/home/dev/notes']) {
    test(`Tools page (${filter})`, async () => {
      const { page, problems, context } = await newPage(browser);
      const answer = await openAndCollect(page, srv.url, `/tools?${filter}`);
      const tools = (await answer('/api/stats/tools')).body;
      assert.ok(tools.length > 2, 'the corpus has tool calls');
      assert.deepEqual((await tableRows(page, 'Tools')).map(([n, c, e, r, avg, p95]) => [n.text, c.value, e.value, r.text, avg.text, avg.title, p95.text]),
        tools.map((t) => [t.name, t.calls, t.errors, pct(t.errors / t.calls), ms(t.avg_duration_ms), String(t.avg_duration_ms), ms(t.p95_duration_ms)]));

      const errors = (await answer('/api/stats/errors')).body;
      assert.equal(await cardValue(page, 'total_errors'), errors.total_errors);
      assert.equal(await cardValue(page, 'error_rate'), errors.error_rate);
      assert.deepEqual((await tableRows(page, 'Errors by tool') || []).map(([n, e, t, r]) => [n.text, e.value, t.value, r.text]),
        errors.errors_by_tool.map((x) => [x.tool, x.errors, x.total, pct(x.rate)]));
      assert.deepEqual((await tableRows(page, 'Common errors') || []).map(([p, c]) => [p.text, c.value]),
        errors.common_errors.map((x) => [x.pattern.replace(/\s+/g, ' ').trim(), x.count]));

      const mcp = (await answer('/api/stats/mcp')).body;
      assert.deepEqual((await tableRows(page, 'MCP servers') || []).map(([n, c, e]) => [n.text, c.value, e.value]),
        mcp.servers.map((x) => [x.name, x.calls, x.errors]));
      const skills = (await answer('/api/stats/skills')).body;
      const skillRows = Array.isArray(skills) ? skills : skills.skills;
      assert.deepEqual((await tableRows(page, 'Skills') || []).map(([n, s, c]) => [n.text, s.text, c.value]),
        skillRows.map((x) => [x.name, x.source, x.count]));
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('Sessions page: every row of the table', async () => {
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, '/sessions?range=all');
    const { sessions } = (await answer('/api/sessions')).body;
    assert.ok(sessions.length > 5, `the corpus has sessions (${sessions.length})`);
    assert.deepEqual((await tableRows(page, 'Sessions')).map(([s, p, st, d, m, tools, tok, cost, tags]) =>
      [sessionOf(s.href), p.title, st.title, d.text, m.text, tools.value, tok.value, cost.value, tags.text]),
    sessions.map((x) => [x.id, x.project_path || '', x.started_at || '', duration(x.duration_seconds),
      (x.models || []).map(shortModel).join(', ') || '—', x.tool_call_count, x.total_tokens, x.estimated_cost_usd, (x.tags || []).join(' ')]));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('session page: the header\'s totals', async () => {
    const list = await (await fetch(`${srv.url}/api/sessions?sort=cost&order=desc&limit=1`)).json();
    const id = list.sessions[0].id;
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, `/sessions/${encodeURIComponent(id)}?range=all`);
    const s = (await answer(`/api/sessions/${encodeURIComponent(id)}`)).body.session;
    assert.ok(s.tool_call_count > 0 && s.estimated_cost_usd > 0, 'a session with tool calls and a cost');
    const cards = await page.$$eval('main .session-head .card', (l) => l.map((c) => [c.dataset.card, Number(c.dataset.value),
      [...c.querySelectorAll('.card-sub [data-value]')].map((v) => Number(v.dataset.value))]));
    assert.deepEqual(cards, [
      ['messages', s.message_count, [s.user_prompt_count]],
      ['tool_calls', s.tool_call_count, [s.tool_error_count]],
      ['subagents', s.subagent_count, [s.compaction_count]],
      ['total_tokens', s.total_tokens, [s.input_tokens, s.output_tokens, s.cache_read_tokens, s.cache_write_tokens]],
      ['cost', s.estimated_cost_usd, []],
    ]);
    const meta = await page.textContent('main .session-head .meta');
    assert.ok(meta.includes(duration(s.duration_seconds)), `the duration ${duration(s.duration_seconds)} in "${meta}"`);
    assert.deepEqual(await page.$$eval('main .session-head .meta .pill[title]', (l) => l.map((x) => x.title)), s.models);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Agents page: the types\' totals and the runs', async () => {
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, '/agents?range=all');
    const runs = (await answer('/api/subagents')).body.subagents;
    assert.ok(runs.length > 1, `the corpus has subagent runs (${runs.length})`);
    const types = new Map();
    for (const r of runs) {
      const t = types.get(r.agent_type || '(unknown)') || { runs: 0, tokens: 0, cost: 0 };
      types.set(r.agent_type || '(unknown)', { runs: t.runs + 1, tokens: t.tokens + (r.total_tokens || 0), cost: t.cost + (r.estimated_cost_usd || 0) });
    }
    const expected = [...types].sort((a, b) => b[1].runs - a[1].runs || a[0].localeCompare(b[0]))
      .map(([type, t]) => [type, t.runs, t.tokens, t.cost, t.cost / t.runs]);
    assert.deepEqual((await tableRows(page, 'Agent types')).map(([t, n, tok, c, avg]) => [t.text, n.value, tok.value, c.value, avg.value]), expected);
    assert.deepEqual((await tableRows(page, 'Agent runs')).map(([t, , s, st, m, tc, tok, c]) => [t.text, sessionOf(s.href), st.title, m.value, tc.value, tok.value, c.value]),
      runs.slice(0, 50).map((r) => [r.agent_type || '', r.session_id, r.started_at || '', r.message_count, r.tool_call_count, r.total_tokens, r.estimated_cost_usd]));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Settings page: database and ingest status', async () => {
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, '/settings');
    const h = (await answer('/api/health')).body;
    assert.ok(h.ingest.files > 0 && h.ingest.bytes > 0, 'the imported corpus was read');
    const kv = await page.$$eval('main section[aria-label="Database and ingest"] dl.kv dt', (l) =>
      Object.fromEntries(l.map((dt) => [dt.textContent.trim(), { text: dt.nextElementSibling.textContent.trim(), title: dt.nextElementSibling.getAttribute('title') }])));
    const int = (v) => new Intl.NumberFormat('en-US').format(v);
    assert.deepEqual({
      status: kv.Status.text, version: kv.Version.text, db: kv.Database.text, files: kv['Transcript files'].text,
      bytes: kv['Bytes read'].title, lag: kv['Ingest lag'].text, skipped: kv['Skipped lines'].text,
    }, {
      status: h.status, version: h.version, db: h.db_path, files: int(h.ingest.files),
      bytes: String(h.ingest.bytes), lag: ms(h.ingest.lag_ms), skipped: int(h.ingest.errors),
    });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Projects page', async () => {
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, '/projects?range=all');
    const projects = (await answer('/api/stats/projects')).body;
    assert.ok(projects.length > 2);
    assert.deepEqual((await tableRows(page, 'Projects')).map(([n, s, m, t, c, l]) => [n.text, n.title, s.value, m.value, t.value, c.value, l.title]),
      projects.map((p) => [`${p.name || p.path}${p.path}`, p.path, p.sessions, p.messages, p.total_tokens, p.cost_usd, p.last_activity_at]));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Cost page: cost by model and project, efficiency', async () => {
    const { page, problems, context } = await newPage(browser);
    const answer = await openAndCollect(page, srv.url, '/cost?range=all');
    const models = (await answer('/api/stats/models')).body;
    const modelRows = Array.isArray(models) ? models : models.models;
    assert.ok(modelRows.length > 1);
    assert.deepEqual((await tableRows(page, 'Cost by model')).map(([n, m, t, c]) => [n.text.replace(/ unpriced$/, ''), m.value, t.value, c.value]),
      modelRows.map((x) => [x.name, x.messages, x.total_tokens, x.cost_usd]));
    const projects = (await answer('/api/stats/projects')).body;
    assert.deepEqual((await tableRows(page, 'Cost by project')).map(([n, s, t, c]) => [n.title, s.value, t.value, c.value]),
      projects.map((p) => [p.path, p.sessions, p.total_tokens, p.cost_usd]));

    const eff = (await answer('/api/stats/token-efficiency')).body;
    for (const [id, k] of [['cache_hit_rate', 'cache_hit_rate'], ['cache_savings_usd', 'cache_savings_usd'], ['avg_in', 'avg_input_tokens_per_message'],
      ['avg_out', 'avg_output_tokens_per_message'], ['avg_tool', 'avg_tokens_per_tool_call']]) {
      assert.equal(await cardValue(page, id), eff[k], `card ${id}`);
    }
    assert.deepEqual((await tableRows(page, 'Efficiency by model')).map(([m, n, h, ai, ao, cr, cs]) => [m.text, n.value, h.text, Number(ai.title), Number(ao.title), cr.value, cs.value]),
      eff.efficiency_by_model.map((x) => [x.model, x.messages, pct(x.cache_hit_rate), x.avg_input_tokens, x.avg_output_tokens, x.cache_read_tokens, x.cache_savings_usd]));
    // Averages are shown with one decimal each, so that the columns line up, and round the API's.
    for (const [, , , ai, ao] of await tableRows(page, 'Efficiency by model')) {
      for (const c of [ai, ao]) {
        assert.match(c.text, /^\d{1,3}(,\d{3})*\.\d$/, `an average with one decimal: ${c.text}`);
        assert.ok(Math.abs(Number(c.text.replace(/,/g, '')) - Number(c.title)) <= 0.05 + 1e-9, `${c.text} rounds ${c.title}`);
      }
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
