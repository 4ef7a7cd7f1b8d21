#!/usr/bin/env bash
# `mediaItems.list` and `mediaItems.search` latency at a million items (docs/BENCHMARKS.md,
# benchmark 4), on SQLite and on PostgreSQL: the server seeds its dev console, stops, the
# database is filled by SQL (bench/sql/fill_*.sql), the server starts again and
# bench/listing.py times the calls against `GET /healthz` in the same run.
# Usage: bash bench/listing.sh [--quick]   (BENCH_BACKENDS="sqlite postgres" by default;
# PostgreSQL at BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432, trust auth)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ((QUICK)); then
  items=20000 album_items=2000 depth=30 repeats=20
else
  items=1000000 album_items=20000 depth=5000 repeats=300
fi

run_backend() {
  local backend=$1
  echo "== 4. list and search at $items items on $backend"
  bench_start_filled "$backend" "$items" "$album_items"
  local token
  token=$(bench_token "$SCOPE_READ_APP")
  python3 "$BENCH_DIR/listing.py" "$BENCH_URL" "$token" "$BENCH_ALBUM_ID" "$depth" "$repeats" \
    "$BENCH_DB" "$BENCH_USER_ID" "$BENCH_CLIENT"
  bench_stop_filled "$backend"
}

bench_require_binary
for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
  run_backend "$backend"
done
