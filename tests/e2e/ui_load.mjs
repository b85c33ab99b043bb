// The overview's initial load as a user gets it: a fresh browser context (empty cache) opens
// `path`; counts every byte the page transferred (headers and bodies, as sent) and the time from
// navigation start until the overview's content is shown (cards, tables and lists hold their
// data) and until it is complete (every chart drawn too), and which API URLs were asked more
// than once (the page shares a request two of its parts need). Used by the browser test and by
// bench/ui_bench.mjs.
//
// The times are taken inside the page by a small observer installed before the page's own
// scripts, which says on the console when the load is complete; they are read after that.
// Polling from the test (waitForFunction) would compile and run Playwright's own page script
// during the load: ~25 ms of the page's main thread in a trace, which no user's browser spends.
import { newPage } from './ui_browser.mjs';

export const LOAD_BUDGET_BYTES = 1.5 * 1024 * 1024;
export const RENDER_TARGET_MS = 1000;

// In the page: records performance.now() at the first frame in which the content is shown and
// the first in which every chart is drawn, as window.__overviewTimes = {content, complete}.
function observeOverview() {
  const times = (window.__overviewTimes = {});
  const contentShown = () => {
    const main = document.querySelector('main');
    return !!main && !!main.querySelector('#stats-cards .card') && !main.querySelector('.state.loading');
  };
  const chartsDrawn = () => [...document.querySelectorAll('main .chart')].every((c) => c.querySelector('canvas, svg'));
  let frame = false;
  const check = () => {
    if (frame || times.complete) return;
    frame = true;
    requestAnimationFrame(() => {
      frame = false;
      if (!times.content && contentShown()) times.content = performance.now();
      if (times.content && !times.complete && chartsDrawn()) times.complete = performance.now();
      if (times.complete) {
        observer.disconnect();
        console.debug('claudescope-overview-complete');  // the harness waits for this
      }
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true });
}

/**
 * One load of `path` in a fresh browser context: a first visit (empty cache). With `returning`,
 * the context first loads the page once unmeasured and then the measured load is a second
 * visit (the browser's cache and compiled code from the first), as a daily user gets it.
 */
export async function measureOverviewLoad(browser, base, path = '/?range=all', { returning = false } = {}) {
  const { page, problems, context } = await newPage(browser);
  await context.addInitScript(observeOverview);
  const completed = () => page.waitForEvent('console', { predicate: (m) => m.text() === 'claudescope-overview-complete', timeout: 30000 });
  if (returning) {
    const first = completed();
    await page.goto(base + path);
    await first;
    await page.waitForLoadState('networkidle');
  }
  const sizes = [];
  const apiAsked = new Map();  // API URL -> times requested
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) apiAsked.set(u.pathname + u.search, (apiAsked.get(u.pathname + u.search) || 0) + 1);
  });
  page.on('requestfinished', (r) => sizes.push(r.sizes().then((s) => s.responseHeadersSize + s.responseBodySize)));
  const done = completed();
  await page.goto(base + path);
  await done;
  const t = await page.evaluate(() => window.__overviewTimes);
  await page.waitForLoadState('networkidle');
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  await context.close();
  const repeated = [...apiAsked].filter(([, n]) => n > 1).map(([u, n]) => `${u} x${n}`);
  return { contentMs: Math.round(t.content), completeMs: Math.round(t.complete), bytes, requests: sizes.length, apiRequests: apiAsked.size, repeated, problems };
}
