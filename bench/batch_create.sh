#!/usr/bin/env bash
# `mediaItems.batchCreate` of 50 real JPEGs (docs/BENCHMARKS.md, benchmark 3): the time of
# one call, median of several runs, and its ratio to the 50 raw uploads of the same files.
# The photos are Debian's wallpaper packages, fetched with `apt-get download` into
# $BENCH_PHOTOS (default /tmp/albumen-bench-photos), never into the repository.
# Usage: bash bench/batch_create.sh [--quick]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

count=50
if ((QUICK)); then runs=2; else runs=7; fi
photos="${BENCH_PHOTOS:-/tmp/albumen-bench-photos}"

# The `count` largest distinct JPEGs of mate-backgrounds and plasma-workspace-wallpapers.
fetch_photos() {
  bench_wallpapers "$photos"
  find "$photos/x" -type f -iname '*.jpg' -exec sha256sum {} + | sort |
    awk '!seen[$1]++ { print $2 }' | xargs ls -S | head -n "$count"
}

bench_require_binary
bench_scratch
mapfile -t jpegs < <(fetch_photos)
((${#jpegs[@]} == count)) || { echo "found only ${#jpegs[@]} distinct JPEGs" >&2; exit 1; }
bench_start_server
token=$(bench_token "$SCOPE_APPEND")

# Every run gets its own copies, made distinct by a trailer after the JPEG's end marker
# (decoders ignore it), so that no run finds the previous run's items by content.
run_dirs=()
for ((run = 1; run <= runs; run++)); do
  dir="$BENCH_SCRATCH/run$run"
  mkdir -p "$dir"
  for ((i = 0; i < count; i++)); do
    { cat "${jpegs[$i]}"; printf 'albumen-bench run %d' "$run"; } >"$dir/photo$i.jpg"
  done
  run_dirs+=("$dir")
done
total_mib=$(du -cm "${jpegs[@]}" | tail -1 | cut -f1)
echo "== 3. batchCreate of $count JPEGs (${total_mib} MiB in all), $runs runs"
python3 "$BENCH_DIR/batch_create.py" "$BENCH_URL" "$token" "${run_dirs[@]}"
