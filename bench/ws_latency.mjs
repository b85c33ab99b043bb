// Latency from a line appended to a transcript to its SessionUpdate on /ws, over 1,000
// appends; prints p50 and p99 (target p99 < 100 ms). Uses the real server on a temporary HOME.
//   CLAUDESCOPE_BIN=build/claudescope node bench/ws_latency.mjs [N]
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { makeHome, startServer } from '../tests/e2e/helpers.mjs';

const require = createRequire(new URL('../tests/package.json', import.meta.url));
const WebSocket = require('ws');
const N = Number(process.argv[2] || 1000);
const home = makeHome();
const dir = path.join(home.home, '.claude', 'projects', '-bench');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'bench-session.jsonl');
const line = (i) => JSON.stringify({
  type: 'assistant', sessionId: 'bench-session', cwd: '/bench', uuid: `u${i}`,
  timestamp: new Date().toISOString(), requestId: `req_${i}`,
  message: { id: `msg_${i}`, model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'x' }],
             usage: { input_tokens: 1, output_tokens: 1 } },
}) + '\n';
appendFileSync(file, line(-1));
const srv = await startServer({ home });
const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws?events=SessionUpdate');
await new Promise((r) => ws.on('open', r));
let waiting = null;
ws.on('message', (m) => {
  const e = JSON.parse(m.toString());
  if (waiting && e.message_count >= waiting.want) { const w = waiting; waiting = null; w.resolve(); }
});
const lat = [];
await new Promise((r) => setTimeout(r, 500));
for (let i = 0; i < N; i++) {
  const t0 = process.hrtime.bigint();
  const done = new Promise((resolve) => { waiting = { want: i + 2, resolve }; });
  appendFileSync(file, line(i));
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
console.log(`append -> SessionUpdate over ${N} appends: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (target p99 < 100 ms)`);
ws.close();
await srv.stop();
