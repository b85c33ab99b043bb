#!/usr/bin/env bash
# Regenerates the example requests and responses of docs/api.md from a real server.
#
#   scripts/api_examples.sh [> examples.txt]
#
# Makes a small deterministic corpus (tests/data/gen_corpus.py, 8 sessions, seed 3, October
# 2026), imports it into a fresh database, starts `claudescope serve --port 0` on it with a
# throw-away HOME / CLAUDESCOPE_HOME, curls every endpoint (tz=UTC, October 2026) and prints, for
# each example, the curl command, the HTTP status and the body (for the CSV and HTML exports the
# headers and the start of the body; for /ws the frames a client received). JSON bodies are
# re-indented and shortened for the docs: lists keep their first $KEEP items followed by a
# "… N more" string, strings longer than $MAXSTR characters end in "…". The server is stopped on
# exit.
#
# Environment: CLAUDESCOPE_BIN (default build/claudescope), WORK (default
# /tmp/claudescope-apidoc, deleted and recreated), KEEP (2), MAXSTR (160).
# Needs: bash, curl, python3. Mutates only the throw-away database and config under $WORK.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${CLAUDESCOPE_BIN:-$ROOT/build/claudescope}"
WORK="${WORK:-/tmp/claudescope-apidoc}"
export KEEP="${KEEP:-2}" MAXSTR="${MAXSTR:-160}"
R="tz=UTC&from=2026-10-01&to=2026-10-31"   # the range of the generated data

