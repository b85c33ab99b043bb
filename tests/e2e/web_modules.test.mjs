// The dashboard's first load fetches its modules in parallel only if index.html names each of
// them in a <link rel="modulepreload">: a module it misses is found only once its importer has
// been fetched and parsed, one more round trip on every first load (seen in a trace: a module
// added to the shell was requested ~40 ms after the others). This walks the static imports of
// the page's scripts and of the default page (the overview) and checks the list against them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const html = readFileSync(path.join(web, 'index.html'), 'utf8');
const attrs = (re) => [...html.matchAll(re)].map((m) => m[1]);
const scripts = attrs(/<script type="module" src="([^"]+)"/g);
const preloaded = new Set(attrs(/<link rel="modulepreload" href="([^"]+)"/g));

/** The modules `url` imports statically (import/export ... from, and bare imports), as URL paths. */
function importsOf(url) {
  const src = readFileSync(path.join(web, url), 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]/g), ...src.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)];
  return specs.map((m) => new URL(m[1], `http://x${url}`).pathname);
}

/** Every module reachable from `roots` by static imports; vendored modules are not walked into. */
function closure(roots) {
  const seen = new Set();
  const todo = [...roots];
  while (todo.length) {
    const u = todo.pop();
    if (seen.has(u)) continue;
    seen.add(u);
    if (!u.startsWith('/vendor/')) todo.push(...importsOf(u));
  }
  return seen;
}

test('index.html preloads every module of the shell and of the overview, and nothing that does not exist', () => {
  assert.deepEqual(scripts, ['/boot.js', '/app.js']);
  assert.ok(preloaded.has('/pages/overview.js'), 'the default page is preloaded');
  const needed = closure([...scripts, '/pages/overview.js']);
  assert.ok(needed.has('/components/chart.js') && needed.has('/vendor/preact.js'), `the walk follows imports: ${[...needed]}`);
  const missing = [...needed].filter((u) => !scripts.includes(u) && !preloaded.has(u));
  assert.deepEqual(missing, [], 'modules the first load needs but index.html does not preload');
  const vendored = new Set(['/vendor/preact.js', '/vendor/preact-hooks.js', '/vendor/htm.js']);
  const unknown = [...preloaded].filter((u) => !(vendored.has(u) || existsSync(path.join(web, u))));
  assert.deepEqual(unknown, [], 'preloaded modules that do not exist');
});
