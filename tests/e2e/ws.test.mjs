// The live stream GET /ws (api-contract section 4; the origin rule of section 7).
// Events come from POST /api/hooks, which stores each hook event and publishes it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';

import { request, startServer } from './helpers.mjs';

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function postHook(port, event) {
  return request(port, {
    method: 'POST',
    path: '/api/hooks',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  });
}

function preToolUse(sessionId, n, extra = {}) {
  return {
    hook_event_name: 'PreToolUse', session_id: sessionId, tool_name: 'Bash',
    tool_input: { command: `echo ${n}` }, tool_use_id: `toolu_${sessionId}_${n}`, ...extra,
  };
}

// Opens a client and collects its parsed frames in `messages`.
function connect(port, query = '', options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, options);
    const messages = [];
    const waiters = [];
    ws.on('message', (data, isBinary) => {
      assert.equal(isBinary, false, 'text frames only');
      const m = JSON.parse(data.toString('utf8'));
      m._at = performance.now();
      messages.push(m);
      for (const w of [...waiters]) w();
    });
    ws.once('open', () => resolve({
      ws, messages,
      // Resolves with the first collected message matching pred (waits up to ms).
      waitFor(pred, ms = 5000) {
        return new Promise((res, rej) => {
          const check = () => {
            const m = messages.find(pred);
            if (m) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); res(m); }
          };
          const timer = setTimeout(() => {
            waiters.splice(waiters.indexOf(check), 1);
            rej(new Error(`no matching message in ${ms} ms; got ${JSON.stringify(messages.map((x) => x.hook_event_name))}`));
          }, ms);
          waiters.push(check);
          check();
        });
      },
      close() { ws.terminate(); },
    }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
}

