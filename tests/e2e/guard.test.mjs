// The security guard and the server's protocol behaviour (api-contract sections 1 and 7).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { rawConnection, request, runCli, startServer } from './helpers.mjs';

describe('guard on a loopback server', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { CLAUDESCOPE_HEADER_TIMEOUT_MS: '700' } });
  });
  after(async () => {
    const { code } = await srv.stop();
    assert.equal(code, 0, 'clean exit on SIGTERM');
  });

  test('health has the documented shape', async () => {
    const res = await fetch(`${srv.url}/api/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const j = await res.json();
    assert.equal(j.status, 'ok');
    assert.equal(j.version, '0.1.0');
    assert.equal(typeof j.db_path, 'string');
    for (const k of ['files', 'bytes', 'lag_ms', 'errors']) assert.equal(typeof j.ingest[k], 'number', k);
  });

  test('loopback Host names are accepted, with any port', async () => {
    for (const host of ['localhost', `localhost:${srv.port}`, `127.0.0.1:${srv.port}`, `[::1]:${srv.port}`]) {
      const r = await request(srv.port, { path: '/api/health', headers: { Host: host } });
      assert.equal(r.status, 200, host);
    }
  });

  test('a foreign Host is refused with 403 JSON', async () => {
    for (const host of ['evil.example', `evil.example:${srv.port}`, '127.0.0.1.evil.example']) {
      const r = await request(srv.port, { path: '/api/health', headers: { Host: host } });
      assert.equal(r.status, 403, host);
      assert.equal(typeof r.json.error, 'string');
    }
    const page = await request(srv.port, { path: '/', headers: { Host: 'evil.example' } });
    assert.equal(page.status, 403);
  });

  test('a cross-origin POST is refused, a same-origin one is not', async () => {
    const headers = { 'Content-Type': 'application/json' };
    const cross = await request(srv.port, {
      method: 'POST', path: '/api/budgets', body: '{}',
      headers: { ...headers, Origin: 'http://evil.example' },
    });
    assert.equal(cross.status, 403);
    assert.equal(typeof cross.json.error, 'string');
    const same = await request(srv.port, {
      method: 'POST', path: '/api/budgets', body: '{}',
      headers: { ...headers, Origin: `http://127.0.0.1:${srv.port}` },
    });
    assert.notEqual(same.status, 403);
  });

  test('a text/plain POST is refused with 415', async () => {
    const r = await request(srv.port, {
      method: 'POST', path: '/api/budgets', body: 'name=x', headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(r.status, 415);
    assert.equal(typeof r.json.error, 'string');
  });

  // node:http sends a body written with write() chunked; with a Content-Length header the
  // server refuses it from the header alone, before reading any of it.
  for (const framing of ['chunked', 'content-length']) {
    const send = (p, body) => request(srv.port, {
      method: 'POST', path: p, body,
      headers: { 'Content-Type': 'application/json',
                 ...(framing === 'content-length' ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
    });

    test(`an oversized body is refused with 413 (${framing})`, async () => {
      const r = await send('/api/budgets', '{"x":"' + 'a'.repeat(1024 * 1024 + 10) + '"}');
      assert.equal(r.status, 413);
      assert.equal(r.json.error, 'request body too large');
    });

    test(`the hook endpoint accepts bodies above 1 MiB and refuses above 16 MiB (${framing})`, async () => {
      const event = (n) => JSON.stringify({ hook_event_name: 'Notification', session_id: 'big-body',
                                            message: 'a'.repeat(n) });
      const ok = await send('/api/hooks', event(2 * 1024 * 1024));
      assert.equal(ok.status, 200);
      assert.equal(ok.body, '');
      const big = await send('/api/hooks', event(16 * 1024 * 1024 + 1));
      assert.equal(big.status, 413);
    });
  }

  test('a client that never finishes its header is disconnected', async () => {
    const r = await rawConnection(srv.port, 'GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 5000);
    assert.equal(r.closed, true, 'server closed the connection');
    assert.ok(r.ms < 4000, `closed after ${r.ms} ms`);
  });

  test('an unknown /api path is a 404 JSON, not the SPA', async () => {
    const res = await fetch(`${srv.url}/api/does-not-exist`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof (await res.json()).error, 'string');
  });

  test('a wrong method is a 405 with Allow', async () => {
    const res = await fetch(`${srv.url}/api/health`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow'), /GET/);
    assert.equal(typeof (await res.json()).error, 'string');
  });

  test('the dashboard is served with its security headers', async () => {
    for (const p of ['/', '/index.html', '/sessions/some-id']) {
      const res = await fetch(`${srv.url}${p}`);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(await res.text(), /<html/i);
    }
  });

  test('keep-alive serves several requests on one connection', async () => {
    const r = await rawConnection(
      srv.port,
      'GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\nGET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      5000);
    assert.equal(r.closed, true);
    assert.equal((r.received.match(/HTTP\/1\.1 200/g) || []).length, 2);
  });

  test('/metrics counts responses by code', async () => {
    const res = await fetch(`${srv.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^claudescope_sessions_total \d+$/m);
    assert.match(text, /^claudescope_http_requests_total\{code="403"\} \d+$/m);
  });
});

describe('binding and tokens', () => {
  test('a non-loopback bind without a token is refused at start', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--no-browser']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /auth_token/);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  test('with a token, requests need it', async () => {
    const token = 'test-token-123';
    const srv = await startServer({ config: `server:\n  auth_token: "${token}"\n` });
    try {
      const none = await fetch(`${srv.url}/api/health`);
      assert.equal(none.status, 401);
      assert.equal(typeof (await none.json()).error, 'string');
      const wrong = await fetch(`${srv.url}/api/health`, { headers: { Authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      const ok = await fetch(`${srv.url}/api/health`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);

      const login = await fetch(`${srv.url}/?token=${token}`, { redirect: 'manual' });
      assert.equal(login.status, 303);
      const cookie = login.headers.get('set-cookie');
      assert.match(cookie, /claudescope_token=/);
      assert.match(cookie, /HttpOnly/);
      const withCookie = await fetch(`${srv.url}/api/health`, {
        headers: { Cookie: cookie.split(';')[0] },
      });
      assert.equal(withCookie.status, 200);
    } finally {
      await srv.stop();
    }
  });
});
