// The overview's initial load on a 1 GB store, in headless Chromium: bytes transferred (target
// < 1.5 MB) and the time until its content (cards, tables, lists) and then every chart is shown
// (target: the whole overview, charts included, < 1 s). Each run starts a fresh server and makes
// three loads, each in a fresh browser context (empty cache): right after the server started
// (every API answer computed), again (answers cached), and after a write (the cache is void
// again). The machine's speed varies from minute to minute, so several runs are made and the
// medians, the worst load and how many loads met the target are reported.
//   RUNS=6 node bench/ui_bench.mjs [DB]   (default: the store bench/api_bench.sh imports; RUNS 3)
import { existsSync } from 'node:fs';
import { launch } from '../tests/e2e/ui_browser.mjs';
import { makeHome, request, startServer } from '../tests/e2e/helpers.mjs';
import { LOAD_BUDGET_BYTES, RENDER_TARGET_MS, measureOverviewLoad } from '../tests/e2e/ui_load.mjs';

const db = process.argv[2] || `${process.env.BENCH_DIR || '/tmp/claudescope-bench'}/bench.db`;
const runs = Math.max(1, Number(process.env.RUNS || 3));
if (!existsSync(db)) {
  console.error(`no store at ${db}: run bench/api_bench.sh first (it imports the 1 GB tree)`);
  process.exit(1);
}
const browser = await launch();
const rows = [];
try {
  for (let run = 1; run <= runs; run++) {
    const home = makeHome();
    home.db = db;
    const srv = await startServer({ home });
    try {
      rows.push([run, 'first load after start', await measureOverviewLoad(browser, srv.url)]);
      rows.push([run, 'again (answers cached)', await measureOverviewLoad(browser, srv.url)]);
      const s = JSON.parse((await request(srv.port, { path: '/api/sessions?limit=1' })).body).sessions[0];
      await request(srv.port, {
        method: 'PATCH', path: `/api/sessions/${encodeURIComponent(s.id)}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notes: `ui bench ${Date.now()}` }),  // a scratch store
      });
      rows.push([run, 'after a write', await measureOverviewLoad(browser, srv.url)]);
    } finally {
      await srv.stop();
      home.cleanup();
    }
  }
} finally {
  await browser.close();
}
console.log(`${'run'.padEnd(4)} ${'overview load'.padEnd(24)} ${'KiB'.padStart(6)} ${'content'.padStart(9)} ${'charts'.padStart(9)}`);
for (const [run, name, r] of rows) {
  console.log(`${String(run).padEnd(4)} ${name.padEnd(24)} ${(r.bytes / 1024).toFixed(0).padStart(6)} ${`${r.contentMs} ms`.padStart(9)} ${`${r.completeMs} ms`.padStart(9)}`);
  if (r.problems.length) console.log(`  page problems: ${r.problems.join('; ')}`);
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const summary = (label, key) => {
  const v = rows.map(([, , r]) => r[key]);
  const under = v.filter((x) => x < RENDER_TARGET_MS).length;
  console.log(`${label}: median ${median(v)} ms, worst ${Math.max(...v)} ms, ${under} of ${v.length} loads under ${RENDER_TARGET_MS} ms`);
  return under === v.length;
};
const contentMet = summary('content (cards, tables, lists)', 'contentMs');
const chartsMet = summary('complete (every chart drawn)', 'completeMs');
const bytesMet = rows.every(([, , r]) => r.bytes < LOAD_BUDGET_BYTES);
console.log(`targets: initial load < ${LOAD_BUDGET_BYTES / 1024} KiB: ${bytesMet ? 'met' : 'NOT met'}; ` +
            `content < ${RENDER_TARGET_MS} ms: ${contentMet ? 'met' : 'NOT met in every load'}; ` +
            `every chart < ${RENDER_TARGET_MS} ms: ${chartsMet ? 'met' : 'NOT met in every load'}`);
