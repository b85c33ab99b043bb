#!/usr/bin/env bash
# Cost of `claudescope hook` per event, next to `true` (the floor of starting any process).
# Runs the spool path (no server listening): the slowest path a hook takes. To measure the
# socket path, start `claudescope serve` with the same CLAUDESCOPE_HOME first and pass
# --keep-home so this script does not use a throwaway one.
#   bench/hook_bench.sh [N] [--keep-home]     N defaults to 200
# Env: CLAUDESCOPE_BIN (default build/claudescope next to this script).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
BIN=${CLAUDESCOPE_BIN:-$PWD/build/claudescope}
[ -x "$BIN" ] || { echo "no binary at $BIN (set CLAUDESCOPE_BIN)" >&2; exit 1; }

if [ "${2:-}" != "--keep-home" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  export CLAUDESCOPE_HOME="$tmp/home"
fi
event=$(mktemp)
trap 'rm -f "$event"; [ -n "${tmp:-}" ] && rm -rf "$tmp"' EXIT
cat >"$event" <<'JSON'
{"session_id":"0b5f3a52-2d1e-4c1a-9d8e-3f1f6c2b7a10","transcript_path":"/home/u/.claude/projects/-home-u-proj/0b5f3a52.jsonl","cwd":"/home/u/proj","permission_mode":"default","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"npm test","description":"Run tests"},"tool_response":{"stdout":"42 passing","stderr":"","interrupted":false,"isImage":false},"tool_use_id":"toolu_01ABC","duration_ms":812}
JSON

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 10 --runs "$N" --input "$event" "$BIN hook" "true" 2>/dev/null ||
    hyperfine --warmup 10 --runs "$N" "$BIN hook < $event" "true < $event"
  exit 0
fi

# Fallback: per-run wall time in ns with date +%s%N, median of N.
measure() {
  local i t0 t1
  for ((i = 0; i < N; i++)); do
    t0=$(date +%s%N)
    "$@" <"$event" >/dev/null
    t1=$(date +%s%N)
    echo $((t1 - t0))
  done | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%d\n", m}'
}
for ((i = 0; i < 10; i++)); do "$BIN" hook <"$event" >/dev/null; done  # warm the page cache
hook_ns=$(measure "$BIN" hook)
true_ns=$(measure true)
awk -v h="$hook_ns" -v t="$true_ns" -v n="$N" 'BEGIN {
  printf "runs per command:  %d (date +%%s%%N loop, includes fork/exec of date)\n", n
  printf "claudescope hook:  median %.2f ms\n", h / 1e6
  printf "true:              median %.2f ms\n", t / 1e6
  printf "ratio:             %.1fx\n", h / t
}'
if [ -z "${tmp:-}" ]; then
  echo "spool files: $(ls "${CLAUDESCOPE_HOME:-$HOME/.claudescope}/spool" 2>/dev/null | wc -l) (socket path if 0 new lines)"
fi
