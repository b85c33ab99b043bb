// End-to-end: the real binary's `install`, `uninstall` and `hook` against a temporary HOME
// holding a real ~/.claude/settings.json. No server is started: `hook` must then spool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = process.env.CLAUDESCOPE_BIN || fileURLToPath(new URL('../../build/claudescope', import.meta.url));

const EVENTS = ['SessionStart', 'SessionEnd', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse',
  'PostToolUseFailure', 'Notification', 'Stop', 'SubagentStart', 'SubagentStop', 'PreCompact',
  'PostCompact', 'TaskCreated', 'TaskCompleted'];

function tempHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-e2e-install-'));
  const env = { ...process.env, HOME: home };
  delete env.CLAUDE_CONFIG_DIR;
  delete env.CLAUDESCOPE_HOME;
  return { home, env, settings: path.join(home, '.claude', 'settings.json') };
}

function run(args, env, input) {
  return spawnSync(BIN, args, { env, input, encoding: 'utf8', timeout: 20000 });
}

function backups(dir) {
  return fs.readdirSync(dir).filter((n) => n.includes('.claudescope-backup-'));
}

// Written the way Claude Code writes it: JSON.stringify(v, null, 2).
const USER_SETTINGS = JSON.stringify({
  model: 'opus',
  permissions: { allow: ['Bash(npm test:*)'] },
  hooks: {
    PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
  },
  unknownFutureKey: { a: [1, 2, 3] },
}, null, 2) + '\n';

