#!/usr/bin/env bash
# API load: wrk (10 s, 64 connections) on the stats, daily, sessions and search endpoints of a
# server over an imported tree; prints requests/s and p50/p99 latency, and the server's RSS.
#   bench/api_bench.sh [SIZE_MB]   (imports the tree bench/import_bench.sh generates)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1000}
BENCH_DIR=${BENCH_DIR:-/tmp/claudescope-bench}
BIN=${CLAUDESCOPE_BIN:-build/claudescope}
TREE=$BENCH_DIR/tree-$SIZE
DB=$BENCH_DIR/bench.db
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup installs it"; exit 1; }
if [ ! -f "$TREE/truth.json" ]; then
  python3 tests/data/gen_corpus.py --out "$TREE" --target-mb "$SIZE" --seed 42 --truth "$TREE/truth.json"
fi
[ -f "$DB" ] || "$BIN" import --path "$TREE/projects" --db "$DB" >/dev/null
HOME_DIR=$(mktemp -d)
HOME=$HOME_DIR CLAUDESCOPE_HOME=$HOME_DIR/cs "$BIN" serve --port 0 --no-browser --db "$DB" > "$HOME_DIR/out" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 100); do grep -q listening "$HOME_DIR/out" && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' "$HOME_DIR/out")
PROBE=$(python3 -c "import json;print(json.load(open('$TREE/truth.json'))['search_probes'][-1]['q'])")
printf '%-40s %10s %10s %10s\n' endpoint 'req/s' p50 p99
for path in /api/stats /api/stats/daily '/api/sessions?limit=50' "/api/search?q=$PROBE"; do
  # One request first, as a running dashboard has made it: the load measures the steady state,
  # not the first computation on a cold page cache.
  python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()" "$URL$path"
  out=$(wrk -t2 -c64 -d10s --latency "$URL$path")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '%-40s %10s %10s %10s\n' "$path" "$rps" "$p50" "$p99"
done
echo "server RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$PID/status) / 1024 )) MB peak (target < 150 MB)"
echo "targets: p99 < 20 ms and >= 5000 req/s for stats, daily, sessions; search p99 < 50 ms"
