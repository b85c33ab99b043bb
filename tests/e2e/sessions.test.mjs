// The session, message, tool-call, subagent, search and config endpoints against the real
// binary: a generated corpus is imported with `claudescope import`, then served, and the answers
// are checked for shape (api-contract section 2), paging totals, error paths (400/404/405) and
// figures against the generator's ground truth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { importCorpus, makeHome, request, startServer, subagentProjectSpan } from './helpers.mjs';


const SESSION_FIELDS = [
  'id', 'project_path', 'project_name', 'cwd', 'git_branch', 'title', 'first_prompt', 'started_at',
  'ended_at', 'last_activity_at', 'duration_seconds', 'is_active', 'claude_version', 'entry_point',
  'permission_mode', 'models', 'message_count', 'user_prompt_count', 'tool_call_count',
  'tool_error_count', 'subagent_count', 'compaction_count', 'api_error_count', 'input_tokens',
  'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens',
  'cache_write_tokens', 'total_tokens', 'estimated_cost_usd', 'notes', 'tags', 'commits',
  'cost_per_commit',
];
const MESSAGE_FIELDS = [
  'id', 'session_id', 'parent_id', 'type', 'kind', 'model', 'content_text', 'timestamp',
  'is_sidechain', 'agent_id', 'request_id', 'input_tokens', 'output_tokens', 'cache_read_tokens',
  'cache_write_tokens', 'cost_usd',
];
const TOOL_CALL_FIELDS = [
  'id', 'session_id', 'message_id', 'tool_name', 'input', 'file_path', 'success', 'error',
  'duration_ms', 'stdout_preview', 'stderr_preview', 'timestamp', 'result_at', 'is_sidechain',
  'agent_id',
];
const SUBAGENT_FIELDS = [
  'id', 'session_id', 'tool_use_id', 'agent_type', 'description', 'started_at', 'ended_at',
  'message_count', 'tool_call_count', 'total_tokens', 'estimated_cost_usd',
];
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function assertTimeOrNull(v, what) {
  if (v !== null) assert.match(v, RFC3339_MS, what);
}

// Both sides are rounded to 6 decimals, so they may differ by one unit in the last place (plus
// binary floating-point noise).
function assertClose(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) <= 1e-6 + 1e-9, `${what}: ${actual} != ${expected}`);
}

