#!/usr/bin/env bash
# Import throughput, peak memory and `daily --json` time, side by side with ccusage on the same
# generated tree in the same run, printed as ratios.
#   [RUNS=3] bench/import_bench.sh [SIZE_MB]   (default 1000; the tree is cached in $BENCH_DIR;
#   RUNS alternated import/ccusage pairs, medians reported)
# Needs: a Release build in build/ (scripts/test or scripts/run makes it), `npm install` in bench/
# (the lock pins ccusage; `npm ci` under npm 11 also wants the other platforms' optional binaries
# in the lock, which a registry without them cannot provide).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1000}
BENCH_DIR=${BENCH_DIR:-/tmp/claudescope-bench}
BIN=${CLAUDESCOPE_BIN:-build/claudescope}
CCUSAGE=bench/node_modules/.bin/ccusage
TREE=$BENCH_DIR/tree-$SIZE
mkdir -p "$BENCH_DIR"
[ -x "$CCUSAGE" ] || (cd bench && npm install --no-audit --no-fund --loglevel=error)
if [ ! -f "$TREE/truth.json" ]; then
  echo "generating a ${SIZE} MB tree in $TREE ..."
  python3 tests/data/gen_corpus.py --out "$TREE" --target-mb "$SIZE" --seed 42 --truth "$TREE/truth.json.tmp"
  mv "$TREE/truth.json.tmp" "$TREE/truth.json"
fi
MB=$(du -sm "$TREE/projects" | cut -f1)

measure() {  # measure NAME CMD... -> sets SECS and RSS_MB
  local name=$1 out
  shift
  /usr/bin/time -o "$BENCH_DIR/time.out" -f '%e %M' "$@" >/dev/null 2>"$BENCH_DIR/$name.stderr" ||
    { echo "$name failed:" >&2; tail -5 "$BENCH_DIR/$name.stderr" >&2; exit 1; }
  out=$(tail -1 "$BENCH_DIR/time.out")
  SECS=$(echo "$out" | cut -d' ' -f1)
  RSS_MB=$(( $(echo "$out" | cut -d' ' -f2) / 1024 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

DB=$BENCH_DIR/bench.db
find "$TREE/projects" -name "*.jsonl" -exec cat {} + >/dev/null  # warm the page cache for both tools alike
# RUNS alternated pairs (default 3): on a shared VM one tool's run can land in a slow minute
# and the other's in a fast one; each pair's ratio is taken within the pair, and the medians
# are reported (every pair is listed too).
RUNS=${RUNS:-3}
PAIRS=""
for i in $(seq "$RUNS"); do
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
  measure import "$BIN" import --path "$TREE/projects" --db "$DB"
  cs=$SECS csr=$RSS_MB
  measure ccusage env CLAUDE_CONFIG_DIR="$TREE" "$CCUSAGE" daily --json --offline
  PAIRS+="$cs $SECS $csr $RSS_MB"$'\n'
  echo "pair $i: import $cs s (peak RSS $csr MB), ccusage $SECS s (peak RSS $RSS_MB MB)"
done
CS_SECS=$(echo -n "$PAIRS" | cut -d' ' -f1 | median)
CC_SECS=$(echo -n "$PAIRS" | cut -d' ' -f2 | median)
RATIO=$(echo -n "$PAIRS" | awk '{printf "%.4f\n", $1 / $2}' | median)
CS_RSS=$(echo -n "$PAIRS" | cut -d' ' -f3 | sort -n | tail -1)
CC_RSS=$(echo -n "$PAIRS" | cut -d' ' -f4 | sort -n | tail -1)

daily_ms() {  # bash's EPOCHREALTIME: $(date ...) would add a process start (~3-8 ms) to each run
  for _ in 1 2 3 4 5 6 7 8 9 10 11; do
    local t0 t1
    t0=${EPOCHREALTIME/./}; "$@" >/dev/null; t1=${EPOCHREALTIME/./}
    echo $(( (t1 - t0) / 1000 ))
  done | median
}
CS_DAILY=$(daily_ms "$BIN" daily --json --tz UTC --db "$DB")
CC_DAILY=$(daily_ms env CLAUDE_CONFIG_DIR="$TREE" "$CCUSAGE" daily --json --offline)

awk -v mb="$MB" -v cs="$CS_SECS" -v cc="$CC_SECS" -v csr="$CS_RSS" -v ccr="$CC_RSS" \
    -v csd="$CS_DAILY" -v ccd="$CC_DAILY" -v ratio="$RATIO" -v runs="$RUNS" 'BEGIN {
  printf "tree: %d MB; medians of %d alternated pairs, peak RSS the largest\n", mb, runs
  printf "import (parse + store + FTS): %.1f s = %.0f MB/s, peak RSS %d MB (target >= 100 MB/s, < 300 MB)\n", cs, mb/cs, csr
  printf "ccusage daily --json --offline (full parse): %.1f s = %.0f MB/s, peak RSS %d MB\n", cc, mb/cc, ccr
  printf "import time / ccusage time: %.2fx, the median ratio of the pairs (target <= 1.5x)\n", ratio
  printf "daily --json on the store: %d ms (target < 50 ms); ccusage: %d ms; speed-up %.0fx (target >= 20x)\n", csd, ccd, ccd/(csd>0?csd:1)
}'
