// Browser test of the Live page's reconnection: the real server is stopped under an open page and
// started again on the same port; the page says it is disconnected, retries with a doubling
// delay (1 s, then 2 s), reconnects on its own and shows new events again. A server of its own
// (the main dashboard suite's server must stay up).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import { makeHome, startServer } from './helpers.mjs';
import { CHROMIUM, launch, newPage } from './ui_browser.mjs';

const noChromium = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the dashboard suite needs a browser`;

test('Live page: reconnects with backoff after the server restarts, then shows new events', { skip: noChromium }, async () => {
  const home = makeHome();
  let srv = await startServer({ home });
  const { port, url } = srv;
  const browser = await launch();
  try {
    // While the server is down the browser logs each refused WebSocket and request: expected here.
    const { page, problems, context } = await newPage(browser, { ignore: (t) => /WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(t) });
    await page.goto(`${url}/live`);
    await page.waitForSelector('[data-conn="open"]', { timeout: 10000 });

    await srv.stop({ keepHome: true });
    await page.waitForSelector('[data-conn="reconnecting"]', { timeout: 10000 });
    assert.match(await page.textContent('[data-conn]'), /Disconnected — retrying in 1 s \(attempt 1\)/);
    // The first retry fails too (nothing listens): the next delay doubles.
    await page.waitForFunction(() => /retrying in 2 s \(attempt 2\)/.test(document.querySelector('[data-conn]').textContent), null, { timeout: 10000 });

    srv = await startServer({ home, port });
    await page.waitForSelector('[data-conn="open"]', { timeout: 15000 });
    assert.match(await page.textContent('[data-conn]'), /Connected/);

    const sid = `reconnect-${Date.now()}`;
    const r = await fetch(`${url}/api/hooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ hook_event_name: 'Notification', session_id: sid, message: 'after the restart' }) });
    assert.equal(r.status, 200);
    await page.waitForSelector(`.event[data-session="${sid}"][data-event="Notification"]`, { timeout: 10000 });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await srv.stop({ keepHome: true });
    home.cleanup();
  }
});
