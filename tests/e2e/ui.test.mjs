// Browser tests of the dashboard (web/) against the real `claudescope serve` (CLAUDESCOPE_BIN, see
// tests/e2e/helpers.mjs) on a gen_corpus.py tree imported with `claudescope import`: every page,
// the global filter, sessions sorting and paging, notes and tags, search, the live stream (hook
// events and transcript lines), budgets, theme, settings, history, narrow layouts, the session
// compare view and API error display.
//
// One browser, one server and one imported corpus serve every test. No check is skipped because
// an endpoint or a feature is missing: such a check fails. The only skip is the whole suite when
// there is no Chromium to drive. Screenshots go to build/screenshots/<page>.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { BIN, importCorpus, makeHome, runCli, startServer, subagentProjectSpan, transcriptLine } from './helpers.mjs';
import { CHROMIUM, launch, newPage, settled, shot, tableRows } from './ui_browser.mjs';
import { PAGES, mainText } from './ui_pages.mjs';
import { LOAD_BUDGET_BYTES, measureOverviewLoad } from './ui_load.mjs';

const noChromium = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the dashboard suite needs a browser`;

/** The block the overview cards show (same rule as web/pages/overview.js). */
function expectedBlock(stats) {
  return stats.period_label === 'filtered' && stats.filtered ? stats.filtered : stats.total;
}

async function getJson(url, init) {
  const r = await fetch(url, init);
  assert.equal(r.status, 200, `${init?.method || 'GET'} ${url} answers 200 (got ${r.status})`);
  return r.json();
}

/** The overview cards equal a fetch of the URL the cards were loaded from. */
async function cardsMatchApi(page, base) {
  await page.waitForSelector('#stats-cards .card[data-card="cost_usd"]');
  await page.waitForFunction(() => !document.querySelector('#stats-cards .state.loading'));
  const apiPath = await page.getAttribute('#stats-cards', 'data-api-url');
  const stats = await getJson(base + apiPath);
  const b = expectedBlock(stats);
  for (const k of ['sessions', 'messages', 'tool_calls', 'total_tokens', 'cost_usd']) {
    const shown = await page.getAttribute(`#stats-cards .card[data-card="${k}"]`, 'data-value');
    assert.equal(Number(shown), b[k], `card ${k} equals ${apiPath}`);
  }
  const costText = (await page.textContent('#stats-cards .card[data-card="cost_usd"] .card-value')).trim();
  assert.equal(costText, `$${b.cost_usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
  const tokText = (await page.textContent('#stats-cards .card[data-card="total_tokens"] .card-value')).trim();
  assert.equal(tokText, b.total_tokens.toLocaleString('en-US'));
  assert.equal(Number(await page.getAttribute('#stats-cards .card[data-card="active_sessions"]', 'data-value')), stats.active_sessions);
  return { apiPath, block: b };
}

/** A transcript line in Claude Code's format (positional form of helpers.mjs' transcriptLine). */
const line = (sessionId, cwd, type, uuid, parentUuid, content, extra = {}) =>
  transcriptLine({ sessionId, cwd, type, uuid, parentUuid, content, extra });

/** The session id a /sessions/<id>?... link points to. */
const sessionOfHref = (href) => decodeURIComponent(href.split('/sessions/')[1].split('?')[0]);

/**
 * The chart whose title starts with `prefix`, once drawn with its latest option: {title, dates
 * (the category axis), series: [{name, data}]}, read from its ECharts instance.
 */
async function chartData(page, prefix) {
  await page.evaluate(() => import('/vendor/echarts.js').then((m) => { window.__echarts = m; }));
  await page.waitForFunction((p) => {
    const el = [...document.querySelectorAll('main .chart')].find((c) => (c.getAttribute('aria-label') || '').startsWith(p));
    const chart = el && window.__echarts.getInstanceByDom(el);
    return !!chart && chart.getOption().title[0].text === el.getAttribute('aria-label');
  }, prefix);
  return page.evaluate((p) => {
    const el = [...document.querySelectorAll('main .chart')].find((c) => (c.getAttribute('aria-label') || '').startsWith(p));
    const o = window.__echarts.getInstanceByDom(el).getOption();
    return { title: el.getAttribute('aria-label'), dates: o.xAxis[0].data, series: o.series.map((x) => ({ name: x.name, data: x.data })) };
  }, prefix);
}

/** Every YYYY-MM-DD from `a` to `b`, both included. */
function daysFromTo(a, b) {
  const out = [];
  for (let d = new Date(`${a}T00:00:00Z`); d.toISOString().slice(0, 10) <= b; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

describe('dashboard against the real server', { skip: noChromium }, () => {
  let home;
  let srv;
  let base;
  let browser;
  let truth;
  // A session that only the live watcher sees: $HOME/.claude/projects/<dir>/<id>.jsonl.
  const live = { id: randomUUID(), cwd: '/tmp/ui-live-project', file: null, last: null };

  before(async () => {
    assert.ok(existsSync(BIN), `no server binary at ${BIN} (set CLAUDESCOPE_BIN)`);
    home = makeHome();
    ({ truth } = await importCorpus(home, { sessions: 30, seed: 5 }));

    const dir = path.join(home.home, '.claude', 'projects', '-tmp-ui-live-project');
    mkdirSync(dir, { recursive: true });
    live.file = path.join(dir, `${live.id}.jsonl`);
    live.last = 'live-0-a';
    // Started three minutes ago: an active session with a duration to show.
    writeFileSync(live.file, line(live.id, live.cwd, 'user', 'live-0-u', null, 'start the live ui session', { timestamp: new Date(Date.now() - 180000).toISOString() })
      + line(live.id, live.cwd, 'assistant', 'live-0-a', 'live-0-u', 'started'));

    srv = await startServer({ home });
    base = srv.url;
    const app = await fetch(`${base}/app.js`);
    assert.match(app.headers.get('content-type') || '', /javascript/, `${BIN} does not embed the dashboard (/app.js): rebuild it`);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await srv?.stop({ keepHome: true });
    home?.cleanup();
  });

  // The most expensive imported session: a rich page (the live test's session is tiny).
  const firstSession = async () => (await getJson(`${base}/api/sessions?limit=1&sort=cost&order=desc`)).sessions[0];
  const page0 = (opts = {}) => newPage(browser, opts);

  test('every page loads without console or CSP errors, never blank (screenshots)', async (t) => {
    const s = await firstSession();
    const probe = truth.search_probes.find((p) => p.messages > 0).q;
    const pages = [...PAGES,
      ['session', `/sessions/${encodeURIComponent(s.id)}`],
      ['project', `/projects/${encodeURIComponent(s.project_path)}`],
      ['search', `/search?q=${encodeURIComponent(probe)}`],
      ['not-found', '/no-such-page']];
    const index = await fetch(`${base}/sessions`);
    assert.match(index.headers.get('content-security-policy') || '', /script-src 'self'/, 'the dashboard is served with a CSP');
    const { page, problems, context } = await newPage(browser);
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const errorStates = [];
    const times = [];
    for (const [name, p] of pages) {
      const t0 = Date.now();
      // all time: the corpus is older than the default 30-day range, so pages show its data
      await page.goto(`${base}${p}${p.includes('?') ? '&' : '?'}range=all`);
      await settled(page);
      assert.ok((await mainText(page)).length > 0, `${name} is not blank`);
      assert.ok(await page.$('main h1, main .state'), `${name} has a heading or a state`);
      for (const e of await page.$$eval('main .state.error', (l) => l.map((x) => x.textContent.trim()))) errorStates.push(`${name}: ${e}`);
      const t1 = Date.now();
      await shot(page, name);
      times.push(`${name} ${t1 - t0}+${Date.now() - t1} ms`);
    }
    t.diagnostic(`load+screenshot: ${times.join(', ')}`);
    assert.deepEqual({ problems, errorStates }, { problems: [], errorStates: [] }, 'no console errors, page errors or CSP violations; no page shows an API error');
    assert.deepEqual(dialogs, [], 'no script ran from data (no alert dialogs)');
    await context.close();
  });

  // The render time is reported, not asserted (machines differ); bench/ui_bench.mjs checks it
  // against the 1 s target on a 1 GB store.
  test('the overview\'s first load transfers under 1.5 MB and shows its content, then its charts', async (t) => {
    const first = await measureOverviewLoad(browser, base);
    const again = await measureOverviewLoad(browser, base);
    t.diagnostic(`overview: ${first.requests} requests, ${(first.bytes / 1024).toFixed(0)} KiB; content after ${first.contentMs} ms, charts after ${first.completeMs} ms (again: ${again.contentMs} / ${again.completeMs} ms)`);
    assert.deepEqual(first.problems, []);
    // With ?range=all the daily chart and the year's calendar ask the same URL: one request.
    assert.ok(first.apiRequests >= 9, `the overview's API requests were seen (${first.apiRequests})`);
    assert.deepEqual(first.repeated, [], 'no API URL is requested twice by one page load');
    assert.ok(first.requests > 5, `the page and its scripts and API calls were counted (${first.requests})`);
    assert.ok(first.bytes > 100 * 1024, `bytes were counted (${first.bytes})`);
    assert.ok(first.bytes < LOAD_BUDGET_BYTES, `initial load ${first.bytes} bytes < 1.5 MB`);
  });

  test('overview cards equal the API before and after changing range and project; the filter survives reload and back', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/?range=all`);
    const all = await cardsMatchApi(page, base);
    assert.equal(all.apiPath, '/api/stats');
    assert.equal(await page.$('#welcome'), null, 'no fresh-install welcome once there are sessions');
    assert.equal(all.block.sessions, (await getJson(`${base}/api/stats`)).total.sessions);

    await page.click('button[data-preset="90d"]');
    await page.waitForURL(/range=90d/);
    await page.waitForFunction(() => /from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/.test(document.querySelector('#stats-cards').dataset.apiUrl));
    const ranged = await cardsMatchApi(page, base);
    assert.match(ranged.apiPath, /from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);

    const projects = (await getJson(`${base}/api/projects`)).projects;
    const project = projects.find((p) => p.path === '/home/dev/notes') || projects[0];
    await page.selectOption('select[aria-label="Project filter"]', project.path);
    await page.waitForURL((u) => new URL(u).searchParams.get('project') === project.path);
    await page.waitForFunction(() => /project=/.test(document.querySelector('#stats-cards').dataset.apiUrl));
    const proj = await cardsMatchApi(page, base);
    assert.match(proj.apiPath, /project=/);
    assert.ok(proj.block.sessions < all.block.sessions, 'a project has fewer sessions than all projects');

    // the filter follows navigation and survives a reload (shareable URL)
    await page.click('a[data-nav="sessions"]');
    await page.waitForURL(/\/sessions\?.*project=/);
    await page.reload();
    await page.waitForSelector('table.sessions tbody tr, main .state.empty');
    assert.equal(await page.inputValue('select[aria-label="Project filter"]'), project.path);
    const names = await page.$$eval('table.sessions tbody tr td:nth-child(2)', (l) => [...new Set(l.map((td) => td.textContent.trim()))]);
    assert.ok(names.length === 0 || (names.length === 1 && names[0] === project.name), `only the project's sessions: ${names}`);
    // back button: sessions -> overview (project) -> overview (90d)
    await page.goBack();
    await page.waitForURL((u) => new URL(u).pathname === '/');
    await page.waitForSelector('#stats-cards .card');
    assert.equal(new URL(page.url()).searchParams.get('project'), project.path);
    assert.equal(await page.inputValue('select[aria-label="Project filter"]'), project.path);
    await page.goBack();
    await page.waitForURL((u) => !/project=/.test(u));
    assert.equal(await page.inputValue('select[aria-label="Project filter"]'), '');
    await cardsMatchApi(page, base);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('overview tables equal the API: top tools, top projects, prompt categories and their shares', async () => {
    const { page, problems, context } = await page0();
    const asked = new Set();
    page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/stats/')) asked.add(u.pathname + u.search); });
    await page.goto(`${base}/?range=all`);
    await settled(page);
    const answer = async (p) => {
      const url = [...asked].find((u) => u.split('?')[0] === p);
      assert.ok(url, `the overview asked ${p}`);
      return getJson(base + url);
    };

    const tools = (await answer('/api/stats/tools')).slice(0, 10);
    assert.ok(tools.length > 3, 'the corpus has tool calls');
    assert.deepEqual((await tableRows(page, 'Top tools')).map(([n, c, e, s]) => [n.text, c.value, e.value, s.text]),
      tools.map((x) => [x.name, x.calls, x.errors, `${(x.success_rate * 100).toFixed(1)}%`]));

    const projects = (await answer('/api/stats/projects')).slice(0, 10);
    assert.ok(projects.length > 3, 'the corpus has several projects');
    assert.deepEqual((await tableRows(page, 'Top projects')).map(([n, s, tk, c]) => [n.text, s.value, tk.value, c.value]),
      projects.map((x) => [x.name || x.path, x.sessions, x.total_tokens, x.cost_usd]));

    // The API's percentage is a percent (0..100): a category under 1 % must not read as a
    // fraction (0.37 shown as 37 %). The builder's corpus has one ('other').
    const { categories } = await answer('/api/stats/prompt-patterns');
    assert.ok(categories.some((c) => c.percentage > 0 && c.percentage < 1), `a category under 1 %: ${JSON.stringify(categories)}`);
    const shown = await tableRows(page, 'Prompt categories');
    assert.deepEqual(shown.map(([n, k, sh, a]) => [n.text, k.value, sh.text, a.value]),
      categories.map((c) => [c.name, c.count, `${c.percentage.toFixed(1)}%`, c.avg_cost_usd]));
    const total = shown.reduce((s, r) => s + Number(r[2].text.replace('%', '')), 0);
    assert.ok(Math.abs(total - 100) < 0.1 * shown.length, `the shares add up to 100 % (${total})`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('keyboard and labels: every control on every page has a name; Tab, Enter and "/" work', async () => {
    const s = await firstSession();
    const { page, problems, context } = await page0();
    const unnamed = [];
    for (const [name, p] of [...PAGES, ['session', `/sessions/${encodeURIComponent(s.id)}`], ['project', `/projects/${encodeURIComponent(s.project_path)}`]]) {
      await page.goto(`${base}${p}?range=all`);
      await settled(page);
      // The accessible name a screen reader would read (aria-label, aria-labelledby, a <label>,
      // the text, a title or alt): never empty for something a keyboard can reach.
      const found = await page.$$eval('input:not([type=hidden]), select, textarea, button, a[href], [tabindex]:not([tabindex="-1"])', (els) => els.filter((el) => {
        if (el.closest('[hidden], [aria-hidden="true"]')) return false;
        const byId = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
        const label = el.labels && [...el.labels].map((l) => l.textContent).join(' ');
        const img = [...el.querySelectorAll('img[alt], svg[aria-label]')].map((i) => i.getAttribute('alt') || i.getAttribute('aria-label')).join(' ');
        const n = [el.getAttribute('aria-label'), el.getAttribute('aria-labelledby') && byId(el.getAttribute('aria-labelledby')),
          label, el.textContent, el.getAttribute('title'), img, el.type === 'submit' ? el.value : ''].filter(Boolean).join(' ').trim();
        return !n;
      }).map((el) => el.outerHTML.slice(0, 120)), null);
      for (const f of found) unnamed.push(`${name}: ${f}`);
    }
    assert.deepEqual(unnamed, [], 'every focusable control has an accessible name');

    // From the top of a page: the first Tab reaches "Skip to content", which moves focus to main;
    // Tab walks the sidebar, and Enter on a link opens its page.
    await page.goto(`${base}/?range=all`);
    await settled(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to content');
    const seen = [];
    for (let i = 0; i < 12 && !seen.includes('Sessions'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement.textContent.trim()));
    }
    assert.ok(seen.includes('Sessions'), `Tab reaches the sidebar's Sessions link: ${seen.join(' | ')}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sessions/);
    await page.waitForSelector('table.sessions tbody tr');
    // "/" focuses the search box; Enter there searches.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label') || document.activeElement.getAttribute('placeholder')), await page.evaluate(() => {
      const el = document.querySelector('header input[type="search"], header input');
      return el.getAttribute('aria-label') || el.getAttribute('placeholder');
    }));
    const probe = truth.search_probes.find((x) => x.messages > 0).q;
    await page.keyboard.type(probe);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('sessions table sorts and pages through the server', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/sessions?range=all`);
    await page.waitForSelector('table.sessions tbody tr');
    await page.click('button[aria-label="Sort by Cost"]');
    await page.waitForURL(/sort=cost&order=desc/);
    await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]'));
    const api = await getJson(`${base}/api/sessions?sort=cost&order=desc&limit=25`);
    assert.ok(api.total > 25, `more than one page of sessions (${api.total})`);
    await page.waitForFunction((id) => document.querySelector('table.sessions tbody tr a.sess-link')?.getAttribute('href').includes(id), api.sessions[0].id);
    const shown = await page.$$eval('table.sessions tbody tr a.sess-link', (l) => l.map((a) => decodeURIComponent(a.getAttribute('href').split('/sessions/')[1].split('?')[0])));
    assert.deepEqual(shown, api.sessions.map((s) => s.id), 'page 1 is the server order');
    await page.click('button[aria-label="Next page"]');
    await page.waitForURL(/offset=25/);
    await page.waitForSelector('text=Page 2 of');
    const api2 = await getJson(`${base}/api/sessions?sort=cost&order=desc&limit=25&offset=25`);
    await page.waitForFunction((id) => document.querySelector('table.sessions tbody tr a.sess-link')?.getAttribute('href').includes(id), api2.sessions[0].id);
    assert.equal(await page.$$eval('table.sessions tbody tr', (l) => l.length), api2.sessions.length);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('notes and tags edits persist after reload', async () => {
    const s = await firstSession();
    const { page, problems, context } = await page0();
    await page.goto(`${base}/sessions/${encodeURIComponent(s.id)}`);
    await page.waitForSelector('textarea[aria-label="Session notes"]');
    const note = `UI test note <b>not bold</b> ${Date.now()}`;
    await page.fill('textarea[aria-label="Session notes"]', note);
    await page.fill('input[aria-label="Session tags"]', 'ui-test, second ,ui-test');
    await page.click('button:has-text("Save notes and tags")');
    await page.waitForSelector('.notes-form .ok-text');
    await page.reload();
    await page.waitForSelector('textarea[aria-label="Session notes"]');
    await page.waitForFunction((n) => document.querySelector('textarea[aria-label="Session notes"]').value === n, note);
    assert.deepEqual((await page.inputValue('input[aria-label="Session tags"]')).split(', ').sort(), ['second', 'ui-test']);
    const api = await getJson(`${base}/api/sessions/${encodeURIComponent(s.id)}`);
    assert.equal(api.session.notes, note);
    assert.deepEqual([...api.session.tags].sort(), ['second', 'ui-test']);
    assert.equal(await page.$('.session-title b, .notes-form b'), null, 'notes are text, not HTML');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('search finds a probe word and opens the message in its session', async () => {
    const probe = truth.search_probes.find((p) => p.messages > 0);
    assert.ok(probe, 'the corpus has a search probe with messages');
    const { page, problems, context } = await page0();
    await page.goto(`${base}/`);
    await page.waitForSelector('#global-search');
    await page.fill('#global-search', probe.q);
    await page.press('#global-search', 'Enter');
    await page.waitForURL(/\/search\?/);
    await page.waitForSelector('.result, main .state.empty, main .state.error');
    const api = await getJson(`${base}/api/search?q=${encodeURIComponent(probe.q)}&limit=100`);
    assert.equal(api.results.length, probe.messages, 'the API finds every message with the probe');
    const count = await page.$$eval('.result', (l) => l.length);
    assert.equal(count, api.results.length, 'one row per API result');
    await shot(page, 'search-results');
    await page.click('.result a.result-link');
    await page.waitForURL(/\/sessions\/[^?]+\?.*m=/);
    await page.waitForSelector('.msg.hi');
    const hiText = (await page.textContent('.msg.hi')).toLowerCase();
    assert.ok(hiText.includes(probe.q.toLowerCase()), 'the opened message contains the probe');
    assert.ok(probe.sessions.some((id) => page.url().includes(id)), 'the message opens in a session that has it');
    await shot(page, 'search-hit');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a hook event posted to /api/hooks appears on the Live page; type filter and pause work', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/live`);
    await page.waitForSelector('[data-conn="open"]', { timeout: 10000 });
    const sid = `ui-hook-${Date.now()}`;
    const post = async (ev) => {
      const r = await fetch(`${base}/api/hooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session_id: sid, cwd: '/tmp', transcript_path: '/tmp/none.jsonl', ...ev }) });
      assert.equal(r.status, 200, `POST /api/hooks answers 200 (got ${r.status})`);
    };
    await post({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'echo <b>hi</b>' } });
    await page.waitForSelector(`.event[data-session="${sid}"][data-event="PreToolUse"]`, { timeout: 10000 });
    assert.equal(await page.$('.event b'), null, 'event fields are rendered as text');
    await post({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_response: { stdout: 'hi' } });
    await page.waitForSelector(`.event[data-session="${sid}"][data-event="PostToolUse"]`, { timeout: 10000 });
    await page.selectOption('select[aria-label="Filter events by type"]', 'PostToolUse');
    const types = await page.$$eval('.event', (l) => [...new Set(l.map((e) => e.dataset.event))]);
    assert.deepEqual(types, ['PostToolUse'], 'the type filter shows only that type');
    await page.selectOption('select[aria-label="Filter events by type"]', '');
    await page.click('button:has-text("Pause")');
    await post({ hook_event_name: 'Notification', message: 'while paused' });
    await page.waitForSelector('button:has-text("skipped")', { timeout: 10000 });
    assert.equal(await page.$(`.event[data-session="${sid}"][data-event="Notification"]`), null, 'paused: not shown');
    await page.click('button:has-text("Resume")');
    await shot(page, 'live-hook');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a transcript line appended during the test appears on the Live page', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/live`);
    await page.waitForSelector('[data-conn="open"]', { timeout: 10000 });
    // the session written before the server started was ingested by the live watcher
    const before = await getJson(`${base}/api/sessions/${live.id}`);
    const tokensBefore = before.session.total_tokens;
    const uid = `live-${Date.now()}`;
    appendFileSync(live.file, line(live.id, live.cwd, 'user', `${uid}-u`, live.last, 'live ui probe line')
      + line(live.id, live.cwd, 'assistant', `${uid}-a`, `${uid}-u`, 'ok'));
    live.last = `${uid}-a`;
    await page.waitForSelector(`.event[data-session="${live.id}"]`, { timeout: 20000 });
    const after = await getJson(`${base}/api/sessions/${live.id}`);
    assert.equal(after.session.total_tokens, tokensBefore + 18, 'the appended assistant usage is ingested once');
    assert.ok(after.messages.some((m) => (m.content_text || '').includes('live ui probe line')));
    await shot(page, 'live-transcript');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('budgets: create, edit, delete through the Cost page forms', async () => {
    const { page, problems, context } = await newPage(browser);
    page.on('dialog', (d) => d.accept());
    await page.goto(`${base}/cost`);
    await settled(page);
    await page.click('button:has-text("New budget")');
    await page.fill('input[aria-label="Budget name"]', 'UI weekly');
    await page.fill('input[aria-label="Budget amount in USD"]', '12.5');
    await page.selectOption('select[aria-label="Budget period"]', 'weekly');
    await page.click('button:has-text("Create budget")');
    await page.waitForSelector('.budget:has-text("UI weekly"), #budgets .state.error, #budgets .error-text, #budgets [role="alert"]');
    const failure = await page.$$eval('#budgets .state.error, #budgets .error-text, #budgets [role="alert"]', (l) => l.map((e) => e.textContent.trim()));
    assert.deepEqual(failure, [], 'creating a budget through the form succeeds (POST /api/budgets)');
    const list = async () => { const d = await getJson(`${base}/api/budgets`); return Array.isArray(d) ? d : d.budgets; };
    const created = (await list()).find((b) => b.name === 'UI weekly');
    assert.ok(created, 'GET /api/budgets lists the new budget');
    assert.deepEqual({ name: created.name, amount: created.amount, period: created.period, warning_threshold: created.warning_threshold, project: created.project },
      { name: 'UI weekly', amount: 12.5, period: 'weekly', warning_threshold: 0.8, project: '' });
    await page.click('button[aria-label="Edit budget UI weekly"]');
    await page.fill('input[aria-label="Budget amount in USD"]', '20');
    await page.click('button:has-text("Save budget")');
    await page.waitForSelector('.budget:has-text("UI weekly") >> text=$20.00');
    assert.equal((await list()).find((b) => b.id === created.id).amount, 20);
    // The edit persists: a reload shows the saved budget (weekly, $20.00).
    await page.reload();
    await settled(page);
    await page.waitForSelector('.budget:has-text("UI weekly") >> text=$20.00');
    assert.match(await page.textContent('.budget:has-text("UI weekly")'), /this week/);
    await shot(page, 'cost-budgets');
    await page.click('button[aria-label="Delete budget UI weekly"]');
    await page.waitForSelector('text=Deleted "UI weekly".');
    await page.waitForFunction(() => !document.querySelector('[aria-label="Edit budget UI weekly"]'));
    assert.equal((await list()).some((b) => b.name === 'UI weekly'), false);
    assert.deepEqual(problems, []);
    await context.close();
  });

  // Appends a prompt and its answer (18 tokens) to the live session's transcript; the server's
  // watcher ingests them and sends SessionUpdate (and any budget event) on the WebSocket.
  const appendLive = (text) => {
    const uid = `live-${randomUUID()}`;
    appendFileSync(live.file, line(live.id, live.cwd, 'user', `${uid}-u`, live.last, text)
      + line(live.id, live.cwd, 'assistant', `${uid}-a`, `${uid}-u`, 'ok'));
    live.last = `${uid}-a`;
  };
  const budgetApi = async (method, p, body) => {
    const r = await fetch(`${base}${p}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body && JSON.stringify(body) });
    assert.ok(r.status < 300, `${method} ${p} answers ${r.status}`);
    return r.status === 204 ? null : r.json();
  };

  test('agents page: a project and date filter narrows the runs to exactly the matching ones', async () => {
    const all = (await getJson(`${base}/api/subagents?limit=1000`)).subagents;
    // A project with runs on two (UTC: the page is asked with tz=UTC) days or more, so that the
    // dates keep only some of them; expected is newest first, as the API.
    const { project, runs, from, to, expected } = subagentProjectSpan(all, (await getJson(`${base}/api/sessions?limit=1000`)).sessions);
    assert.ok(project, 'some project has subagent runs on two days or more');
    assert.ok(expected.length > 0 && expected.length < runs.length && expected.length < all.length);

    const { page, problems, context } = await page0();
    await page.goto(`${base}/agents?project=${encodeURIComponent(project)}&from=${from}&to=${to}&tz=UTC`);
    await page.waitForSelector('main table');
    const shown = (await tableRows(page, 'Agent runs')).map((r) => [sessionOfHref(r[2].href), r[3].title]);
    assert.deepEqual(shown, expected.slice(0, 50).map((a) => [a.session_id, a.started_at]), 'the runs table lists exactly the matching runs, newest first');
    const types = await tableRows(page, 'Agent types');
    assert.equal(types.reduce((n, r) => n + r[1].value, 0), expected.length, 'the per-type runs add up to the matching runs');
    const cost = types.reduce((n, r) => n + r[3].value, 0);
    assert.ok(Math.abs(cost - expected.reduce((n, a) => n + a.estimated_cost_usd, 0)) < 1e-6 * expected.length, 'and so does their cost');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('live page: active sessions show the duration from start to last activity and their counts', async () => {
    // A new line makes the session active again, whatever time the earlier tests took.
    const count = async () => (await getJson(`${base}/api/sessions/${live.id}`)).session.message_count;
    const before = await count();
    appendLive('keep the live session active');
    for (let tries = 0; tries < 200 && await count() < before + 2; tries++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await count(), before + 2, 'the watcher ingested the new line');
    const { page, problems, context } = await page0();
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/stats/active-sessions');
    await page.goto(`${base}/live`);
    const active = await (await answer).json();
    const a = active.sessions.find((x) => x.id === live.id);
    assert.ok(a, 'the live session is active');
    // The Active sessions section's table, its columns by label.
    const link = `main table a.sess-link[href*="${live.id}"]`;
    await page.waitForSelector(link);
    const caption = await page.$eval(link, (a) => a.closest('table').querySelector('caption').textContent.trim());
    assert.equal(caption, 'Active sessions');
    const cells = (await tableRows(page, caption)).find((r) => sessionOfHref(r[0].href) === live.id);
    const header = await page.$eval(link, (a) => [...a.closest('table').querySelectorAll('thead th')].map((th) => th.textContent.replace(/[▲▼]/g, '').trim()));
    const cell = (label) => cells[header.indexOf(label)] || {};
    const seconds = (Date.parse(a.last_activity_at) - Date.parse(a.started_at)) / 1000;
    assert.ok(seconds >= 180, `the session started three minutes before its last line (${seconds} s)`);
    assert.equal(cell('Duration').value, seconds, 'the duration is last activity minus start');
    const text = await page.evaluate((x) => import('/format.js').then((m) => m.duration(x)), seconds);
    assert.notEqual(text, '—');
    assert.equal(cell('Duration').text, text);
    assert.equal(cell('Started').title, a.started_at);
    assert.equal(cell('Last activity').title, a.last_activity_at);
    assert.deepEqual([cell('Messages').value, cell('Tool calls').value, cell('Tokens').value, cell('Cost').value],
      [a.message_count, a.tool_call_count, a.total_tokens, a.estimated_cost_usd]);
    assert.equal(cell('Project').text, a.project_name);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('budgets: the forecast shown is the API\'s forecast_spend, whatever the browser\'s clock says', async () => {
    // Some spend this month, even when the suite started in the previous one: a line written now.
    const created = await budgetApi('POST', '/api/budgets', { name: 'UI forecast', amount: 1000, period: 'monthly', warning_threshold: 1, project: '' });
    appendLive('spend this month');
    let st;
    for (const until = Date.now() + 20000; ;) {
      st = (await budgetApi('GET', '/api/budgets/status')).budgets.find((b) => b.id === created.id);
      if (st.current_spend > 0 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(st.current_spend > 0, `spend this month (${st.current_spend})`);
    const start = Date.parse(st.period_start);
    const length = Date.parse(st.period_end) - start;
    // The browser's clock is put far from the server's point in the period, so a forecast made
    // in the browser (spend / elapsed share) would differ from the server's ...
    const serverShare = (Date.now() - start) / length;
    const browserShare = serverShare > 0.5 ? 0.1 : 0.9;
    // ... and an amount between the two forecasts makes only one of them "over budget".
    const amount = Number(Math.sqrt(st.forecast_spend * (st.current_spend / browserShare)).toFixed(6));
    await budgetApi('PUT', `/api/budgets/${created.id}`, { name: 'UI forecast', amount, period: 'monthly', warning_threshold: 1, project: '' });
    const { page, problems, context } = await page0();
    await page.clock.setFixedTime(new Date(start + browserShare * length));
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/budgets/status');
    await page.goto(`${base}/cost`);
    const b = (await (await answer).json()).budgets.find((x) => x.id === created.id);
    const shown = await page.waitForSelector(`.budget[data-budget="${created.id}"] .budget-foot span:has-text("by period end")`);
    assert.equal(Number(await shown.getAttribute('data-value')), b.forecast_spend, 'the forecast is forecast_spend');
    const over = b.forecast_spend > b.amount;
    assert.equal(over, serverShare <= 0.5, 'the amount lies between the two forecasts');
    assert.equal((await shown.textContent()).includes('over budget'), over, 'over budget exactly when forecast_spend is over the amount');
    assert.deepEqual(problems, []);
    await context.close();
    await budgetApi('DELETE', `/api/budgets/${created.id}`);
  });

  test('live page: the session filter lists sessions only (not budget ids); git sync events summarise their result', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/live`);
    await page.waitForSelector('[data-conn="open"]', { timeout: 10000 });
    // A budget that today's spend exceeds: the next ingest sends BudgetExceeded with its id.
    const budget = await budgetApi('POST', '/api/budgets', { name: 'UI live budget', amount: 0.000001, period: 'daily', project: '' });
    appendLive('spend over the budget');
    await page.waitForSelector('.event[data-event="BudgetExceeded"]', { timeout: 20000 });
    await page.waitForSelector(`.event[data-event="SessionUpdate"][data-session="${live.id}"]`);
    const exceeded = JSON.parse(await page.textContent('.event[data-event="BudgetExceeded"] pre'));
    assert.equal(exceeded.id, budget.id, 'the event carries the budget\'s id');
    const options = await page.$$eval('select[aria-label="Filter events by session"] option', (l) => l.map((o) => o.value).filter(Boolean));
    const sessions = await page.$$eval('.event', (l) => [...new Set(l.map((e) => e.dataset.session).filter(Boolean))]);
    assert.ok(options.includes(live.id));
    assert.ok(!options.includes(String(budget.id)), `no budget id among the sessions: ${options}`);
    assert.deepEqual(options.sort(), sessions.sort(), 'the sessions offered are those of the events');
    await page.selectOption('select[aria-label="Filter events by session"]', live.id);
    assert.deepEqual(await page.$$eval('.event', (l) => [...new Set(l.map((e) => e.dataset.session))]), [live.id]);
    await page.selectOption('select[aria-label="Filter events by session"]', '');
    await budgetApi('DELETE', `/api/budgets/${budget.id}`);

    const sync = await fetch(`${base}/api/git-sync`, { method: 'POST' });
    assert.equal(sync.status, 202);
    const ev = await page.waitForSelector('.event[data-event="GitSyncComplete"]', { timeout: 20000 });
    const done = JSON.parse(await (await ev.$('pre')).textContent());
    const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
    assert.ok(done.skipped.length > 0, 'the corpus\'s working directories do not exist: their sessions are skipped');
    const summary = (await (await ev.$('.ev-sum')).textContent()).trim();
    const counts = [`${n(done.commits, 'commit', 'commits')} linked`, n(done.repos, 'repository', 'repositories'),
      `${n(done.skipped.length, 'session', 'sessions')} skipped`, n(done.errors.length, 'error', 'errors')].join(' · ');
    assert.equal(summary.slice(0, counts.length), counts, 'the summary counts what the sync did (then names any error)');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('daily charts cover exactly the filter\'s days: Cost (daily, weekly, all time), Overview, Project', async () => {
    // A range in the corpus's past, with activity after its end.
    const sessions = (await getJson(`${base}/api/sessions?limit=1000&order=asc`)).sessions
      .filter((x) => x.started_at && Date.parse(x.started_at) < Date.now() - 86400000);  // not the tests' own
    const first = sessions[0].started_at.slice(0, 10);
    const lastDay = sessions[sessions.length - 1].started_at.slice(0, 10);
    const from = daysFromTo(first, lastDay)[3];
    const to = daysFromTo(first, lastDay).at(-6);
    const range = daysFromTo(from, to);
    const { page, problems, context } = await page0();
    const costTable = async () => new Map((await tableRows(page, 'Cost by model')).map((r) => [r[0].text.replace(/ unpriced$/, ''), r[3].value]));
    const sums = (series) => new Map(series.map((x) => [x.name, x.data.reduce((a, v) => a + v, 0)]));
    // Each day's cost is rounded to 6 decimals, as is the table's total.
    const close = (a, b, days, what) => assert.ok(Math.abs(a - b) <= 1e-6 * (days + 1), `${what}: ${a} vs ${b}`);

    await page.goto(`${base}/cost?from=${from}&to=${to}&tz=UTC&gran=daily`);
    const daily = await chartData(page, 'Cost per day');
    assert.deepEqual(daily.dates, range, 'the daily cost chart has the filter\'s days, no more');
    assert.match(daily.title, new RegExp(`${from} – ${to} \\(${range.length} days\\)`));
    await page.click('button:has-text("weekly")');
    const weekly = await chartData(page, 'Cost per week');
    const table = await costTable();
    assert.ok(weekly.series.length > 0);
    for (const [name, sum] of sums(weekly.series)) close(sum, table.get(name), range.length, `the weekly bars of ${name} add up to its row in the table`);

    await page.goto(`${base}/cost?range=all&tz=UTC&gran=monthly`);
    const monthly = await chartData(page, 'Cost per month');
    const today = new Date().toISOString().slice(0, 10);
    const oldest = (await getJson(`${base}/api/sessions?from=1970-01-01&sort=started_at&order=asc&limit=1&tz=UTC`)).sessions[0].started_at.slice(0, 10);
    assert.match(monthly.title, new RegExp(`${oldest} – ${today}`), 'all time: from the oldest session to today');
    assert.equal(monthly.dates[0], oldest.slice(0, 7));
    const allTable = await costTable();
    for (const [name, sum] of sums(monthly.series)) close(sum, allTable.get(name), daysFromTo(oldest, today).length, `all time: the monthly bars of ${name} add up to its row`);

    const asked = [];
    page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname === '/api/stats/daily') asked.push(u.search); });
    await page.goto(`${base}/?from=${from}&to=${to}&tz=UTC`);
    const overview = await chartData(page, 'Tokens and cost per day');
    assert.deepEqual(overview.dates, range, 'the overview\'s daily chart has the filter\'s days');
    await page.goto(`${base}/?range=30d&tz=UTC`);
    const recent = await chartData(page, 'Tokens and cost per day');
    assert.deepEqual(recent.dates, daysFromTo(new Date(Date.parse(today) - 29 * 86400000).toISOString().slice(0, 10), today), '30d: the last 30 days up to today');
    await page.goto(`${base}/?range=all&tz=UTC`);
    const year = await chartData(page, 'Tokens and cost per day');
    assert.equal(year.dates.length, 366);
    assert.match(year.title, /the last 366 days only .* not all time/, 'all time: the title says the chart shows the last year only');
    // 30d and all: the daily chart shares the year calendar's request.
    assert.equal(asked.length, 4, `one request for the custom range and the calendar, then one per load: ${asked}`);

    const project = sessions.find((x) => x.started_at.slice(0, 10) >= from && x.started_at.slice(0, 10) <= to).project_path;
    await page.goto(`${base}/projects/${encodeURIComponent(project)}?from=${from}&to=${to}&tz=UTC`);
    const proj = await chartData(page, 'Cost per day');
    assert.deepEqual(proj.dates, range, 'the project\'s daily cost chart has the filter\'s days');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('theme is saved and applied; dark screenshots', async () => {
    const { page, problems, context } = await page0();
    await page.goto(`${base}/`);
    await settled(page);
    await page.selectOption('select[aria-label="Colour theme"]', 'dark');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.reload();
    await settled(page);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'the theme survives a reload');
    assert.equal(await page.inputValue('select[aria-label="Colour theme"]'), 'dark');
    await shot(page, 'overview-dark');
    await page.goto(`${base}/sessions/${encodeURIComponent((await firstSession()).id)}`);
    await settled(page);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await shot(page, 'session-dark');
    await page.selectOption('select[aria-label="Colour theme"]', 'auto');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('charts follow their container when the window is resized', async () => {
    // A chart redraws only when its container's size really changed (components/chart.js):
    // narrowing the window must still reach every chart.
    const { page, problems, context } = await page0({ width: 1280, height: 1000 });
    await page.goto(`${base}/?range=all`);
    await settled(page);
    const fits = () => page.waitForFunction(() => {
      const charts = [...document.querySelectorAll('main .chart')];
      return charts.length > 0 && charts.every((c) => {
        const canvas = c.querySelector('canvas');
        return canvas && parseFloat(canvas.style.width) === c.clientWidth;
      });
    }, null, { timeout: 10000 });
    const widths = () => page.evaluate(() => [...document.querySelectorAll('main .chart')].map((c) => c.clientWidth));
    await fits();
    const wide = await widths();
    await page.setViewportSize({ width: 900, height: 1000 });
    await fits();
    const narrow = await widths();
    assert.equal(narrow.length, wide.length);
    assert.ok(narrow.every((w, i) => w < wide[i]), `every chart got narrower: ${wide} -> ${narrow}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('charts load only where needed; 768 px layouts do not overflow horizontally', async () => {
    const { page, problems, context } = await page0({ width: 768, height: 1000 });
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${base}/sessions?range=all`);
    await settled(page);
    assert.ok(!requested.includes('/vendor/echarts.js'), 'the sessions list does not load ECharts');
    const echarts = await (await fetch(`${base}/vendor/echarts.js`)).text();
    assert.ok(echarts.startsWith('/* claudescope: ECharts with only the dashboard\'s charts'),
      `the served ECharts is web/vendor/echarts.js bundled, not the full build: ${echarts.slice(0, 60)}`);
    assert.ok(echarts.length < 800 * 1024, `the bundle holds only what the pages draw (${echarts.length} bytes)`);
    const s = await firstSession();
    for (const p of ['/sessions?range=all', '/?range=all', `/sessions/${encodeURIComponent(s.id)}`, '/cost', '/tools', '/live', '/settings']) {
      await page.goto(base + p);
      await settled(page);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(over <= 1, `${p} fits 768 px (overflow ${over}px)`);
    }
    await shot(page, 'settings-768');
    await page.click('button[aria-label="Toggle navigation"]');
    await page.click('a[data-nav="tools"]');
    await page.waitForURL(/\/tools/);
    await settled(page);
    assert.ok(requested.includes('/vendor/echarts.js'), 'the tools page loads ECharts');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('session page: timeline, subagents nested under their call, compare view', async () => {
    const sub = (await getJson(`${base}/api/subagents?limit=1`)).subagents[0];
    const { page, problems, context } = await page0();
    await page.goto(`${base}/sessions/${encodeURIComponent(sub.session_id)}`);
    await page.waitForSelector('.chart canvas');
    const nested = await page.$(`.toolcall .agent[data-agent-id="${sub.id}"]`);
    assert.ok(nested, 'the subagent is nested under the call that spawned it');
    await page.click(`.agent[data-agent-id="${sub.id}"] > summary`);
    await page.waitForSelector(`.agent[data-agent-id="${sub.id}"] .msg`);
    await page.click('button:has-text("Compare with another session")');
    await page.waitForSelector('select[aria-label="Session to compare with"] option:nth-child(2)', { state: 'attached' });
    const other = await page.$eval('select[aria-label="Session to compare with"] option:nth-child(2)', (o) => o.value);
    await page.selectOption('select[aria-label="Session to compare with"]', other);
    await page.waitForURL(/compare=/);
    await page.waitForSelector('table.compare tbody tr');
    const a = (await getJson(`${base}/api/sessions/${encodeURIComponent(sub.session_id)}`)).session;
    const o = (await getJson(`${base}/api/sessions/${encodeURIComponent(other)}`)).session;
    const cost = await page.$$eval('table.compare tbody tr', (rows) => {
      const tds = rows.find((r) => r.textContent.startsWith('Cost')).querySelectorAll('td');
      return [tds[0].getAttribute('title'), tds[1].getAttribute('title')];
    });
    assert.deepEqual(cost.map(Number), [a.estimated_cost_usd, o.estimated_cost_usd], 'compare shows both sessions\' costs from the API');
    await shot(page, 'session-compare');
    assert.deepEqual(problems, []);
    await context.close();
  });

  // Hovers one point of a drawn chart (ECharts places it: a day with a value, an item, the
  // grid's middle) and returns the tooltip's lines as text once it shows.
  async function hoverTip(page, chartEl) {
    await page.evaluate(() => import('/vendor/echarts.js').then((m) => { window.__echarts = m; }));
    await page.waitForFunction((el) => !!window.__echarts.getInstanceByDom(el), chartEl);
    const at = await chartEl.evaluate((el) => {
      const c = window.__echarts.getInstanceByDom(el);
      const o = c.getOption();
      const s = o.series[0];
      const biggest = (data, v) => data.reduce((b, d) => (v(d) > v(b) ? d : b), data[0]);
      if (s.type === 'heatmap') { const d = biggest(s.data, (x) => x[1]); return c.convertToPixel({ seriesIndex: 0 }, d); }
      if (s.type === 'scatter') { const d = s.data[0]; return c.convertToPixel({ seriesIndex: 0 }, d.value || d); }
      if (s.type === 'treemap') return [el.clientWidth / 2, el.clientHeight / 2 + 20];
      const cats = (o.xAxis[0].type === 'category' ? o.xAxis[0] : o.yAxis[0]).data;
      const sums = cats.map((_, i) => o.series.reduce((a, x) => a + (Number(x.data[i]) || 0), 0));
      const i = sums.indexOf(Math.max(...sums));
      const horizontal = o.xAxis[0].type !== 'category';
      const p = c.convertToPixel(horizontal ? { yAxisIndex: 0 } : { xAxisIndex: 0 }, cats[i]);
      return horizontal ? [el.clientWidth / 2, p] : [p, el.clientHeight / 2];
    });
    const box = await chartEl.boundingBox();
    await page.mouse.move(box.x + at[0] - 3, box.y + at[1] - 3);
    await page.mouse.move(box.x + at[0], box.y + at[1]);
    const tipEl = await chartEl.waitForSelector('.chart-tip', { state: 'visible', timeout: 5000 });
    const lines = await tipEl.$$eval(':scope > div', (l) => l.map((d) => [d.textContent, d.querySelector('.chart-tip-marker') ? getComputedStyle(d.querySelector('.chart-tip-marker')).backgroundColor : null]));
    await page.mouse.move(0, 0);
    return lines;
  }

  test('chart tooltips: every chart\'s shows, its colour markers survive the CSP, the daily chart\'s values are the API\'s', async () => {
    const s = await firstSession();
    const project = (await getJson(`${base}/api/projects`)).projects[0].path;
    const { page, problems, context } = await page0({ width: 1280, height: 2400 });
    const tips = {};
    for (const p of ['/?range=all', '/cost?range=all', '/tools?range=all', '/agents?range=all',
      `/projects/${encodeURIComponent(project)}?range=all`, `/sessions/${encodeURIComponent(s.id)}`]) {
      await page.goto(base + p);
      await page.waitForFunction(() => { const cs = [...document.querySelectorAll('main .chart')]; return cs.length && cs.every((c) => c.querySelector('canvas')); });
      await settled(page);
      for (const el of await page.$$('main .chart')) tips[`${p} ${await el.getAttribute('aria-label')}`] = await hoverTip(page, el);
    }
    assert.ok(Object.keys(tips).length >= 10, `charts hovered: ${Object.keys(tips).join('; ')}`);
    for (const [chart, lines] of Object.entries(tips)) {
      assert.ok(lines.length >= 2 && lines[0][0].trim(), `${chart}: a first line and a value (${JSON.stringify(lines)})`);
      for (const [text, colour] of lines.slice(1)) assert.ok(colour === null || /^rgb/.test(colour), `${chart}: "${text}" has a coloured marker (${colour})`);
    }
    const dailyKey = Object.keys(tips).find((k) => k.startsWith('/?range=all Tokens and cost per day'));
    assert.ok(dailyKey, `the overview's daily chart was hovered: ${Object.keys(tips).join('; ')}`);
    const daily = tips[dailyKey];
    assert.ok(daily.slice(1).every(([, colour]) => colour && colour !== 'rgba(0, 0, 0, 0)'), 'every series line has its colour');
    const day = daily[0][0];
    assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
    const row = (await getJson(`${base}/api/stats/daily?from=${day}&to=${day}`))[0];
    const shown = Object.fromEntries(daily.slice(1).map(([t]) => t.split(': ')));
    const int = (v) => new Intl.NumberFormat('en-US').format(v);
    assert.deepEqual(shown, {
      Input: int(row.input_tokens), Output: int(row.output_tokens), 'Cache read': int(row.cache_read_tokens),
      'Cache write': int(row.cache_write_tokens), Cost: shown.Cost && `${shown.Cost.split(' ')[0]} (${row.cost_usd})`,
    }, `the tooltip of ${day} shows /api/stats/daily's values`);
    assert.ok(row.cost_usd > 0, `the hovered day has a cost (${day})`);
    assert.deepEqual(problems, [], 'no CSP violation or console error while hovering');
    await context.close();
  });

  test('API errors are shown, not blank: an unknown session id', async () => {
    const { page, problems, excused, context } = await newPage(browser, { ignore: (t) => /status of 404/.test(t) });
    const r = await fetch(`${base}/api/sessions/does-not-exist`);
    assert.equal(r.status, 404);
    await page.goto(`${base}/sessions/does-not-exist`);
    await page.waitForSelector('main .state.error');
    assert.match(await page.textContent('main .state.error'), /404/);
    await shot(page, 'session-missing');
    assert.ok(excused.length > 0, 'the browser saw the 404');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a link with a bad filter says so once, asks the server nothing with it, and one click drops the bad part', async () => {
    const { page, problems, context } = await page0();
    const asked = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) asked.push(r.url()); });
    const project = (await getJson(`${base}/api/projects`)).projects[0].path;
    // The server rejects each of these values, naming the parameter: the page must agree.
    for (const [q, param] of [['from=bad', 'from'], ['tz=Nowhere%2FCity', 'tz'], ['from=2026-05-02&to=2026-05-01', 'from'], ['from=2026-02-30', 'from']]) {
      const r = await fetch(`${base}/api/stats?${q}`);
      assert.equal(r.status, 400, q);
      assert.match((await r.json()).error, new RegExp(param), q);
    }
    await page.goto(`${base}/?from=bad&tz=Nowhere%2FCity&project=${encodeURIComponent(project)}`);
    await page.waitForSelector('main .filter-problems');
    await page.waitForTimeout(300);  // a section that asked anyway would show its 400 by now
    assert.equal(await page.$$eval('main .state.error', (e) => e.length), 1, 'one message, not one per section');
    assert.deepEqual(await page.$$eval('main .filter-problems li', (li) => li.map((x) => x.dataset.param)), ['from', 'tz']);
    assert.match(await page.textContent('main .filter-problems'), /from=bad: from must be a date \(YYYY-MM-DD\) or an RFC 3339 time/);
    assert.deepEqual(asked.filter((u) => /from=bad|Nowhere/.test(u)), [], 'no request carries the bad values');
    await shot(page, 'filter-invalid');

    await page.click('main .filter-problems button');
    await page.waitForURL((u) => !u.searchParams.has('from') && !u.searchParams.has('tz'));
    assert.equal(new URL(page.url()).searchParams.get('project'), project, 'the valid part of the filter stays');
    const { apiPath } = await cardsMatchApi(page, base);
    assert.match(apiPath, /project=/);

    for (const [q, param] of [['from=2026-05-02&to=2026-05-01', 'from'], ['range=5y', 'range'], ['range=0d', 'range'], ['from=2026-02-30', 'from']]) {
      await page.goto(`${base}/sessions?${q}`);
      await page.waitForSelector('main .filter-problems');
      assert.deepEqual(await page.$$eval('main .filter-problems li', (li) => li.map((x) => x.dataset.param)), [param], q);
    }
    // Valid forms are not flagged: an RFC 3339 time and a number of days.
    for (const q of ['from=2026-01-01T00:00:00Z&to=2026-12-31T23:59:59%2B02:00', 'range=14d']) {
      await page.goto(`${base}/?${q}`);
      await cardsMatchApi(page, base);
      assert.equal(await page.$('main .filter-problems'), null, q);
    }
    assert.deepEqual(problems, [], 'no console error: no request failed');
    await context.close();
  });

  // Last: a pricing change recomputes stored costs, which the other tests compare against.
  test('settings: price book edits are saved with a merge-patch', async () => {
    const cfg = await getJson(`${base}/api/config`);
    const model = cfg.pricing.models[0];
    const { page, problems, context } = await page0();
    await page.goto(`${base}/settings`);
    await settled(page);
    const input = `input[aria-label="output price for ${model.family}"]`;
    assert.equal(Number(await page.inputValue(input)), model.output);
    await page.fill(input, String(model.output + 1.5));
    await page.click('button:has-text("Save price book")');
    await page.waitForSelector('text=Price book saved');
    const saved = await getJson(`${base}/api/config`);
    const expected = structuredClone(cfg.pricing.models);
    expected[0].output = model.output + 1.5;
    assert.deepEqual(saved.pricing.models, expected, 'only that price changed; other models and fields (multipliers, long context) are kept');
    assert.deepEqual(saved.server, cfg.server, 'merge-patch keeps the other keys');
    await page.reload();
    await settled(page);
    assert.equal(Number(await page.inputValue(input)), model.output + 1.5, 'the saved price is shown after reload');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('settings: hook status follows the real settings.json (install, uninstall) and shows the last hook event', async () => {
    const settingsPath = path.join(home.home, '.claude', 'settings.json');
    // `install` also writes a config.yaml: not into the running server's directory.
    const cli = (cmd) => runCli([cmd], { home, env: { CLAUDESCOPE_HOME: path.join(home.root, 'cs-install') } });
    const hookState = async (page, want) => {
      await page.reload();
      await page.waitForSelector(`#hook-status[data-state="${want}"]`);
      return page.textContent('#hook-status');
    };
    const { page, problems, context } = await page0();
    await page.goto(`${base}/settings`);
    const before = (await getJson(`${base}/api/health`)).hooks;
    assert.deepEqual([before.settings_path, before.settings_exists, before.installed, before.events], [settingsPath, false, false, []]);
    let text = await hookState(page, 'absent');
    assert.match(text, /Not installed/);
    assert.ok(text.includes(settingsPath), 'the settings file the server reads is named');

    assert.equal((await cli('install')).code, 0);
    const on = (await getJson(`${base}/api/health`)).hooks;
    assert.deepEqual([on.installed, on.missing, on.command_handlers, on.http_handlers, on.error],
      [true, [], on.events.length, 0, null]);
    assert.ok(on.events.includes('PreToolUse') && on.events.includes('SessionEnd'), on.events.join());
    text = await hookState(page, 'installed');
    assert.match(text, new RegExp(`Installed \\(${on.events.length} of ${on.events.length} events\\)`));
    assert.match(text, /command \(claudescope hook\)/);

    // A hook event: the page names the newest one the store received.
    const sid = `ui-hook-status-${Date.now()}`;
    const r = await fetch(`${base}/api/hooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ hook_event_name: 'SubagentStop', session_id: sid, cwd: '/tmp' }) });
    assert.equal(r.status, 200);
    let last = null;
    for (let i = 0; i < 100 && !(last && last.event === 'SubagentStop'); i++) {
      last = (await getJson(`${base}/api/health`)).hooks.last_event;
      if (!last || last.event !== 'SubagentStop') await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(last && last.event, 'SubagentStop', 'the posted event is the last one stored');
    await hookState(page, 'installed');
    assert.equal(await page.getAttribute('#hook-status [data-last-event]', 'data-last-event'), 'SubagentStop');
    assert.equal(await page.getAttribute('#hook-status time', 'datetime'), last.at);

    assert.equal((await cli('uninstall')).code, 0);
    text = await hookState(page, 'absent');
    assert.match(text, /Not installed/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
