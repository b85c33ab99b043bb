#!/usr/bin/env bash
# Export throughput (MB of output per second) and peak RSS for the three formats, on a generated
# tree imported into a fresh database. Peak RSS should stay flat as SIZE grows: rows are streamed.
#   SIZE_MB=50 bench/export_bench.sh       (default 20; the tree is cached in $BENCH_DIR)
# Needs: a build in build/ (or CLAUDESCOPE_BIN), python3, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE_MB:-20}
BENCH_DIR=${BENCH_DIR:-/tmp/claudescope-bench}
BIN=${CLAUDESCOPE_BIN:-build/claudescope}
TREE=$BENCH_DIR/tree-$SIZE
OUT=$BENCH_DIR/export-out
mkdir -p "$BENCH_DIR" "$OUT"
if [ ! -f "$TREE/truth.json" ]; then
  echo "generating a ${SIZE} MB tree in $TREE ..."
  python3 tests/data/gen_corpus.py --out "$TREE" --target-mb "$SIZE" --seed 42 --truth "$TREE/truth.json.tmp"
  mv "$TREE/truth.json.tmp" "$TREE/truth.json"
fi
DB=$BENCH_DIR/export-bench-$SIZE.db
if [ ! -f "$DB" ]; then
  "$BIN" import --path "$TREE/projects" --db "$DB" >/dev/null
fi
export CLAUDESCOPE_HOME=$BENCH_DIR/home  # defaults only: no user config
mkdir -p "$CLAUDESCOPE_HOME"

printf 'tree: %s MB of transcripts, database %s MB\n' "$(du -sm "$TREE/projects" | cut -f1)" \
  "$(du -sm "$DB" | cut -f1)"
printf '%-6s %10s %8s %10s %10s\n' format output_MB secs MB_per_s peak_RSS_MB
for fmt in json csv html; do
  file=$OUT/export.$fmt
  /usr/bin/time -v -o "$OUT/time.txt" "$BIN" export --format "$fmt" --db "$DB" --output "$file" \
    >/dev/null 2>&1
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
  # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23" -> seconds
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
         for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$OUT/time.txt")
  bytes=$(stat -c %s "$file")
  awk -v f="$fmt" -v b="$bytes" -v s="$secs" -v r="$rss_kb" 'BEGIN {
    mb = b / 1e6; rate = s > 0 ? mb / s : 0
    printf "%-6s %10.1f %8.2f %10.1f %10.1f\n", f, mb, s, rate, r / 1024 }'
done
rm -rf "$OUT"
