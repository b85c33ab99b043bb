// The overview's initial load as a user gets it: a fresh browser context (empty cache) opens
// `path`; counts every byte the page transferred (headers and bodies, as sent) and the time from
// navigation start until the overview's content is shown (cards, tables and lists hold their
// data) and until it is complete (every chart drawn too), and which API URLs were asked more
// than once (the page shares a request two of its parts need). Used by the browser test and by
// bench/ui_bench.mjs.
import { newPage } from './ui_browser.mjs';

export const LOAD_BUDGET_BYTES = 1.5 * 1024 * 1024;
export const RENDER_TARGET_MS = 1000;

export async function measureOverviewLoad(browser, base, path = '/?range=all') {
  const { page, problems, context } = await newPage(browser);
  const sizes = [];
  const apiAsked = new Map();  // API URL -> times requested
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) apiAsked.set(u.pathname + u.search, (apiAsked.get(u.pathname + u.search) || 0) + 1);
  });
  page.on('requestfinished', (r) => sizes.push(r.sizes().then((s) => s.responseHeadersSize + s.responseBodySize)));
  await page.goto(base + path);
  // Content: the cards, tables and lists hold their data (no section is loading).
  const content = await page.waitForFunction(() => {
    const main = document.querySelector('main');
    if (!main || !main.querySelector('#stats-cards .card') || main.querySelector('.state.loading')) return false;
    return performance.now();
  }, null, { polling: 'raf', timeout: 30000 });
  const contentMs = Math.round(await content.jsonValue());
  // Complete: every chart has drawn as well.
  const complete = await page.waitForFunction(() => {
    const charts = [...document.querySelectorAll('main .chart')];
    return charts.every((c) => c.querySelector('canvas, svg')) && performance.now();
  }, null, { polling: 'raf', timeout: 30000 });
  const completeMs = Math.round(await complete.jsonValue());
  await page.waitForLoadState('networkidle');
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  await context.close();
  const repeated = [...apiAsked].filter(([, n]) => n > 1).map(([u, n]) => `${u} x${n}`);
  return { contentMs, completeMs, bytes, requests: sizes.length, apiRequests: apiAsked.size, repeated, problems };
}