test('install adds handlers, is idempotent, uninstall restores the original bytes', () => {
  const { home, env, settings } = tempHome();
  try {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, USER_SETTINGS);
    const hooksLine = () => {
      const st = run(['status'], env);
      assert.equal(st.status, 0, st.stderr);
      return st.stdout.split('\n').find((l) => l.startsWith('Hooks:'));
    };
    assert.equal(hooksLine(), `Hooks:         not installed in ${settings} (run \`claudescope install\`)`, 'the user\'s own hooks are not ours');

    const r1 = run(['install'], env);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /settings: .*settings\.json updated/);
    assert.match(r1.stdout, /config: .*config\.yaml created/);
    assert.ok(fs.existsSync(path.join(home, '.claudescope', 'config.yaml')));

    const doc = JSON.parse(fs.readFileSync(settings, 'utf8'));
    assert.deepEqual(Object.keys(doc), ['model', 'permissions', 'hooks', 'unknownFutureKey']);
    for (const ev of EVENTS) {
      const ours = doc.hooks[ev].flatMap((g) => g.hooks).filter((h) => / hook$/.test(h.command ?? ''));
      assert.equal(ours.length, 1, ev);
      assert.equal(ours[0].type, 'command');
      assert.equal(ours[0].async, true);
      assert.equal(ours[0].timeout, 5);
      assert.equal(path.basename(ours[0].command.slice(0, -' hook'.length)), 'claudescope');
    }
    assert.equal(doc.hooks.PostToolUse[0].hooks[0].command, 'npx prettier --write');
    assert.equal(doc.hooks.PostToolUse[1].matcher, '*');
    assert.equal(doc.hooks.Stop[0].hooks[0].command, 'say done');
    assert.equal(backups(path.dirname(settings)).length, 1);
    assert.equal(hooksLine(), `Hooks:         ${EVENTS.length} of ${EVENTS.length} events in ${settings}`);

    const installed = fs.readFileSync(settings);
    const r2 = run(['install'], env);
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /unchanged/);
    assert.deepEqual(fs.readFileSync(settings), installed);
    assert.equal(backups(path.dirname(settings)).length, 1);

    const r3 = run(['uninstall'], env);
    assert.equal(r3.status, 0, r3.stderr);
    assert.equal(fs.readFileSync(settings, 'utf8'), USER_SETTINGS);
    assert.match(hooksLine(), /^Hooks: +not installed/);
    assert.ok(fs.existsSync(path.join(home, '.claudescope')), 'no --purge: data kept');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('install --http uses http handlers except for SessionStart', () => {
  const { home, env, settings } = tempHome();
  try {
    const r = run(['install', '--http', '--port', '4567'], env);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(fs.readFileSync(settings, 'utf8'));
    assert.equal(doc.hooks.SessionStart[0].hooks[0].type, 'command');
    assert.deepEqual(doc.hooks.Stop[0].hooks[0],
      { type: 'http', url: 'http://127.0.0.1:4567/api/hooks', timeout: 2 });
    assert.equal(fs.statSync(settings).mode & 0o777, 0o600);
    const u = run(['uninstall'], env);
    assert.equal(u.status, 0, u.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(settings, 'utf8')), {});
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('CLAUDE_CONFIG_DIR is respected', () => {
  const { home, env } = tempHome();
  try {
    env.CLAUDE_CONFIG_DIR = path.join(home, 'alt-claude');
    const r = run(['install'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(home, 'alt-claude', 'settings.json')));
    assert.ok(!fs.existsSync(path.join(home, '.claude', 'settings.json')));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('malformed settings.json is refused and left untouched', () => {
  const { home, env, settings } = tempHome();
  try {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    const bad = '{ "model": "opus", ';
    fs.writeFileSync(settings, bad);
    const r = run(['install'], env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not valid JSON/);
    assert.equal(fs.readFileSync(settings, 'utf8'), bad);
    assert.equal(backups(path.dirname(settings)).length, 0);
    assert.ok(!fs.existsSync(path.join(home, '.claudescope')));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('uninstall --purge needs --yes without a terminal', () => {
  const { home, env } = tempHome();
  try {
    assert.equal(run(['install'], env).status, 0);
    const data = path.join(home, '.claudescope');
    const refused = run(['uninstall', '--purge'], env, '');
    assert.equal(refused.status, 1);
    assert.ok(fs.existsSync(data));
    const ok = run(['uninstall', '--purge', '--yes'], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(!fs.existsSync(data));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('hook without a server spools, prints nothing, exits 0 quickly', () => {
  const { home, env } = tempHome();
  try {
    const event = { hook_event_name: 'Stop', session_id: 'e2e-1', stop_hook_active: false };
    const t0 = process.hrtime.bigint();
    const r = run(['hook'], env, JSON.stringify(event, null, 2));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.ok(ms < 1000, `hook took ${ms} ms`);
    const spool = path.join(home, '.claudescope', 'spool');
    const files = fs.readdirSync(spool);
    assert.equal(files.length, 1);
    assert.match(files[0], /^spool-\d{8}\.jsonl$/);
    assert.equal(fs.statSync(path.join(spool, files[0])).mode & 0o777, 0o600);
    assert.equal(fs.statSync(spool).mode & 0o777, 0o700);
    const lines = fs.readFileSync(path.join(spool, files[0]), 'utf8').split('\n');
    assert.equal(lines.length, 2);
    assert.equal(lines[1], '');
    const got = JSON.parse(lines[0]);
    assert.equal(got.session_id, 'e2e-1');
    assert.equal(typeof got.received_at, 'number');

    // Garbage and unknown arguments still exit 0 with empty stdout.
    const g = run(['hook', '--whatever'], env, 'not json');
    assert.equal(g.status, 0);
    assert.equal(g.stdout, '');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('hook returns once the object is complete even if stdin stays open', async () => {
  const { home, env } = tempHome();
  try {
    const child = spawn(BIN, ['hook'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    const t0 = Date.now();
    child.stdin.write('{"hook_event_name":"Notification","message":"hi"}');  // no end()
    const code = await new Promise((resolve) => child.on('exit', resolve));
    const ms = Date.now() - t0;
    child.stdin.destroy();
    assert.equal(code, 0);
    assert.equal(stdout, '');
    assert.ok(ms < 1500, `hook waited ${ms} ms for EOF`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
