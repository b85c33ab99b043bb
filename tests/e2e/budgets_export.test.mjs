// Budgets, export and git sync against the real binary (api-contract section 3): budget CRUD with
// every 400/404 path and the status shape; the three export downloads on an imported generated
// corpus (the CSV ZIP read back with Python's zipfile/csv, the HTML without any script); the JSON
// export imported into a fresh database giving the same totals; git-sync's 202 answers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';

import { importCorpus, makeHome, request, runCli, startServer } from './helpers.mjs';

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BUDGET_FIELDS = ['id', 'name', 'amount', 'period', 'warning_threshold', 'project',
  'created_at', 'updated_at'];

describe('budgets, export and git sync', () => {
  let srv;
  let home;
  let truth;
  let corpus;

  const json = (method, p, body) => request(srv.port, {
    method, path: p,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });

  before(async () => {
    home = makeHome();
    ({ corpus, truth } = await importCorpus(home, { sessions: 15, seed: 3 }));
    srv = await startServer({ home });
  });
  after(async () => {
    if (srv) await srv.stop();
    home?.cleanup();
  });

  test('budgets: create, list, replace, status, delete', async () => {
    const body = { name: 'Daily Limit', amount: 50, period: 'daily', warning_threshold: 0.8, project: '' };
    const created = await json('POST', '/api/budgets', body);
    assert.equal(created.status, 201, created.body);
    assert.deepEqual(Object.keys(created.json), BUDGET_FIELDS);
    assert.equal(created.json.name, 'Daily Limit');
    assert.match(created.json.created_at, RFC3339_MS);
    const id = created.json.id;

    const defaulted = await json('POST', '/api/budgets', { name: 'Month', amount: 200, period: 'monthly' });
    assert.equal(defaulted.status, 201);
    assert.equal(defaulted.json.warning_threshold, 0.8);
    assert.equal(defaulted.json.project, '');

    const list = await json('GET', '/api/budgets');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.budgets.map((b) => b.id), [id, defaulted.json.id]);

    const put = await json('PUT', `/api/budgets/${id}`, { ...body, amount: 75, period: 'weekly' });
    assert.equal(put.status, 200, put.body);
    assert.equal(put.json.amount, 75);
    assert.equal(put.json.period, 'weekly');

    const status = await json('GET', '/api/budgets/status');
    assert.equal(status.status, 200, status.body);
    assert.equal(status.json.budgets.length, 2);
    for (const b of status.json.budgets) {
      for (const k of [...BUDGET_FIELDS, 'period_start', 'period_end', 'current_spend', 'percentage',
                       'forecast_spend', 'status']) assert.ok(k in b, `status lacks ${k}`);
      assert.match(b.period_start, RFC3339_MS);
      assert.match(b.period_end, RFC3339_MS);
      assert.ok(['ok', 'warning', 'exceeded'].includes(b.status));
      assert.ok(Date.parse(b.period_start) <= Date.now() && Date.now() < Date.parse(b.period_end));
    }
    const weekly = status.json.budgets.find((b) => b.id === id);
    assert.equal(new Date(Date.parse(weekly.period_end) - Date.parse(weekly.period_start)).getTime() >= 6 * 86400000, true);

    const del = await json('DELETE', `/api/budgets/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.body, '');
    assert.equal((await json('DELETE', `/api/budgets/${id}`)).status, 404);
    assert.equal((await json('PUT', `/api/budgets/${id}`, body)).status, 404);
    assert.equal((await json('PUT', '/api/budgets/abc', body)).status, 404);
    assert.equal((await json('DELETE', `/api/budgets/${defaulted.json.id}`)).status, 204);
  });

  test('budgets: every bad field is a 400 naming it', async () => {
    const ok = { name: 'n', amount: 1, period: 'daily', warning_threshold: 0.5, project: '' };
    const cases = [
      [{ ...ok, name: '' }, 'name'],
      [{ ...ok, name: 5 }, 'name'],
      [{ amount: 1, period: 'daily' }, 'name'],
      [{ ...ok, amount: 0 }, 'amount'],
      [{ ...ok, amount: -3 }, 'amount'],
      [{ ...ok, amount: '1' }, 'amount'],
      [{ ...ok, period: 'yearly' }, 'period'],
      [{ name: 'n', amount: 1 }, 'period'],
      [{ ...ok, warning_threshold: 0 }, 'warning_threshold'],
      [{ ...ok, warning_threshold: 1.5 }, 'warning_threshold'],
      [{ ...ok, project: 7 }, 'project'],
      [{ ...ok, extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      for (const [method, p] of [['POST', '/api/budgets']]) {
        const r = await json(method, p, body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
        assert.equal(r.json.field, field, JSON.stringify(body));
        assert.equal(typeof r.json.error, 'string');
      }
    }
    const bad = await json('POST', '/api/budgets', '{not json');
    assert.equal(bad.status, 400);
    const created = await json('POST', '/api/budgets', ok);
    const r = await json('PUT', `/api/budgets/${created.json.id}`, { ...ok, period: 'hourly' });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'period');
    await json('DELETE', `/api/budgets/${created.json.id}`);
  });

  test('export json: a document with every session, streamed as an attachment', async () => {
    const r = await request(srv.port, { path: '/api/export?format=json' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.match(r.headers['content-disposition'], /^attachment; filename="claudescope-export-\d{8}-\d{6}\.json"$/);
    const doc = JSON.parse(r.body);
    assert.deepEqual(Object.keys(doc), ['exported_at', 'filters', 'sessions']);
    assert.equal(doc.sessions.length, truth.totals.sessions);
    let cost = 0;
    let tools = 0;
    for (const s of doc.sessions) {
      for (const k of ['session', 'messages', 'tool_calls', 'subagents']) assert.ok(k in s);
      cost += s.session.estimated_cost_usd;
      tools += s.tool_calls.filter((t) => t.tool_name !== null).length;
    }
    assert.ok(Math.abs(cost - truth.totals.cost_usd) < 1e-4, `${cost} vs ${truth.totals.cost_usd}`);
    assert.equal(tools, truth.totals.tool_calls);

    const project = doc.sessions[0].session.project_path;
    const one = await request(srv.port, { path: `/api/export?format=json&project=${encodeURIComponent(project)}` });
    const filtered = JSON.parse(one.body);
    assert.ok(filtered.sessions.every((s) => s.session.project_path === project));
    const id = doc.sessions[0].session.id;
    const single = JSON.parse((await request(srv.port, { path: `/api/export?session_id=${id}` })).body);
    assert.deepEqual(single.sessions.map((s) => s.session.id), [id]);

    // Round trip through the CLI into a fresh database.
    const file = path.join(home.root, 'export.json');
    writeFileSync(file, r.body);
    const fresh = path.join(home.root, 'fresh.db');
    const imp = await runCli(['import', '--from-export', file, '--db', fresh], { home, timeoutMs: 60000 });
    assert.equal(imp.code, 0, imp.stderr);
    const again = await runCli(['export', '--format', 'json', '--db', fresh], { home, timeoutMs: 60000 });
    assert.equal(again.code, 0, again.stderr);
    const reexported = JSON.parse(again.stdout);
    const totals = (d) => d.sessions.map((s) => [s.session.id, s.session.input_tokens, s.session.output_tokens,
      s.session.cache_read_tokens, s.session.cache_write_tokens, s.session.estimated_cost_usd,
      s.session.tool_call_count, s.session.message_count]).sort();
    assert.deepEqual(totals(reexported), totals(doc));
  });

  test('export csv: a ZIP of three RFC 4180 files', async () => {
    const r = await new Promise((resolve, reject) => {
      import('node:http').then(({ default: http }) => {
        http.get({ host: '127.0.0.1', port: srv.port, path: '/api/export?format=csv' }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/zip');
    assert.match(r.headers['content-disposition'], /\.zip"$/);
    assert.equal(r.body.subarray(0, 4).toString('binary'), 'PK\x03\x04');
    const dir = path.join(home.root, 'csv');
    mkdirSync(dir, { recursive: true });
    const zip = path.join(dir, 'export.zip');
    writeFileSync(zip, r.body);
    const out = execFileSync('python3', ['-c', `
import csv, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
res = {"names": sorted(z.namelist())}
for n in z.namelist():
    rows = list(csv.DictReader(io.TextIOWrapper(z.open(n), encoding="utf-8", newline="")))
    res[n] = {"rows": len(rows), "cols": list(rows[0].keys()) if rows else []}
print(json.dumps(res))`, zip]).toString();
    const res = JSON.parse(out);
    assert.deepEqual(res.names, ['messages.csv', 'sessions.csv', 'tool_calls.csv']);
    assert.equal(res['sessions.csv'].rows, truth.totals.sessions);
    assert.ok(res['messages.csv'].cols.includes('content_text'));
    assert.ok(res['tool_calls.csv'].rows >= truth.totals.tool_calls);
  });

  test('export html: self-contained, no script', async () => {
    const r = await request(srv.port, { path: '/api/export?format=html' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.match(r.headers['content-disposition'], /\.html"$/);
    assert.ok(!/<script/i.test(r.body), 'the report holds a script tag');
    assert.match(r.body, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
    assert.match(r.body, /<svg/);
    assert.match(r.body, /<h2>Models<\/h2>/);
    assert.match(r.body, /<h2>Projects<\/h2>/);
  });

  test('export: bad parameters', async () => {
    const bad = await request(srv.port, { path: '/api/export?format=xml' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, 'format');
    assert.equal((await request(srv.port, { path: '/api/export?format=json&from=yesterday' })).status, 400);
    assert.equal((await request(srv.port, { path: '/api/export?session_id=nope' })).status, 404);
  });

  test('git-sync: 202 at once, then GitSyncComplete on /ws', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws?events=GitSyncComplete`);
    const events = [];
    ws.on('message', (data) => events.push(JSON.parse(data.toString('utf8'))));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    try {
      const r = await json('POST', '/api/git-sync');
      assert.equal(r.status, 202, r.body);
      assert.equal(r.json.status, 'syncing');
      const second = await json('POST', '/api/git-sync');
      assert.equal(second.status, 202);
      assert.ok(['syncing', 'already_syncing'].includes(second.json.status));
      assert.equal((await json('POST', '/api/git-sync?session_id=nope')).status, 404);
      const deadline = Date.now() + 10000;
      while (!events.some((e) => e.hook_event_name === 'GitSyncComplete') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const done = events.find((e) => e.hook_event_name === 'GitSyncComplete');
      assert.ok(done, 'no GitSyncComplete event');
      assert.match(done.timestamp, RFC3339_MS);
      assert.equal(typeof done.repos, 'number');
      assert.equal(typeof done.commits, 'number');
      // The generated sessions' directories do not exist here: each is skipped, none is an error.
      assert.equal(done.skipped.length, truth.totals.sessions);
      assert.ok(done.skipped.every((s) => s.reason === 'cwd not found'), JSON.stringify(done.skipped[0]));
    } finally {
      ws.terminate();
    }
  });
});
