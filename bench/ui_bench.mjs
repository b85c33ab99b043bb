// The overview's initial load on a 1 GB store, in headless Chromium: bytes transferred (target
// < 1.5 MB) and the time until its content (cards, tables, lists) and then every chart is shown
// (target: content < 1 s). Three loads: right after the server started (every API answer
// computed), again (answers cached), and after a write (the cache is void again).
//   node bench/ui_bench.mjs [DB]   (default: the store bench/api_bench.sh imports)
import { existsSync } from 'node:fs';
import { launch } from '../tests/e2e/ui_browser.mjs';
import { makeHome, request, startServer } from '../tests/e2e/helpers.mjs';
import { LOAD_BUDGET_BYTES, RENDER_TARGET_MS, measureOverviewLoad } from '../tests/e2e/ui_load.mjs';

const db = process.argv[2] || `${process.env.BENCH_DIR || '/tmp/claudescope-bench'}/bench.db`;
if (!existsSync(db)) {
  console.error(`no store at ${db}: run bench/api_bench.sh first (it imports the 1 GB tree)`);
  process.exit(1);
}
const home = makeHome();
home.db = db;
const srv = await startServer({ home });
const browser = await launch();
const rows = [];
try {
  rows.push(['first load after start', await measureOverviewLoad(browser, srv.url)]);
  rows.push(['again (answers cached)', await measureOverviewLoad(browser, srv.url)]);
  const s = JSON.parse((await request(srv.port, { path: '/api/sessions?limit=1' })).body).sessions[0];
  await request(srv.port, {
    method: 'PATCH', path: `/api/sessions/${encodeURIComponent(s.id)}`,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notes: `ui bench ${Date.now()}` }),  // a scratch store
  });
  rows.push(['after a write', await measureOverviewLoad(browser, srv.url)]);
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`${'overview load'.padEnd(26)} ${'KiB'.padStart(6)} ${'content'.padStart(9)} ${'charts'.padStart(9)}`);
for (const [name, r] of rows) {
  console.log(`${name.padEnd(26)} ${(r.bytes / 1024).toFixed(0).padStart(6)} ${`${r.contentMs} ms`.padStart(9)} ${`${r.completeMs} ms`.padStart(9)}`);
  if (r.problems.length) console.log(`  page problems: ${r.problems.join('; ')}`);
}
const worst = Math.max(...rows.map(([, r]) => r.contentMs));
console.log(`targets: initial load < ${LOAD_BUDGET_BYTES / 1024} KiB: ${rows[0][1].bytes < LOAD_BUDGET_BYTES ? 'met' : 'NOT met'}; ` +
            `content < ${RENDER_TARGET_MS} ms: ${worst < RENDER_TARGET_MS ? 'met' : `NOT met (worst ${worst} ms)`}`);
