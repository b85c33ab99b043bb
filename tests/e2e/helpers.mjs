// Shared helpers for the end-to-end tests: start the real `claudescope serve` in a throw-away
// home, talk to it over loopback, stop it. Every test file may import these.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = process.env.CLAUDESCOPE_BIN || fileURLToPath(new URL('../../build/claudescope', import.meta.url));

// A temporary HOME and CLAUDESCOPE_HOME (with config.yaml when `config` is given).
export function makeHome({ config } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'claudescope-e2e-'));
  const home = path.join(root, 'home');
  const csHome = path.join(root, 'cs');
  mkdirSync(home, { recursive: true });
  mkdirSync(csHome, { recursive: true });
  if (config) writeFileSync(path.join(csHome, 'config.yaml'), config);
  const env = { ...process.env, HOME: home, CLAUDESCOPE_HOME: csHome };
  // Never open a browser from a test.
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.CLAUDE_CONFIG_DIR;
  return { root, home, csHome, env, db: path.join(root, 'claudescope.db'),
           cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

// Generates a corpus with tests/data/gen_corpus.py in <home.root>/<name>. Returns
// {corpus, projects, truth} (projects: the tree to import; truth: the generator's ground truth).
export function generateCorpus(home, { sessions, seed, name = 'corpus' }) {
  const corpus = path.join(home.root, name);
  const generator = new URL('../data/gen_corpus.py', import.meta.url).pathname;
  execFileSync('python3', [generator, '--out', corpus, '--sessions', String(sessions), '--seed',
                           String(seed), '--truth', path.join(corpus, 'truth.json')], { stdio: 'ignore' });
  const truth = JSON.parse(readFileSync(path.join(corpus, 'truth.json'), 'utf8'));
  return { corpus, projects: path.join(corpus, 'projects'), truth };
}

// generateCorpus, then `claudescope import` of it into home.db (throws when the import fails).
export async function importCorpus(home, options) {
  const generated = generateCorpus(home, options);
  const imp = await runCli(['import', '--path', generated.projects, '--db', home.db],
                           { home, timeoutMs: 120000 });
  if (imp.code !== 0) throw new Error(`import failed: ${imp.stderr}`);
  return generated;
}

// A sanitizer build (scripts/test --sanitize) reports memory errors, leaks and undefined
// behaviour on stderr; any such report fails the test that owned the process.
const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;
export function assertNoSanitizerReport(stderr, what) {
  const m = stderr.match(SANITIZER_REPORT);
  if (m) throw new Error(`${what}: sanitizer report\n${stderr.slice(Math.max(0, m.index - 200), m.index + 4000)}`);
}

// Runs `claudescope serve --port <port> --no-browser --db <tmp>` (plus `args`; port 0: any free
// one) and resolves once it prints its URL. Returns {url, port, home, child, output(), stop()};
// stop() sends SIGTERM, waits for the exit (SIGKILL after 10 s) and removes the temporary home
// unless keepHome.
export async function startServer({ args = [], config, env = {}, home, port: wanted = 0, timeoutMs = 15000 } = {}) {
  const h = home || makeHome({ config });
  const child = spawn(BIN, ['serve', '--port', String(wanted), '--no-browser', '--db', h.db, ...args], {
    env: { ...h.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    const check = () => {
      const m = stdout.match(/claudescope listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  const port = Number(new URL(url).port);
  let stopped = null;
  return {
    url, port, home: h, child, exited,
    output: () => ({ stdout, stderr }),
    stop: ({ keepHome = false } = {}) => {
      if (!stopped) {
        stopped = (async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
          const result = await exited;
          clearTimeout(killer);
          if (!keepHome && !home) h.cleanup();
          assertNoSanitizerReport(stderr, 'claudescope serve');
          return result;
        })();
      }
      return stopped;
    },
  };
}

// Runs the binary to completion: {code, stdout, stderr}.
export function runCli(args, { env = {}, home, timeoutMs = 15000 } = {}) {
  const h = home || makeHome();
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...h.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timeout: ${args.join(' ')}`)); }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!home) h.cleanup();
      try {
        assertNoSanitizerReport(stderr, `claudescope ${args.join(' ')}`);
      } catch (e) {
        reject(e);
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

// A request through node:http, which (unlike fetch) lets a test set Host and Origin freely.
// Resolves {status, headers, body, json} (json is null when the body is not JSON).
export function request(port, { method = 'GET', path: p = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Opens a raw TCP connection and writes `data`; resolves {closed: true, ms} when the server
// closes it, or {closed: false} after waitMs.
export function rawConnection(port, data, waitMs) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const sock = net.connect(port, '127.0.0.1', () => sock.write(data));
    let received = '';
    const timer = setTimeout(() => { sock.destroy(); resolve({ closed: false, received }); }, waitMs);
    sock.on('data', (d) => { received += d; });
    sock.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
    sock.on('close', () => { clearTimeout(timer); resolve({ closed: true, ms: Date.now() - start, received }); });
  });
}

/**
 * One transcript line in Claude Code's format (a user prompt or an assistant text response with
 * a small usage block), for tests that write transcripts of their own.
 */
export function transcriptLine({ sessionId, cwd, type, uuid, parentUuid, content, timestamp = new Date().toISOString(), extra = {} }) {
  const msg = type === 'user'
    ? { role: 'user', content }
    : { id: `msg_${uuid}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: content }],
        stop_reason: 'end_turn', usage: { input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } };
  return `${JSON.stringify({ parentUuid, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.220', gitBranch: 'main',
    type, uuid, timestamp, ...(type === 'assistant' ? { requestId: `req_${uuid}` } : {}), message: msg, ...extra })}\n`;
}

/**
 * For the tests of the subagent filters: among the runs `all` (newest first, as /api/subagents
 * answers) and the `sessions` they belong to, the first project (by path) whose runs started on
 * two UTC days or more, and the dates from its first to its second-to-last day, which keep
 * some of its runs only. Returns {project, runs (the project's runs with a start), from, to,
 * expected (those of them within the dates, newest first), projectOf (session id -> project),
 * day (a run's UTC day)}; project is undefined when no project qualifies.
 */
export function subagentProjectSpan(all, sessions) {
  const projectOf = new Map(sessions.map((s) => [s.id, s.project_path]));
  const day = (a) => a.started_at.slice(0, 10);
  const byProject = new Map();
  for (const a of all.filter((x) => x.started_at)) {
    const p = projectOf.get(a.session_id);
    byProject.set(p, [...(byProject.get(p) || []), a]);
  }
  const [project, runs = []] = [...byProject.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))
    .find(([, list]) => new Set(list.map(day)).size >= 2) || [];
  const days = [...new Set(runs.map(day))].sort();
  const [from, to] = [days[0], days[days.length - 2]];
  const expected = runs.filter((a) => day(a) >= from && day(a) <= to);
  return { project, runs, from, to, expected, projectOf, day };
}
