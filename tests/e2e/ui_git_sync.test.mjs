// Browser test of a session's commits: a real git repository is the session's working directory,
// a commit is made in it while the session is active, and the session page's Sync button links
// it (POST /api/git-sync, libgit2 on the server): the commit then appears in the page's Commits
// table with the API's values. A server and HOME of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { makeHome, startServer, transcriptLine } from './helpers.mjs';
import { CHROMIUM, launch, newPage, settled } from './ui_browser.mjs';

const noChromium = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): the dashboard suite needs a browser`;

test('session page: Sync links a commit made during the session and lists it', { skip: noChromium }, async () => {
  const home = makeHome();
  const repo = path.join(home.root, 'repo');
  mkdirSync(repo);
  const git = (args, env = {}) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'UI Test']);
  git(['config', 'user.email', 'ui@example.invalid']);

  // A session in that repository: a prompt a minute ago, a response 40 s later; the commit at
  // 30 s lies inside its window.
  const id = '7a1c2e54-0d5b-4c1e-9c59-1d2f3a4b5c6d';
  const t0 = Date.now() - 60000;
  const at = (ms) => new Date(t0 + ms).toISOString();
  const dir = path.join(home.home, '.claude', 'projects', repo.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${id}.jsonl`),
    transcriptLine({ sessionId: id, cwd: repo, type: 'user', uuid: 'u1', parentUuid: null, content: 'add the greeting', timestamp: at(0) })
    + transcriptLine({ sessionId: id, cwd: repo, type: 'assistant', uuid: 'a1', parentUuid: 'u1', content: 'added', timestamp: at(40000) }));
  // And a session whose working directory is gone: its sync reports why nothing was linked.
  const gone = '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091';
  const goneCwd = path.join(home.root, 'deleted-project');
  const goneDir = path.join(home.home, '.claude', 'projects', goneCwd.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(goneDir, { recursive: true });
  writeFileSync(path.join(goneDir, `${gone}.jsonl`),
    transcriptLine({ sessionId: gone, cwd: goneCwd, type: 'user', uuid: 'g1', parentUuid: null, content: 'tidy up', timestamp: at(0) }));
  writeFileSync(path.join(repo, 'hello.txt'), 'hello\nworld\n');
  git(['add', 'hello.txt']);
  git(['commit', '-q', '-m', 'Add the greeting\n\nTwo lines.'], { GIT_AUTHOR_DATE: at(30000), GIT_COMMITTER_DATE: at(30000) });
  const hash = git(['rev-parse', 'HEAD']);

  const srv = await startServer({ home });
  const browser = await launch();
  try {
    const api = async (p) => (await fetch(srv.url + p)).json();
    for (const sid of [id, gone]) {
      for (let i = 0; i < 100 && !(await fetch(`${srv.url}/api/sessions/${sid}`)).ok; i++) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual((await api(`/api/sessions/${id}/commits`)).commits, [], 'no commit is linked before a sync');

    const { page, problems, context } = await newPage(browser);
    await page.goto(`${srv.url}/sessions/${id}`);
    await settled(page);
    await page.waitForSelector('text=No commits linked to this session');
    await page.click('button[aria-label="Sync git commits for this session"]');
    // The page waits for the server's GitSyncComplete on /ws, then reloads the commits.
    await page.waitForSelector('text=Sync done: 1 commit linked in 1 repository.', { timeout: 15000 });
    const row = await page.waitForSelector(`table:has(caption:text("Commits")) tbody tr:has(code[title="${hash}"])`);
    const commits = (await api(`/api/sessions/${id}/commits`)).commits;
    assert.equal(commits.length, 1);
    const c = commits[0];
    assert.deepEqual([c.hash, c.message.split('\n')[0], c.author, c.files_changed, c.insertions, c.deletions],
      [hash, 'Add the greeting', 'UI Test <ui@example.invalid>', 1, 2, 0]);
    const cells = await row.$$eval('td', (tds) => tds.map((td) => td.textContent.trim()));
    assert.deepEqual([cells[0], cells[1], cells[2], cells[4], cells[5], cells[6]],
      [hash.slice(0, 10), 'Add the greeting', c.author, '1', '2', '0']);

    await page.goto(`${srv.url}/sessions/${gone}`);
    await settled(page);
    await page.click('button[aria-label="Sync git commits for this session"]');
    await page.waitForSelector(`text=Sync done: 0 commits linked in 0 repositories. Skipped: ${goneCwd} (cwd not found).`, { timeout: 15000 });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await srv.stop({ keepHome: true });
    home.cleanup();
  }
});
