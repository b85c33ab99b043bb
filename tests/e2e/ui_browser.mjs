// Browser helpers for the dashboard tests: launch Chromium through playwright-core, open pages,
// collect console errors, page errors and CSP violations, and save screenshots.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.resolve(here, '../../build/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A new page that records problems. `ignore(text)` may excuse a console error (e.g. a 404 for an
 * endpoint the server does not have yet); excused ones are kept in `excused`.
 */
export async function newPage(browser, { width = 1280, height = 900, ignore = () => false, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  // A CSP violation is reported as a console error (in addition to Chromium's own message).
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`)));
  const page = await context.newPage();
  const problems = [];
  const excused = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = `${m.text()} ${m.location() && m.location().url ? `(${m.location().url})` : ''}`;
    (ignore(text) ? excused : problems).push(text);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(15000);
  return { context, page, problems, excused };
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until no loading spinner is left (or the timeout passes) and fonts/charts settle. */
export async function settled(page, timeout = 15000) {
  await page.waitForSelector('main .page, main .state.error', { timeout });
  await page.waitForFunction(() => !document.querySelector('main .state.loading'), null, { timeout }).catch(() => {});
  await page.waitForTimeout(300);
}

/**
 * The rows of the main table captioned `caption` (null when there is none): per cell its text
 * (whitespace collapsed), its exact value (data-value), its first link and its first title.
 */
export function tableRows(page, caption) {
  return page.$$eval('main table', (tables, c) => {
    const t = tables.find((x) => x.querySelector('caption') && x.querySelector('caption').textContent.trim() === c);
    return t ? [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((td) => {
      const v = td.querySelector('[data-value]');
      const a = td.querySelector('a[href]');
      const titled = td.querySelector('[title]');
      return { text: td.textContent.replace(/\s+/g, ' ').trim(), value: v && v.dataset.value !== '' ? Number(v.dataset.value) : null,
               href: a ? a.getAttribute('href') : null, title: titled ? titled.getAttribute('title') : null };
    })) : null;
  }, caption);
}