// A raw TCP client that completes the WebSocket handshake. Resolves {sock, head} after the 101.
function rawUpgrade(port, { query = '' } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    let buf = '';
    sock.on('error', () => {});
    sock.once('connect', () => {
      sock.write(`GET /ws${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    const onData = (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      if (!buf.startsWith('HTTP/1.1 101')) return reject(new Error(`no 101: ${buf.slice(0, 200)}`));
      resolve({ sock, head: buf.slice(0, end) });
    };
    sock.on('data', onData);
  });
}

describe('WebSocket /ws', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => {
    const { code } = await srv.stop();
    assert.equal(code, 0, 'clean exit on SIGTERM with clients connected or gone');
  });

  test('a client receives hook events with name, session and server timestamp', async () => {
    const c = await connect(srv.port);
    try {
      const r = await postHook(srv.port, preToolUse('s-basic', 1));
      assert.equal(r.status, 200);
      const m = await c.waitFor((x) => x.hook_event_name === 'PreToolUse' && x.session_id === 's-basic');
      assert.match(m.timestamp, RFC3339_MS);
      assert.equal(m.tool_name, 'Bash');
      assert.deepEqual(m.tool_input, { command: 'echo 1' });
      assert.equal(m.tool_use_id, 'toolu_s-basic_1');
      assert.equal(m.truncated, undefined);
    } finally {
      c.close();
    }
  });

  test('?events= and ?session_id= filter what a client gets', async () => {
    const all = await connect(srv.port);
    const pre = await connect(srv.port, '?events=PreToolUse');
    const post = await connect(srv.port, '?events=PostToolUse,Stop');
    const sA = await connect(srv.port, '?session_id=s-A');
    const sAstop = await connect(srv.port, '?session_id=s-A&events=Stop');
    try {
      await postHook(srv.port, preToolUse('s-A', 1));
      await postHook(srv.port, preToolUse('s-B', 2));
      await postHook(srv.port, { hook_event_name: 'PostToolUse', session_id: 's-B', tool_name: 'Bash', tool_input: {}, tool_response: {}, tool_use_id: 'toolu_s-B_2' });
      await postHook(srv.port, { hook_event_name: 'Stop', session_id: 's-A', stop_hook_active: false });
      // The unfiltered client sees all four; the last one arriving means the others had their
      // chance too (one server, events published in order).
      await all.waitFor((x) => x.hook_event_name === 'Stop' && x.session_id === 's-A');
      await sAstop.waitFor((x) => x.hook_event_name === 'Stop');
      await post.waitFor((x) => x.hook_event_name === 'Stop');
      await sA.waitFor((x) => x.hook_event_name === 'Stop');
      await sleep(200);
      const hooks = (c) => c.messages.filter((x) => ['PreToolUse', 'PostToolUse', 'Stop'].includes(x.hook_event_name))
        .map((x) => `${x.hook_event_name}:${x.session_id}`);
      assert.deepEqual(hooks(all), ['PreToolUse:s-A', 'PreToolUse:s-B', 'PostToolUse:s-B', 'Stop:s-A']);
      assert.deepEqual(pre.messages.map((x) => `${x.hook_event_name}:${x.session_id}`), ['PreToolUse:s-A', 'PreToolUse:s-B']);
      assert.deepEqual(post.messages.map((x) => `${x.hook_event_name}:${x.session_id}`), ['PostToolUse:s-B', 'Stop:s-A']);
      assert.ok(sA.messages.every((x) => x.session_id === 's-A'), JSON.stringify(sA.messages));
      assert.deepEqual(hooks(sA), ['PreToolUse:s-A', 'Stop:s-A']);
      assert.deepEqual(sAstop.messages.map((x) => `${x.hook_event_name}:${x.session_id}`), ['Stop:s-A']);
    } finally {
      for (const c of [all, pre, post, sA, sAstop]) c.close();
    }
  });

  test('a cross-origin upgrade is refused with 403; the own origin is accepted', async () => {
    await assert.rejects(connect(srv.port, '', { origin: 'http://evil.example' }), (e) => e.status === 403);
    await assert.rejects(connect(srv.port, '', { origin: `http://localhost:${srv.port + 1}` }), (e) => e.status === 403);
    const ok = await connect(srv.port, '', { origin: `http://127.0.0.1:${srv.port}` });
    ok.close();
    // A foreign Host (DNS rebinding) is refused too.
    const r = await request(srv.port, {
      path: '/ws',
      headers: { Host: 'evil.example', Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' },
    });
    assert.equal(r.status, 403);
  });

  test('oversized fields arrive cut on a UTF-8 boundary with truncated:true', async () => {
    const c = await connect(srv.port, '?session_id=s-big');
    try {
      const euros = '€'.repeat(3000); // 9000 bytes
      const ascii = 'x'.repeat(10000);
      await postHook(srv.port, {
        hook_event_name: 'PostToolUse', session_id: 's-big', tool_name: 'Bash', tool_use_id: 'toolu_big',
        tool_input: { command: ascii }, tool_response: { stdout: euros, nested: [{ deep: ascii }], small: 'ok' },
      });
      const m = await c.waitFor((x) => x.hook_event_name === 'PostToolUse');
      assert.equal(m.truncated, true);
      assert.equal(m.session_id, 's-big');
      assert.equal(m.tool_input.command, 'x'.repeat(4096));
      assert.equal(m.tool_response.nested[0].deep, 'x'.repeat(4096));
      assert.equal(m.tool_response.stdout, '€'.repeat(1365)); // 4095 bytes: no partial character
      assert.equal(m.tool_response.small, 'ok');
      assert.equal(m.tool_name, 'Bash');
    } finally {
      c.close();
    }
  });

  test('a stalled client neither delays another client nor stays connected', async (t) => {
    // The stalled client completes the handshake, then never reads: its TCP buffers and then
    // its send queue fill up.
    const stalled = await rawUpgrade(srv.port);
    stalled.sock.pause();
    let stalledClosed = false;
    stalled.sock.on('close', () => { stalledClosed = true; });
    const fast = await connect(srv.port, '?session_id=s-burst');
    try {
      // ~1 MB frames (many fields, each under the 4096-byte cut), enough to go well past the
      // kernel buffers plus the 8 MiB queue bound.
      const payload = {};
      for (let i = 0; i < 250; i++) payload[`f${i}`] = 'y'.repeat(4000);
      const N = 30;
      const done = [];
      for (let n = 0; n < N; n++) {
        const r = await postHook(srv.port, preToolUse('s-burst', n, { tool_input: payload }));
        assert.equal(r.status, 200);
        done[n] = performance.now();
      }
      await fast.waitFor((x) => x.tool_use_id === `toolu_s-burst_${N - 1}`, 15000);
      const got = fast.messages.filter((x) => x.session_id === 's-burst');
      assert.equal(got.length, N);
      // Measured from the end of each POST (the event is published before its response), so
      // that the time the server takes to store a 1 MB event does not count.
      const latencies = got.map((m) => m._at - done[Number(m.tool_use_id.split('_').pop())]);
      const max = Math.max(...latencies);
      t.diagnostic(`burst of ${N} ~1 MB events: max latency ${max.toFixed(0)} ms, ` +
        `median ${latencies.sort((a, b) => a - b)[N >> 1].toFixed(0)} ms`);
      // A blocked broadcast would stall for good (the stalled client never reads), so a
      // generous bound is enough.
      assert.ok(max < 1000, `second client latency ${max.toFixed(0)} ms`);

      // Small events right after the burst: the fast client still gets them promptly.
      const t0 = performance.now();
      await postHook(srv.port, preToolUse('s-burst', 'after'));
      const m = await fast.waitFor((x) => x.tool_use_id === 'toolu_s-burst_after', 5000);
      assert.ok(m._at - t0 < 1000, `latency after burst ${(m._at - t0).toFixed(0)} ms`);

      // The stalled client was disconnected: once it reads again it drains what the kernel
      // held and then sees the end of the stream (pings are 30 s apart here, so this is the
      // queue bound at work).
      stalled.sock.resume();
      const deadline = Date.now() + 10000;
      while (!stalledClosed && Date.now() < deadline) await sleep(50);
      assert.ok(stalledClosed, 'stalled client disconnected');
      const { stdout, stderr } = srv.output();
      t.diagnostic(`server log mentions the queue bound: ${/send queue full/.test(stdout + stderr)}`);
    } finally {
      fast.close();
      stalled.sock.destroy();
    }
  });
});

describe('WebSocket /ws keep-alive', () => {
  let srv;
  before(async () => { srv = await startServer({ env: { CLAUDESCOPE_WS_PING_MS: '300' } }); });
  after(async () => {
    const { code } = await srv.stop();
    assert.equal(code, 0);
  });

  test('the server pings; a client that answers stays, one that does not is dropped', async () => {
    const c = await connect(srv.port);
    let pings = 0;
    c.ws.on('ping', () => { pings++; });
    let closedAt = null;
    c.ws.on('close', () => { closedAt = Date.now(); });

    // Reads (so it sees the pings) but never answers them.
    const mute = await rawUpgrade(srv.port);
    const start = Date.now();
    let muteClosedAt = null;
    let sawPing = false;
    mute.sock.on('data', (d) => { if (d.includes(0x89)) sawPing = true; });
    mute.sock.on('close', () => { muteClosedAt = Date.now(); });

    // At least 1.5 s (five ping intervals), and until the mute client is dropped: a few
    // intervals on a quiet machine, given up to 3 s on a loaded one (ASan build, two cores). The
    // default interval is 30 s, so a drop within 3 s is the ping timeout at work.
    await sleep(1500);
    for (const until = start + 3000; muteClosedAt === null && Date.now() < until;) await sleep(50);
    assert.ok(pings >= 2, `pings received: ${pings}`);
    assert.equal(closedAt, null, 'a client answering pings stays connected');
    assert.ok(sawPing, 'the mute client was pinged');
    assert.ok(muteClosedAt !== null, `the mute client was dropped within ${Date.now() - start} ms`);

    // Still delivering to the live client.
    await postHook(srv.port, preToolUse('s-ka', 1));
    await c.waitFor((x) => x.session_id === 's-ka');
    c.close();
    mute.sock.destroy();
  });

  test('stopping the server closes connected clients with a going-away close frame', async (t) => {
    const c = await connect(srv.port);
    const closed = new Promise((r) => c.ws.on('close', (code) => r(code)));
    const { code } = await srv.stop();
    assert.equal(code, 0);
    const wsCode = await closed;
    t.diagnostic(`close code on shutdown: ${wsCode}`);
    assert.equal(wsCode, 1001, 'a close frame (going away) before the io threads stop');
  });
});
