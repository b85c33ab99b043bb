// The /api/stats endpoints against the real binary: a generated corpus is imported with
// `claudescope import`, then served, and the figures are checked against the generator's ground
// truth (totals, per day in UTC with the empty days between, per model, per project, per tool),
// plus the shapes of the other statistics and their 400/404 paths (api-contract section 3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { importCorpus, makeHome, request, startServer } from './helpers.mjs';

const RANGE = 'from=2026-10-01&to=2026-12-31&tz=UTC';
const BLOCK_FIELDS = ['sessions', 'messages', 'tool_calls', 'input_tokens', 'output_tokens',
  'cache_read_tokens', 'cache_write_tokens', 'total_tokens', 'cost_usd'];
const DAY_MS = 86400000;

// Both sides are rounded to 6 decimals, so they may differ by one unit in the last place.
function assertClose(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) <= 1e-6 + 1e-9, `${what}: ${actual} != ${expected}`);
}

// Token figures of a truth bucket in the API's names.
function tokensOf(t) {
  const cw = t.cache_write_5m_tokens + t.cache_write_1h_tokens;
  return {
    input_tokens: t.input_tokens,
    output_tokens: t.output_tokens,
    cache_read_tokens: t.cache_read_tokens,
    cache_write_tokens: cw,
    total_tokens: t.input_tokens + t.output_tokens + t.cache_read_tokens + cw,
  };
}

function assertTokens(row, t, what) {
  for (const [k, v] of Object.entries(tokensOf(t))) assert.equal(row[k], v, `${what} ${k}`);
  assertClose(row.cost_usd, t.cost_usd, `${what} cost`);
}

function addDays(date, n) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

