// Browser test of a fresh install: no transcript at all yet. Every page, a project page and a
// search show their empty states (and zeros on the cards), never an error and never a section
// still loading; the overview says where sessions will come from. A server of its own on an
// empty home.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import { makeHome, startServer } from './helpers.mjs';
import { CHROMIUM, launch, newPage } from './ui_browser.mjs';
import { PAGES } from './ui_pages.mjs';

const noChromium = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the dashboard suite needs a browser`;

test('a fresh install without transcripts: every page shows empty states, no error, nothing left loading', { skip: noChromium }, async () => {
  const home = makeHome();
  const srv = await startServer({ home });
  const browser = await launch();
  try {
    const { page, problems, context } = await newPage(browser);
    const pages = [...PAGES, ['project', '/projects/%2Fhome%2Fdev%2Fnone'], ['search', '/search?q=anything']];
    const seen = {};
    for (const [name, p] of pages) {
      await page.goto(srv.url + p);
      await page.waitForSelector('main .page');
      // Every section ends its loading state (a section that waits for a list that never
      // changes would spin forever).
      const done = await page.waitForFunction(() => !document.querySelector('main .state.loading'), null, { timeout: 10000 }).then(() => true, () => false);
      const loading = done ? [] : await page.$$eval('main .state.loading', (l) => l.map((e) => e.textContent.trim()));
      assert.deepEqual(loading, [], `${name}: sections still loading after 10 s`);
      seen[name] = await page.evaluate(() => ({
        errors: [...document.querySelectorAll('main .state.error')].map((e) => e.textContent.trim()),
        empty: document.querySelectorAll('main .state.empty').length,
        cards: [...document.querySelectorAll('main .card[data-value]')].filter((c) => c.dataset.value !== '').map((c) => Number(c.dataset.value)),
        welcome: document.querySelector('#welcome') && document.querySelector('#welcome').textContent.replace(/\s+/g, ' '),
      }));
    }
    for (const [name, s] of Object.entries(seen)) assert.deepEqual(s.errors, [], `${name}: no error shown`);
    for (const name of ['overview', 'sessions', 'tools', 'agents', 'projects', 'cost', 'project', 'search']) {
      assert.ok(seen[name].empty > 0, `${name} says there is nothing yet (${JSON.stringify(seen[name])})`);
    }
    assert.ok(seen.overview.cards.length >= 6 && seen.overview.cards.every((v) => v === 0), `the overview's cards are zeros: ${seen.overview.cards}`);
    // The overview says where sessions come from and how live events are set up.
    assert.match(seen.overview.welcome || '', /No Claude Code sessions yet\..*~\/\.claude\/projects.*claudescope install/);
    assert.deepEqual(problems, []);
    // A project filter with nothing in it is not a fresh install: no welcome then.
    await page.goto(`${srv.url}/?project=%2Fhome%2Fdev%2Fnone`);
    await page.waitForSelector('#stats-cards .card');
    assert.equal(await page.$('#welcome'), null);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await srv.stop();
  }
});
