// Live ingest end to end: the real server on a temporary HOME follows transcript files as
// Claude Code writes them, publishes SessionUpdate on /ws, receives hook events through
// `claudescope hook` (Unix socket, or the spool while the server is down) and keeps every
// figure exactly once across a kill -9 and a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { BIN, makeHome, startServer } from './helpers.mjs';

const GEN = new URL('../data/gen_corpus.py', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function generate(root, args) {
  execFileSync('python3', [GEN, '--out', root, '--truth', path.join(root, 'truth.json'), ...args],
               { stdio: 'ignore' });
  return JSON.parse(readFileSync(path.join(root, 'truth.json'), 'utf8'));
}

// Every transcript file of a generated tree, relative to its projects/ folder.
function transcriptFiles(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...transcriptFiles(dir, r));
    else if (e.name.endsWith('.jsonl') || e.name.endsWith('.meta.json')) out.push(r);
  }
  return out.sort();
}

async function waitFor(fn, timeoutMs = 10000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function api(srv, p) {
  const r = await fetch(srv.url + p);
  assert.equal(r.status, 200, p);
  return r.json();
}

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

function hook(home, event) {
  return new Promise((resolve) => {
    const c = spawn(BIN, ['hook'], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.on('exit', (code) => resolve({ code, out }));
    c.stdin.end(JSON.stringify(event));
  });
}

test('appended lines reach the API and the WebSocket; restarts count everything once', async () => {
  const home = makeHome();
  const src = path.join(home.root, 'gen');
  const truth = generate(src, ['--sessions', '6', '--seed', '31', '--era', 'v21']);
  const files = transcriptFiles(path.join(src, 'projects'));
  const projects = path.join(home.home, '.claude', 'projects');
  const copy = (rel, text, append = false) => {
    const dst = path.join(projects, rel);
    mkdirSync(path.dirname(dst), { recursive: true });
    (append ? appendFileSync : writeFileSync)(dst, text);
  };
  // The first session's main file is written in two halves; the rest waits for the restart.
  const [sid] = Object.keys(truth.sessions).sort();
  const mainRel = truth.sessions[sid].file.replace(/^projects\//, '');
  const mainText = readFileSync(path.join(src, 'projects', mainRel), 'utf8');
  const lines = mainText.split('\n').filter((l) => l.length);
  const half = Math.floor(lines.length / 2);
  copy(mainRel, lines.slice(0, half).map((l) => l + '\n').join(''));

  let srv = await startServer({ home });
  try {
    const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws?session_id=' + sid);
    const updates = [];
    ws.on('message', (m) => {
      const e = JSON.parse(m.toString());
      if (e.hook_event_name === 'SessionUpdate') updates.push(e);
    });
    await new Promise((r, j) => { ws.on('open', r); ws.on('error', j); });
    await waitFor(async () => (await fetch(`${srv.url}/api/sessions/${sid}`)).status === 200,
                  10000, 'the first half to be ingested');

    // The rest, with one line written in two parts: the half line must wait for its newline.
    const rest = lines.slice(half);
    const split = rest[0];
    copy(mainRel, split.slice(0, 25), true);
    await sleep(300);
    copy(mainRel, split.slice(25) + '\n', true);
    copy(mainRel, rest.slice(1).map((l) => l + '\n').join(''), true);
    // Subagent and compaction files of that session.
    for (const rel of files) {
      if (rel !== mainRel && rel.includes(sid)) copy(rel, readFileSync(path.join(src, 'projects', rel)));
    }
    const want = truth.sessions[sid].tokens;
    const wantTotal = want.input_tokens + want.output_tokens + want.cache_read_tokens +
      want.cache_write_5m_tokens + want.cache_write_1h_tokens;
    const last = await waitFor(() => updates.find((u) => u.total_tokens === wantTotal), 10000,
                               'a SessionUpdate with the full totals');
    assert.equal(last.session_id, sid);
    const detail = await api(srv, `/api/sessions/${sid}`);
    assert.equal(detail.session.output_tokens, want.output_tokens);
    assert.ok(Math.abs(detail.session.estimated_cost_usd - want.cost_usd) < 1.5e-6);
    ws.close();

    // kill -9, then more transcripts and hook events while the server is down (spooled).
    srv.child.kill('SIGKILL');
    await srv.exited;
    for (const rel of files) {
      if (!rel.includes(sid)) copy(rel, readFileSync(path.join(src, 'projects', rel)));
    }
    for (let i = 0; i < 5; i++) {
      const r = await hook(home, { hook_event_name: 'Notification', session_id: sid, message: `n${i}` });
      assert.equal(r.code, 0);
      assert.equal(r.out, '');
    }
    await hook(home, { hook_event_name: 'SessionEnd', session_id: sid, reason: 'prompt_input_exit' });

    srv = await startServer({ home });
    // Every session appears with its first batch, before its last lines are in: wait for both.
    await waitFor(async () => {
      const s = (await api(srv, '/api/stats?from=2026-01-01&to=2027-12-31&tz=UTC')).filtered;
      return s.sessions === truth.totals.sessions && s.output_tokens === truth.totals.output_tokens;
    }, 15000, 'every session and every line after the restart');
    const stats = await api(srv, '/api/stats?from=2026-01-01&to=2027-12-31&tz=UTC');
    assert.equal(stats.filtered.output_tokens, truth.totals.output_tokens);
    assert.ok(Math.abs(stats.filtered.cost_usd - truth.totals.cost_usd) < 1e-5);
    await waitFor(() => sql(home.db, "SELECT count(*) FROM hook_events WHERE event='Notification'") === '5',
                  10000, 'the spooled hook events');
    const ended = await api(srv, `/api/sessions/${sid}`);
    assert.ok(ended.session.ended_at, 'SessionEnd sets ended_at');
    await srv.stop({ keepHome: true });

    // A third start replays nothing and reads nothing twice.
    srv = await startServer({ home });
    await sleep(1000);
    assert.equal(sql(home.db, "SELECT count(*) FROM hook_events WHERE event='Notification'"), '5');
    assert.equal(sql(home.db, 'SELECT sum(output_tokens) FROM sessions'), String(truth.totals.output_tokens));
  } finally {
    await srv.stop({ keepHome: true });
    home.cleanup();
  }
});

test('1,000 hook events from 8 parallel hook processes all arrive', async () => {
  const srv = await startServer();
  try {
    const send = async (worker) => {
      for (let i = 0; i < 125; i++) {
        const r = await hook(srv.home, { hook_event_name: 'PreToolUse', session_id: `w${worker}`,
                                         tool_name: 'Bash', tool_use_id: `t${worker}-${i}` });
        assert.equal(r.code, 0);
        assert.equal(r.out, '');
      }
    };
    await Promise.all([...Array(8).keys()].map(send));
    await waitFor(() => sql(srv.home.db, 'SELECT count(*) FROM hook_events') === '1000', 15000,
                  '1000 stored hook events');
    assert.equal(sql(srv.home.db, 'SELECT count(DISTINCT tool_use_id) FROM hook_events'), '1000');
  } finally {
    await srv.stop();
  }
});

test('a budget alert fires once when appended lines cross its threshold, once more past its amount', async () => {
  const home = makeHome();
  const sid = '7a0c4c8e-1f57-4c55-9b1a-5d7f0a3b2c01';
  const dir = path.join(home.home, '.claude', 'projects', '-tmp-budget-project');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${sid}.jsonl`);
  // 40,000 output tokens of Sonnet 4.5 at $15 per million: $0.60 per line, now.
  const line = (n) => JSON.stringify({
    parentUuid: null, isSidechain: false, userType: 'external', cwd: '/tmp/budget-project',
    sessionId: sid, version: '2.1.0', type: 'assistant', uuid: `u-${n}`, requestId: `req_${n}`,
    timestamp: new Date().toISOString(),
    message: { id: `msg_${n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
               content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn',
               usage: { input_tokens: 0, output_tokens: 40000, cache_read_input_tokens: 0,
                        cache_creation_input_tokens: 0 } } }) + '\n';
  writeFileSync(file, '');
  const srv = await startServer({ home });
  try {
    const r = await fetch(`${srv.url}/api/budgets`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alert probe', amount: 1, period: 'daily', warning_threshold: 0.5 }) });
    assert.equal(r.status, 201);
    const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws?events=BudgetWarning,BudgetExceeded');
    const alerts = [];
    ws.on('message', (m) => alerts.push(JSON.parse(m.toString())));
    await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
    const spend = async () => (await (await fetch(`${srv.url}/api/budgets/status`)).json()).budgets[0].current_spend;

    appendFileSync(file, line(1));  // $0.60: past the 50 % warning
    await waitFor(() => alerts.length >= 1, 10000, 'BudgetWarning');
    appendFileSync(file, line(2));  // $1.20: past the amount
    await waitFor(() => alerts.length >= 2, 10000, 'BudgetExceeded');
    appendFileSync(file, line(3));  // $1.80: nothing new in this period
    await waitFor(async () => Math.abs((await spend()) - 1.8) < 1e-9, 10000, 'the third line');
    await sleep(500);
    ws.close();
    assert.deepEqual(alerts.map((a) => a.hook_event_name), ['BudgetWarning', 'BudgetExceeded']);
    assert.equal(alerts[0].name, 'alert probe');
    assert.equal(alerts[0].status, 'warning');
    assert.ok(Math.abs(alerts[0].current_spend - 0.6) < 1e-9, JSON.stringify(alerts[0]));
    assert.equal(alerts[1].status, 'exceeded');
    assert.ok(Math.abs(alerts[1].current_spend - 1.2) < 1e-9, JSON.stringify(alerts[1]));
  } finally {
    await srv.stop();
    home.cleanup();
  }
});
