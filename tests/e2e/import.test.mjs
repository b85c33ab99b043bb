// `claudescope import` as a user runs it (not on a terminal): progress lines, the deferred index
// build of a first import, the summary, and a second import that reads nothing again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { generateCorpus, makeHome, runCli } from './helpers.mjs';

describe('claudescope import', () => {
  let home;
  let projects;
  let truth;

  before(() => {
    home = makeHome();
    ({ projects, truth } = generateCorpus(home, { sessions: 12, seed: 3 }));
  });
  after(() => home?.cleanup());

  test('a first import reports progress, builds its indexes at the end and sums up', async () => {
    const r = await runCli(['import', '--path', projects, '--db', home.db], { home, timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /^import: \d+\/\d+ files, [\d.]+ MB, [\d.]+ MB\/s$/);
    assert.equal(lines.at(-1), 'import: building indexes');
    assert.match(r.stdout, /^Imported \d+ files \([\d.]+ MB\) in [\d.]+ s/);
    assert.match(r.stdout, new RegExp(`store: ${truth.totals.sessions} sessions, `));
    // Every index of the schema is there afterwards.
    const indexes = execFileSync('sqlite3', [home.db, "SELECT name FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL ORDER BY name"],
                                 { encoding: 'utf8' }).trim().split('\n');
    for (const name of ['messages_session', 'messages_time', 'tool_calls_session', 'tool_calls_name', 'subagents_started']) {
      assert.ok(indexes.includes(name), `${name} in ${indexes}`);
    }
  });

  test('importing again reads nothing and builds nothing', async () => {
    const r = await runCli(['import', '--path', projects, '--db', home.db], { home, timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /building indexes/);
    assert.match(r.stdout, /^Imported 0 files \(0\.0 MB\)/);
    assert.match(r.stdout, new RegExp(`store: ${truth.totals.sessions} sessions, `));
  });
});