describe('sessions and row endpoints on an imported corpus', () => {
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
  const send = (method, p, body) => request(srv.port, {
    method, path: p, headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const q = encodeURIComponent;

  before(async () => {
    home = makeHome();
    ({ truth } = await importCorpus(home, { sessions: 24, seed: 7 }));
    srv = await startServer({ home });
  });
  after(async () => {
    if (srv) await srv.stop();
    home?.cleanup();
  });

  test('the session list has the documented shape and the truth totals', async () => {
    const j = await getJson('/api/sessions?limit=1000');
    assert.deepEqual(Object.keys(j).sort(), ['limit', 'offset', 'sessions', 'total']);
    assert.equal(j.total, truth.totals.sessions);
    assert.equal(j.sessions.length, truth.totals.sessions);
    assert.equal(j.limit, 1000);
    assert.equal(j.offset, 0);
    for (const s of j.sessions) {
      assert.deepEqual(Object.keys(s).sort(), [...SESSION_FIELDS].sort());
      for (const k of ['started_at', 'ended_at', 'last_activity_at']) assertTimeOrNull(s[k], k);
      assert.ok(Array.isArray(s.models) && Array.isArray(s.tags));
      assert.equal(s.cache_write_tokens, s.cache_write_5m_tokens + s.cache_write_1h_tokens);
      assert.equal(s.total_tokens, s.input_tokens + s.output_tokens + s.cache_read_tokens +
                                   s.cache_write_tokens);
    }
    // Default order: started_at desc, ties by id.
    for (let i = 1; i < j.sessions.length; i++) {
      const a = j.sessions[i - 1];
      const b = j.sessions[i];
      assert.ok(a.started_at > b.started_at || (a.started_at === b.started_at && a.id < b.id));
    }
  });

  test('per-session tokens and cost match the truth', async () => {
    const j = await getJson('/api/sessions?limit=1000');
    const byId = new Map(j.sessions.map((s) => [s.id, s]));
    for (const [sid, t] of Object.entries(truth.sessions)) {
      const s = byId.get(sid);
      assert.ok(s, `session ${sid} missing`);
      for (const k of ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens',
                       'cache_write_1h_tokens']) {
        assert.equal(s[k], t.tokens[k], `${sid} ${k}`);
      }
      assertClose(s.estimated_cost_usd, t.tokens.cost_usd, `${sid} cost`);
      assert.equal(s.project_path, t.project, `${sid} project`);
    }
  });

  test('paging keeps the total and covers every session once', async () => {
    const seen = new Set();
    for (let offset = 0; offset < truth.totals.sessions + 5; offset += 5) {
      const j = await getJson(`/api/sessions?limit=5&offset=${offset}`);
      assert.equal(j.total, truth.totals.sessions);
      for (const s of j.sessions) seen.add(s.id);
    }
    assert.equal(seen.size, truth.totals.sessions);
  });

  test('sorts and filters', async () => {
    const byCost = await getJson('/api/sessions?sort=cost&order=asc&limit=1000');
    for (let i = 1; i < byCost.sessions.length; i++) {
      assert.ok(byCost.sessions[i - 1].estimated_cost_usd <= byCost.sessions[i].estimated_cost_usd);
    }
    for (const sort of ['started_at', 'last_activity_at', 'cost', 'tokens', 'duration', 'tool_calls']) {
      const j = await getJson(`/api/sessions?sort=${sort}&limit=1000`);
      assert.equal(j.total, truth.totals.sessions, sort);
    }
    const [project, p] = Object.entries(truth.by_project)[0];
    const byProject = await getJson(`/api/sessions?project=${q(project)}&limit=1000`);
    assert.equal(byProject.total, p.sessions);
    const model = Object.keys(truth.by_model)[0];
    const byModel = await getJson(`/api/sessions?model=${q(model)}&limit=1000`);
    assert.ok(byModel.total > 0);
    for (const s of byModel.sessions) assert.ok(s.models.includes(model));
    const none = await getJson('/api/sessions?from=1990-01-01&to=1990-01-02');
    assert.equal(none.total, 0);
    const all = await getJson('/api/sessions?from=2000-01-01&to=2100-01-01');
    assert.equal(all.total, truth.totals.sessions);
    const active = await getJson('/api/sessions?active=true');
    assert.equal(active.total, 0, 'a generated corpus from the past has no active session');
  });

  test('search probes: message counts via /api/search, sessions via ?search=', async () => {
    for (const probe of truth.search_probes) {
      const s = await getJson(`/api/search?q=${q(probe.q)}&limit=1000`);
      assert.equal(s.total, probe.messages, `search ${probe.q}`);
      for (const r of s.results) {
        assert.ok(r.snippet.includes(`[${probe.q}]`), r.snippet);
        assert.equal(typeof r.rank, 'number');
        assert.equal(typeof r.project_path, 'string');
        for (const k of MESSAGE_FIELDS) assert.ok(k in r, k);
      }
      for (let i = 1; i < s.results.length; i++) assert.ok(s.results[i - 1].rank >= s.results[i].rank);
      const sessions = await getJson(`/api/sessions?search=${q(probe.q)}&limit=1000`);
      assert.deepEqual(sessions.sessions.map((x) => x.id).sort(), [...probe.sessions].sort());
    }
  });

  test('search never fails on operator-like input', async () => {
    for (const text of ['"', 'AND OR NOT', '*', 'col:x', '(', 'NEAR(', 'a"b', 'café 日本',
                        '\'; DROP TABLE messages;--', 'x'.repeat(3000)]) {
      const r = await get(`/api/search?q=${q(text)}`);
      assert.equal(r.status, 200, `${text}: ${r.body}`);
      assert.ok(Array.isArray(r.json.results));
    }
    const long = await get(`/api/search?q=${'y'.repeat(5000)}`);
    assert.equal(long.status, 400);
    assert.equal(long.json.field, 'q');
  });

  test('tool calls per tool match the truth', async () => {
    for (const [tool, t] of Object.entries(truth.by_tool)) {
      const j = await getJson(`/api/tool-calls?tool_name=${q(tool)}&limit=1`);
      assert.equal(j.total, t.calls, `${tool} calls`);
      const failed = await getJson(`/api/tool-calls?tool_name=${q(tool)}&success=false&limit=1`);
      assert.equal(failed.total, t.errors, `${tool} errors`);
    }
    const all = await getJson('/api/tool-calls?limit=3');
    assert.equal(all.total, truth.totals.tool_calls);
    for (const c of all.tool_calls) {
      assert.deepEqual(Object.keys(c).sort(), [...TOOL_CALL_FIELDS].sort());
      assert.ok(c.input === null || typeof c.input === 'object');
    }
  });

  test('session detail, timeline, commits, messages and subagents', async () => {
    const list = await getJson('/api/sessions?sort=tool_calls&limit=1');
    const s = list.sessions[0];
    const d = await getJson(`/api/sessions/${q(s.id)}`);
    for (const k of ['session', 'messages', 'tool_calls', 'subagents', 'compactions']) assert.ok(k in d, k);
    assert.deepEqual(d.session, s);
    assert.equal(d.messages.length, s.message_count);
    for (const m of d.messages) assert.deepEqual(Object.keys(m).sort(), [...MESSAGE_FIELDS].sort());
    for (let i = 1; i < d.messages.length; i++) {
      assert.ok((d.messages[i - 1].timestamp ?? '') <= (d.messages[i].timestamp ?? ''));
    }
    const paged = await getJson(`/api/sessions/${q(s.id)}?messages_limit=2&messages_offset=1`);
    assert.deepEqual(paged.messages, d.messages.slice(1, 3));

    const msgs = await getJson(`/api/messages?session_id=${q(s.id)}&limit=1000`);
    assert.equal(msgs.total, s.message_count);
    assert.deepEqual(msgs.messages, d.messages.slice(0, 1000));
    const users = await getJson(`/api/messages?session_id=${q(s.id)}&type=user&limit=1`);
    assert.ok(users.total >= s.user_prompt_count);
    const newest = await getJson('/api/messages?limit=2');
    assert.ok(newest.messages[0].timestamp >= newest.messages[1].timestamp, 'default desc without session');

    const tl = await getJson(`/api/sessions/${q(s.id)}/timeline`);
    assert.deepEqual(Object.keys(tl).sort(), ['duration_seconds', 'events', 'total_tokens']);
    assert.equal(tl.total_tokens, s.total_tokens);
    const types = new Set(['user_message', 'assistant_message', 'tool_call', 'agent_spawn',
                           'compaction', 'api_error', 'hook']);
    for (const e of tl.events) {
      assert.ok(types.has(e.type), e.type);
      assertTimeOrNull(e.timestamp, e.type);
    }
    assert.equal(tl.events.filter((e) => e.type === 'tool_call').length, d.tool_calls.length);

    const commits = await getJson(`/api/sessions/${q(s.id)}/commits`);
    assert.deepEqual(commits, { commits: [] });

    const subs = await getJson('/api/subagents?limit=1000');
    assert.equal(subs.total, truth.totals.subagents);
    for (const a of subs.subagents) assert.deepEqual(Object.keys(a).sort(), [...SUBAGENT_FIELDS].sort());
  });

  test('subagents: a project and date filter narrows the list to exactly the matching runs', async () => {
    const all = (await getJson('/api/subagents?limit=1000')).subagents;
    // A project whose runs started on several (UTC, as tz=UTC below) days: the dates keep some
    // of them only. Newest first (the default without session_id), ties by session_id then id.
    const { project, runs, from, to, expected, projectOf, day } = subagentProjectSpan(all, (await getJson('/api/sessions?limit=1000')).sessions);
    assert.ok(project, 'some project has runs on two days or more');
    const ids = (list) => list.map((a) => `${a.session_id}/${a.id}`);
    assert.ok(expected.length > 0 && expected.length < runs.length, `the dates keep ${expected.length} of the project's ${runs.length} runs`);

    const j = await getJson(`/api/subagents?project=${q(project)}&from=${from}&to=${to}&tz=UTC&limit=1000`);
    assert.equal(j.total, expected.length);
    assert.deepEqual(ids(j.subagents), ids(expected));
    const onlyProject = await getJson(`/api/subagents?project=${q(project)}&limit=1000`);
    assert.deepEqual(ids(onlyProject.subagents), ids(all.filter((a) => projectOf.get(a.session_id) === project)));
    const onlyDates = await getJson(`/api/subagents?from=${from}&to=${to}&tz=UTC&limit=1000`);
    assert.deepEqual(ids(onlyDates.subagents), ids(all.filter((a) => a.started_at && day(a) >= from && day(a) <= to)));
    const none = await getJson('/api/subagents?from=1990-01-01&to=1990-01-02');
    assert.equal(none.total, 0);
  });

  test('PATCH updates notes and tags and validates the body', async () => {
    const { sessions: [s] } = await getJson('/api/sessions?limit=1');
    const r = await send('PATCH', `/api/sessions/${q(s.id)}`, { notes: 'look again', tags: [' perf ', 'perf', '', 'db'] });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json.notes, 'look again');
    assert.deepEqual(r.json.tags, ['db', 'perf']);
    const tagged = await getJson('/api/sessions?tag=perf');
    assert.deepEqual(tagged.sessions.map((x) => x.id), [s.id]);
    const onlyNotes = await send('PATCH', `/api/sessions/${q(s.id)}`, { notes: 'n2' });
    assert.deepEqual(onlyNotes.json.tags, ['db', 'perf']);

    for (const [body, field] of [[{ tags: ['x'.repeat(65)] }, 'tags'], [{ notes: 5 }, 'notes'],
                                 [{ tags: 'a' }, 'tags'], [{ bogus: 1 }, 'bogus'], ['[1]', 'body'],
                                 ['{not json', 'body']]) {
      const bad = await send('PATCH', `/api/sessions/${q(s.id)}`, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.json.field, field);
    }
    const missing = await send('PATCH', '/api/sessions/no-such-session', { notes: 'x' });
    assert.equal(missing.status, 404);
  });

  test('bad parameters are 400 naming the parameter', async () => {
    for (const [p, field] of [
      ['/api/sessions?limit=-1', 'limit'], ['/api/sessions?offset=x', 'offset'],
      ['/api/sessions?order=sideways', 'order'], ['/api/sessions?sort=price', 'sort'],
      ['/api/sessions?active=yes', 'active'], ['/api/sessions?from=yesterday', 'from'],
      ['/api/sessions?from=2026-02-02&to=2026-02-01', 'from'],
      ['/api/sessions/x?messages_limit=-2', 'messages_limit'],
      ['/api/messages?type=tool', 'type'], ['/api/messages?limit=abc', 'limit'],
      ['/api/tool-calls?success=maybe', 'success'], ['/api/subagents?order=up', 'order'],
      ['/api/subagents?from=yesterday', 'from'], ['/api/subagents?to=2026-02-30x', 'to'],
      ['/api/subagents?from=2026-02-02&to=2026-02-01', 'from'], ['/api/subagents?tz=Mars/Olympus', 'tz'],
      ['/api/search', 'q'], ['/api/search?q=', 'q'], ['/api/search?q=a&type=bot', 'type'],
    ]) {
      const r = await get(p);
      assert.equal(r.status, 400, `${p}: ${r.body}`);
      assert.equal(r.json.field, field, p);
      assert.equal(typeof r.json.error, 'string');
    }
    const clamped = await getJson('/api/messages?limit=5000');
    assert.equal(clamped.limit, 1000);
  });

  test('unknown ids are 404 and wrong methods 405', async () => {
    for (const p of ['/api/sessions/nope', '/api/sessions/nope/timeline', '/api/sessions/nope/commits']) {
      const r = await get(p);
      assert.equal(r.status, 404, p);
      assert.equal(typeof r.json.error, 'string');
    }
    const del = await send('DELETE', '/api/sessions/nope');
    assert.equal(del.status, 405);
    assert.match(del.headers.allow, /GET/);
    assert.match(del.headers.allow, /PATCH/);
    const post = await send('POST', '/api/search?q=a', {});
    assert.equal(post.status, 405);
  });

  test('config: masked token, merge patch, 400 naming the field', async () => {
    const c = await getJson('/api/config');
    assert.equal(typeof c.server, 'object');
    const bad = await send('POST', '/api/config', { server: { port: 'eighty' } });
    assert.equal(bad.status, 400, bad.body);
    assert.equal(typeof bad.json.field, 'string');
    const win = await send('POST', '/api/config', { server: { active_window_minutes: 30 } });
    assert.equal(win.status, 200, win.body);
    assert.equal(win.json.server.active_window_minutes, 30);
    // The dashboard's page names the configured zone (its first requests need it), and follows
    // a change.
    const zoneOfPage = async () => /<meta name="claudescope-timezone" content="([^"]*)">/.exec((await request(srv.port, { path: '/sessions' })).body)[1];
    assert.equal(await zoneOfPage(), c.timezone);
    const tz = await send('POST', '/api/config', { timezone: 'Asia/Kolkata' });
    assert.equal(tz.status, 200, tz.body);
    assert.equal(await zoneOfPage(), 'Asia/Kolkata');
    assert.equal((await send('POST', '/api/config', { timezone: c.timezone })).status, 200);
    // Last, because a token may make the guard ask every later request for it.
    const set = await send('POST', '/api/config', { server: { auth_token: 'sekrit' } });
    assert.equal(set.status, 200, set.body);
    assert.equal(set.json.server.auth_token, '***');
    const again = await request(srv.port, { path: '/api/config', headers: { Authorization: 'Bearer sekrit' } });
    assert.equal(again.status, 200, again.body);
    assert.ok(!again.body.includes('sekrit'));
  });
});