describe('statistics on an imported corpus', () => {
  let srv;
  let home;
  let truth;

  const get = async (p) => {
    const r = await request(srv.port, { path: p });
    assert.notEqual(r.status, 500, `${p} answered 500: ${r.body}`);
    return r;
  };
  const getJson = async (p) => {
    const r = await get(p);
    assert.equal(r.status, 200, `${p}: ${r.body}`);
    assert.match(r.headers['content-type'], /^application\/json/);
    return r.json;
  };
  const q = encodeURIComponent;

  before(async () => {
    home = makeHome();
    ({ truth } = await importCorpus(home, { sessions: 40, seed: 7 }));
    srv = await startServer({ home });
  });
  after(async () => {
    if (srv) await srv.stop();
    home?.cleanup();
  });

  test('/api/stats: filtered and total blocks equal the truth totals', async () => {
    const j = await getJson(`/api/stats?${RANGE}`);
    assert.deepEqual(Object.keys(j), ['period_label', 'filtered', 'total', 'active_sessions']);
    assert.equal(j.period_label, 'filtered');
    for (const block of [j.filtered, j.total]) {
      assert.deepEqual(Object.keys(block), BLOCK_FIELDS);
      assertTokens(block, truth.totals, 'totals');
      assert.equal(block.sessions, truth.totals.sessions);
      assert.equal(block.tool_calls, truth.totals.tool_calls);
      assert.ok(block.messages >= truth.totals.assistant_messages + truth.totals.user_prompts);
    }
    assert.equal(j.active_sessions, 0);
    const today = await getJson('/api/stats?tz=UTC');
    assert.equal(today.period_label, 'today');
    assert.deepEqual(Object.keys(today.today), BLOCK_FIELDS);
    // Undated, the total is read from the sessions table rather than the rollup: same figures.
    assert.deepEqual(today.total, j.total);
    const none = await getJson('/api/stats?from=1990-01-01&to=1990-01-31');
    assert.equal(none.filtered.sessions, 0);
    assert.equal(none.filtered.cost_usd, 0);
  });

  test('/api/stats: the project filter gives that project\'s truth', async () => {
    for (const [project, p] of Object.entries(truth.by_project)) {
      const j = await getJson(`/api/stats?${RANGE}&project=${q(project)}`);
      assertTokens(j.filtered, p, project);
      assert.equal(j.filtered.sessions, p.sessions, `${project} sessions`);
    }
  });

  test('/api/stats/daily: one row per UTC day, empty days included, equal to the truth', async () => {
    const days = Object.keys(truth.by_day).sort();
    const first = days[0];
    const last = days[days.length - 1];
    const j = await getJson(`/api/stats/daily?tz=UTC&from=${first}&to=${last}`);
    const span = (Date.parse(last) - Date.parse(first)) / DAY_MS + 1;
    assert.equal(j.length, span);
    let empty = 0;
    j.forEach((row, i) => {
      assert.equal(row.date, addDays(first, i));
      assert.deepEqual(Object.keys(row), ['date', ...BLOCK_FIELDS]);
      const t = truth.by_day[row.date];
      if (t) {
        assertTokens(row, t, row.date);
        assert.ok(row.sessions > 0, `${row.date} sessions`);
      } else {
        empty += 1;
        assert.equal(row.total_tokens, 0, `${row.date} should be empty`);
        assert.equal(row.cost_usd, 0);
        assert.equal(row.sessions, 0);
      }
    });
    // days=N ending at `to`, oldest first.
    const ten = await getJson(`/api/stats/daily?tz=UTC&days=10&to=${last}`);
    assert.equal(ten.length, 10);
    assert.equal(ten[9].date, last);
    assert.equal(ten[0].date, addDays(last, -9));
    // The default is 90 days ending today.
    const dflt = await getJson('/api/stats/daily?tz=UTC');
    assert.equal(dflt.length, 90);
    assert.equal(dflt[89].date, new Date().toISOString().slice(0, 10));
    // A wide window puts every token somewhere.
    const sum = j.reduce((a, r) => a + r.total_tokens, 0);
    assert.equal(sum, tokensOf(truth.totals).total_tokens);
    // Empty days before the first activity are listed too (with zeros), whether or not the
    // corpus has gaps between its active days.
    const wider = await getJson(`/api/stats/daily?tz=UTC&from=${addDays(first, -3)}&to=${last}`);
    assert.equal(wider.length, span + 3);
    for (const row of wider.slice(0, 3)) {
      assert.equal(row.total_tokens, 0);
      assert.equal(row.sessions, 0);
      assert.equal(row.messages, 0);
    }
    assert.equal(wider[3].date, first);
    assert.ok(empty >= 0);
  });

  test('/api/stats/models equals truth.by_model, by cost desc', async () => {
    const j = await getJson(`/api/stats/models?${RANGE}`);
    assert.deepEqual(j.map((m) => m.name).sort(), Object.keys(truth.by_model).sort());
    for (const m of j) {
      const t = truth.by_model[m.name];
      assertTokens(m, t, m.name);
      assert.equal(m.messages, t.assistant_messages, `${m.name} messages`);
      assert.equal(m.unpriced, false);
    }
    for (let i = 1; i < j.length; i++) assert.ok(j[i - 1].cost_usd >= j[i].cost_usd);
  });

  test('/api/stats/projects equals truth.by_project, by cost desc', async () => {
    const j = await getJson(`/api/stats/projects?${RANGE}`);
    assert.deepEqual(j.map((p) => p.path).sort(), Object.keys(truth.by_project).sort());
    for (const p of j) {
      const t = truth.by_project[p.path];
      assertTokens(p, t, p.path);
      assert.equal(p.sessions, t.sessions, `${p.path} sessions`);
      for (const k of ['name', 'messages', 'last_activity_at', 'commits', 'cost_per_commit']) {
        assert.ok(k in p, k);
      }
      if (p.commits === 0) assert.equal(p.cost_per_commit, null);
    }
    for (let i = 1; i < j.length; i++) assert.ok(j[i - 1].cost_usd >= j[i].cost_usd);
    // Undated, the figures come from the sessions table rather than the rollup: the same rows.
    assert.deepEqual(await getJson('/api/stats/projects'), j);
    const one = j[0].path;
    assert.deepEqual(await getJson(`/api/stats/projects?project=${q(one)}`), [j[0]]);
    assert.deepEqual((await getJson(`/api/stats?project=${q(one)}`)).total,
      (await getJson(`/api/stats?${RANGE}&project=${q(one)}`)).total);
  });

  test('/api/stats/tools equals truth.by_tool, by calls desc then name', async () => {
    const j = await getJson(`/api/stats/tools?${RANGE}`);
    assert.deepEqual(j.map((t) => t.name).sort(), Object.keys(truth.by_tool).sort());
    for (const t of j) {
      assert.equal(t.calls, truth.by_tool[t.name].calls, `${t.name} calls`);
      assert.equal(t.errors, truth.by_tool[t.name].errors, `${t.name} errors`);
      assert.ok(t.success_rate >= 0 && t.success_rate <= 1);
      assert.ok('avg_duration_ms' in t && 'p95_duration_ms' in t);
    }
    for (let i = 1; i < j.length; i++) {
      const a = j[i - 1];
      const b = j[i];
      assert.ok(a.calls > b.calls || (a.calls === b.calls && a.name < b.name));
    }
  });

  test('skills, mcp, errors, token efficiency and prompt patterns', async () => {
    const skills = await getJson(`/api/stats/skills?${RANGE}`);
    const pdf = skills.find((s) => s.name === 'pdf' && s.source === 'tool');
    if (truth.by_tool.Skill) assert.equal(pdf?.count, truth.by_tool.Skill.calls);

    const mcp = await getJson(`/api/stats/mcp?${RANGE}`);
    const gh = truth.by_tool.mcp__github__get_issue;
    if (gh) {
      assert.equal(mcp.servers[0].name, 'github');
      assert.equal(mcp.servers[0].calls, gh.calls);
      assert.equal(mcp.servers[0].errors, gh.errors);
      assert.deepEqual(mcp.servers[0].tools, [{ name: 'get_issue', calls: gh.calls }]);
    }

    const errors = await getJson(`/api/stats/errors?${RANGE}`);
    assert.equal(errors.total_calls, truth.totals.tool_calls);
    assert.equal(errors.total_errors, truth.totals.tool_errors);
    assert.equal(errors.error_trend.length, 30);
    assert.equal(errors.error_trend[29].date, '2026-12-31');
    const patterns = errors.common_errors.reduce((a, c) => a + c.count, 0);
    assert.ok(patterns <= errors.total_errors);
    for (const c of errors.common_errors) {
      assert.ok(c.pattern.length <= 200 && c.count > 0 && c.tools.length > 0);
    }
    const byTool = errors.errors_by_tool.reduce((a, t) => a + t.errors, 0);
    assert.equal(byTool, errors.total_errors);

    const eff = await getJson(`/api/stats/token-efficiency?${RANGE}`);
    const t = truth.totals;
    const expectedRate = t.cache_read_tokens /
      (t.cache_read_tokens + t.cache_write_5m_tokens + t.cache_write_1h_tokens + t.input_tokens);
    assertClose(eff.cache_hit_rate, expectedRate, 'cache_hit_rate');
    assert.equal(eff.cache_savings_tokens, t.cache_read_tokens);
    assert.ok(eff.cache_savings_usd > 0);
    assert.equal(eff.efficiency_by_model.length, Object.keys(truth.by_model).length);

    const prompts = await getJson(`/api/stats/prompt-patterns?${RANGE}`);
    const counted = prompts.categories.reduce((a, c) => a + c.count, 0);
    assert.equal(counted, truth.totals.user_prompts);
    const pct = prompts.categories.reduce((a, c) => a + c.percentage, 0);
    assert.ok(Math.abs(pct - 100) < 0.1, `percentages sum to ${pct}`);
    assert.ok(prompts.trends.length > 0);
    const trendTotal = prompts.trends.reduce(
      (a, d) => a + Object.values(d.counts).reduce((x, y) => x + y, 0), 0);
    assert.equal(trendTotal, counted);
  });

  test('file heatmap and breakdowns', async () => {
    const project = Object.keys(truth.by_project)[0];
    const heat = await getJson(`/api/stats/file-heatmap?project=${q(project)}`);
    assert.ok(heat.files.length > 0 && heat.files.length <= 50);
    assert.ok(heat.directories.length <= 20);
    for (const f of heat.files) {
      assert.ok(!f.path.startsWith('/'), f.path);
      assert.equal(f.total, f.reads + f.writes + f.edits + f.searches);
    }

    const pb = await getJson(`/api/stats/project-breakdown?project=${q(project)}`);
    assert.deepEqual(Object.keys(pb), ['tools', 'skills', 'mcp_servers', 'agents']);
    const sid = Object.keys(truth.sessions)[0];
    const sb = await getJson(`/api/stats/session-breakdown?session_id=${q(sid)}`);
    assert.deepEqual(Object.keys(sb), ['tools', 'skills', 'mcp_servers', 'agents']);
    const calls = sb.tools.reduce((a, t) => a + t.count, 0);
    assert.equal(calls, truth.sessions[sid].tool_calls);

    const active = await getJson('/api/stats/active-sessions');
    assert.equal(active.count, 0);
    assert.deepEqual(active.sessions, []);
  });

  test('bad parameters are 400s naming the parameter; unknown ids are 404', async () => {
    const cases = [
      ['/api/stats/daily?days=0', 'days'],
      ['/api/stats/daily?days=3661', 'days'],
      ['/api/stats/daily?days=abc', 'days'],
      ['/api/stats?from=2026-10-05&to=2026-10-01', 'from'],
      ['/api/stats/daily?from=2026-10-05&to=2026-10-01', 'from'],
      ['/api/stats?tz=Mars/Olympus', 'tz'],
      ['/api/stats/models?from=yesterday', 'from'],
      ['/api/stats/file-heatmap', 'project'],
      ['/api/stats/project-breakdown', 'project'],
      ['/api/stats/session-breakdown', 'session_id'],
    ];
    for (const [p, field] of cases) {
      const r = await get(p);
      assert.equal(r.status, 400, `${p}: ${r.body}`);
      assert.equal(r.json.field, field, p);
      assert.equal(typeof r.json.error, 'string');
    }
    const missing = await get('/api/stats/session-breakdown?session_id=nope');
    assert.equal(missing.status, 404);
    const ok = await get('/api/stats/daily?days=3660&tz=UTC');
    assert.equal(ok.status, 200);
    assert.equal(ok.json.length, 3660);
  });

  // Runs last: it adds data. Answers are cached in the server; a commit by another process
  // must still show on the very next request.
  test('a cached answer never hides an import made by another process', async () => {
    const path = `/api/stats?${RANGE}`;
    const before1 = await getJson(path);
    const before2 = await getJson(path);  // answered from the cache
    assert.deepEqual(before2, before1);
    const { truth: more } = await importCorpus(home, { sessions: 5, seed: 99, name: 'more' });
    const after1 = await getJson(path);
    assert.equal(after1.total.sessions, truth.totals.sessions + more.totals.sessions);
    assert.equal(after1.total.tool_calls, truth.totals.tool_calls + more.totals.tool_calls);
    assertClose(after1.total.cost_usd, truth.totals.cost_usd + more.totals.cost_usd, 'cost');
  });
});