[[ -x "$BIN" ]] || { echo "no claudescope binary at $BIN (set CLAUDESCOPE_BIN)" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK/home" "$WORK/cs"
python3 "$ROOT/tests/data/gen_corpus.py" --out "$WORK" --sessions 8 --seed 3 \
  --truth "$WORK/truth.json" >/dev/null 2>&1
"$BIN" import --path "$WORK/projects" --db "$WORK/db" >/dev/null

HOME="$WORK/home" CLAUDESCOPE_HOME="$WORK/cs" "$BIN" serve --port 0 --no-browser \
  --db "$WORK/db" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
B=""
for _ in $(seq 100); do
  B="$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1 || true)"
  [[ -n "$B" ]] && break
  sleep 0.1
done
[[ -n "$B" ]] || { echo "server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
HOSTPORT="${B#http://}"

# A WebSocket client: ws.py HOST:PORT QUERY N connects to /ws?QUERY, prints the status line of the
# upgrade, then the first N text frames (one per line), and exits (10 s timeout).
cat > "$WORK/ws.py" <<'EOF'
import base64, json, os, socket, struct, sys, time
hostport, query, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = hostport.split(":")
s = socket.create_connection((host, int(port)), timeout=10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /ws?%s HTTP/1.1\r\n"
           "Host: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (query, hostport, key)).encode())
buf = b""
while b"\r\n\r\n" not in buf: buf += s.recv(4096)
head, buf = buf.split(b"\r\n\r\n", 1)
print(head.split(b"\r\n")[0].decode(), flush=True)
def need(n):
    global buf
    while len(buf) < n:
        chunk = s.recv(65536)
        if not chunk: raise EOFError
        buf += chunk
    out, buf = buf[:n], buf[n:]; return out
got = 0
try:
    while got < want:
        b0, b1 = need(2)
        n = b1 & 0x7f
        if n == 126: n = struct.unpack(">H", need(2))[0]
        elif n == 127: n = struct.unpack(">Q", need(8))[0]
        payload = need(n)
        if b0 & 0x0f == 1:
            print(payload.decode(), flush=True); got += 1
except (EOFError, socket.timeout):
    pass
EOF

# Pretty-prints and shortens a JSON body (non-JSON bodies are printed as they are).
shorten() {
  python3 -c '
import json, os, sys
keep, maxstr = int(os.environ["KEEP"]), int(os.environ["MAXSTR"])
raw = sys.stdin.read()
try:
    doc = json.loads(raw)
except ValueError:
    sys.stdout.write(raw if raw.endswith("\n") or not raw else raw + "\n"); sys.exit()
def cut(v):
    if isinstance(v, list):
        out = [cut(x) for x in v[:keep]]
        if len(v) > keep: out.append("… %d more" % (len(v) - keep))
        return out
    if isinstance(v, dict): return {k: cut(x) for k, x in v.items()}
    if isinstance(v, str) and len(v) > maxstr: return v[:maxstr] + "…"
    return v
def fmt(v, ind=0):
    flat = json.dumps(v, ensure_ascii=False)
    if len(flat) + ind <= 100 or not isinstance(v, (list, dict)) or not v: return flat
    pad = " " * (ind + 2)
    if isinstance(v, list):
        items = [pad + fmt(x, ind + 2) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + " " * ind + "]"
    items = [pad + json.dumps(k, ensure_ascii=False) + ": " + fmt(x, ind + 2)
             for k, x in v.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * ind + "}"
print(fmt(cut(doc)))
'
}

# ex TITLE CURL-ARGS... : prints the request, the status line and the shortened body.
ex() {
  local title="$1"; shift
  local shown=() a
  for a in "$@"; do
    if [[ "$a" == *" "* || "$a" == *'"'* || "$a" == *'&'* || "$a" == *'{'* ]]; then
      shown+=("'$a'")
    else
      shown+=("$a")
    fi
  done
  echo "### $title"
  echo "\$ curl ${shown[*]}" | sed "s#$B#http://127.0.0.1:3000#g"
  local out
  out="$(curl -s -w '\n%{http_code}' "$@")"  || true
  echo "HTTP ${out##*$'\n'}"
  printf '%s' "${out%$'\n'*}" | shorten
  echo
}

# exh TITLE LINES CURL-ARGS... : for downloads (the CSV export is a ZIP, the HTML one a whole page):
# prints the request, the status line and headers (Date dropped), then the first LINES lines of the
# body and its size, or with LINES = 0 the size and the entries of the ZIP.
exh() {
  local title="$1" lines="$2"; shift 2
  echo "### $title"
  echo "\$ curl -i '$*'" | sed "s#$B#http://127.0.0.1:3000#g"
  local body="$WORK/body.out"
  curl -s -D "$WORK/head.out" -o "$body" "$@" || true
  tr -d '\r' < "$WORK/head.out" | grep -vi '^date:' | sed '/^$/d'
  if (( lines > 0 )); then
    echo
    head -n "$lines" "$body"
    echo "… ($(wc -c < "$body") bytes in all)"
  else
    echo "… ($(wc -c < "$body") bytes of body: $(python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print("a ZIP of " + ", ".join("%s (%d bytes)" % (i.filename, i.file_size) for i in z.infolist()))
' "$body"))"
  fi
  echo
}

J=(-H 'Content-Type: application/json')
SID="$(curl -s "$B/api/sessions?limit=1&sort=cost&$R" | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["sessions"][0]["id"])')"
PROJ="/home/dev/work/my-app"

# ---- meta
ex "GET /api/health" "$B/api/health"
ex "GET /api/projects" "$B/api/projects"
ex "GET /api/models" "$B/api/models"

# ---- sessions
ex "GET /api/sessions" "$B/api/sessions?$R&limit=1&sort=cost&order=desc"
ex "GET /api/sessions/{id}" "$B/api/sessions/$SID?messages_limit=1"
ex "PATCH /api/sessions/{id}" -X PATCH "${J[@]}" \
  -d '{"notes":"pricing refactor","tags":[" refactor ","review","refactor"]}' "$B/api/sessions/$SID"
ex "GET /api/tags" "$B/api/tags"
ex "GET /api/sessions/{id}/timeline" "$B/api/sessions/$SID/timeline"
ex "GET /api/sessions/{id}/commits" "$B/api/sessions/$SID/commits"

# ---- rows
ex "GET /api/messages" "$B/api/messages?session_id=$SID&type=assistant&limit=1"
ex "GET /api/tool-calls" "$B/api/tool-calls?session_id=$SID&success=false&limit=1"
ex "GET /api/subagents" "$B/api/subagents?limit=1"
ex "GET /api/search" "$B/api/search?q=duplication&limit=1"

# ---- statistics
ex "GET /api/stats" "$B/api/stats?$R"
ex "GET /api/stats/daily" "$B/api/stats/daily?tz=UTC&from=2026-10-29&to=2026-10-31"
ex "GET /api/stats/tools" "$B/api/stats/tools?$R"
ex "GET /api/stats/models" "$B/api/stats/models?$R"
ex "GET /api/stats/projects" "$B/api/stats/projects?$R"
ex "GET /api/stats/skills" "$B/api/stats/skills?$R"
ex "GET /api/stats/mcp" "$B/api/stats/mcp?$R"
ex "GET /api/stats/errors" "$B/api/stats/errors?$R"
ex "GET /api/stats/token-efficiency" "$B/api/stats/token-efficiency?$R"
ex "GET /api/stats/prompt-patterns" "$B/api/stats/prompt-patterns?$R"
ex "GET /api/stats/file-heatmap" "$B/api/stats/file-heatmap?project=$PROJ&$R"
ex "GET /api/stats/session-breakdown" "$B/api/stats/session-breakdown?session_id=$SID"
ex "GET /api/stats/project-breakdown" "$B/api/stats/project-breakdown?project=my-app&$R"
ex "GET /api/stats/active-sessions" "$B/api/stats/active-sessions?tz=UTC"

# ---- budgets, export, git sync
ex "POST /api/budgets" -X POST "${J[@]}" \
  -d '{"name":"Daily Limit","amount":50,"period":"daily","warning_threshold":0.8,"project":""}' \
  "$B/api/budgets"
ex "GET /api/budgets" "$B/api/budgets"
ex "PUT /api/budgets/{id}" -X PUT "${J[@]}" \
  -d '{"name":"Monthly","amount":200,"period":"monthly","project":"my-app"}' "$B/api/budgets/1"
ex "GET /api/budgets/status" "$B/api/budgets/status?tz=UTC"
ex "DELETE /api/budgets/{id}" -X DELETE "$B/api/budgets/1"
# The export of one session, cut harder than the rest (one row per list, 60-character strings).
KEEP=1 MAXSTR=60 ex "GET /api/export (json)" "$B/api/export?format=json&session_id=$SID"
exh "GET /api/export (csv)" 0 "$B/api/export?format=csv&$R"
exh "GET /api/export (html)" 3 "$B/api/export?format=html&$R"
ex "400 bad export format" "$B/api/export?format=xml"
python3 "$WORK/ws.py" "$HOSTPORT" "events=GitSyncComplete" 1 > "$WORK/ws-git.out" &
WS_PID=$!
sleep 1
ex "POST /api/git-sync" -X POST "$B/api/git-sync"
wait "$WS_PID" || true
echo "### WS /ws?events=GitSyncComplete"
head -1 "$WORK/ws-git.out"
tail -n +2 "$WORK/ws-git.out" | while IFS= read -r line; do printf '%s' "$line" | shorten; done
echo

# ---- config
ex "GET /api/config" "$B/api/config"
ex "POST /api/config" -X POST "${J[@]}" \
  -d '{"server":{"ws_max_field_bytes":64},"timezone":"UTC"}' "$B/api/config"

# ---- hooks and the WebSocket: a client filtered on one session and two events receives a
# PreToolUse (its long command cut to ws_max_field_bytes = 64) and the TaskStart derived from
# a TaskCreated hook; the SessionStart it also receives is filtered out.
python3 "$WORK/ws.py" "$HOSTPORT" "session_id=demo-session&events=PreToolUse,TaskStart" 2 \
  > "$WORK/ws.out" &
WS_PID=$!
sleep 1
CMD="npm run build && npm test -- --coverage --reporter=verbose --watch=false --maxWorkers=4 --bail"
ex "POST /api/hooks (SessionStart)" -X POST "${J[@]}" \
  -d '{"hook_event_name":"SessionStart","session_id":"demo-session","source":"startup"}' \
  "$B/api/hooks"
ex "POST /api/hooks (PreToolUse)" -X POST "${J[@]}" \
  -d "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"demo-session\",\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_demo\",\"tool_input\":{\"command\":\"$CMD\"}}" \
  "$B/api/hooks"
ex "POST /api/hooks (TaskCreated)" -X POST "${J[@]}" \
  -d '{"hook_event_name":"TaskCreated","session_id":"demo-session","task_id":"t1","task_subject":"Write docs"}' \
  "$B/api/hooks"
wait "$WS_PID" || true
echo "### WS /ws?session_id=demo-session&events=PreToolUse,TaskStart"
head -1 "$WORK/ws.out"
tail -n +2 "$WORK/ws.out" | while IFS= read -r line; do printf '%s' "$line" | shorten; done
echo

# ---- errors and the guard
ex "400 bad limit" "$B/api/sessions?limit=-1"
ex "400 from after to" "$B/api/sessions?from=2026-10-31&to=2026-10-01"
ex "400 unparseable date" "$B/api/stats?from=31/10/2026"
ex "400 bad tz" "$B/api/stats?tz=Mars/Olympus"
ex "400 bad enum" "$B/api/sessions?sort=name"
ex "400 missing required" "$B/api/stats/file-heatmap"
ex "400 bad PATCH body" -X PATCH "${J[@]}" -d '{"tags":"x"}' "$B/api/sessions/$SID"
ex "400 bad config" -X POST "${J[@]}" -d '{"server":{"port":70000}}' "$B/api/config"
ex "404 unknown session" "$B/api/sessions/no-such-session"
ex "404 unknown endpoint" "$B/api/nope"
ex "405 wrong method" -X DELETE "$B/api/sessions"
ex "415 wrong content type" -X POST -H 'Content-Type: text/plain' -d '{}' "$B/api/config"
ex "403 foreign Host" -H 'Host: evil.example:3000' "$B/api/health"
ex "403 foreign Origin" -X POST "${J[@]}" -H 'Origin: http://evil.example' -d '{}' "$B/api/config"
head -c 1100000 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
ex "413 body too large" -X POST "${J[@]}" -H "Transfer-Encoding: chunked" --data-binary "@$WORK/big.json" "$B/api/config"
ex "413 body too large (Content-Length)" -X POST "${J[@]}" --data-binary "@$WORK/big.json" "$B/api/config"

echo "### GET /metrics"
echo "\$ curl http://127.0.0.1:3000/metrics"
curl -s "$B/metrics"

