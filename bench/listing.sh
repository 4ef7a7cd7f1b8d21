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
postgres="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
album_id=ABenchAlbum0000000000000000000000000000000000000000000000000000000000000000
ten_years=$((3653 * 86400 * 1000000))

bench_stop_server() {
  kill -TERM "$BENCH_PID"
  wait "$BENCH_PID" || true
  BENCH_PID=
}

# The fill script for this database with its placeholders replaced.
fill_sql() {
  sed -e "s/@N@/$items/g" -e "s/@ALBUM_N@/$album_items/g" -e "s/@END@/$(date +%s)000000/g" \
    -e "s/@SPAN@/$ten_years/g" -e "s/@USER@/$BENCH_USER_ID/g" \
    -e "s/@CLIENT@/$BENCH_CLIENT/g" -e "s/@ALBUM@/$album_id/g" "$BENCH_DIR/sql/fill_$1.sql"
}

run_backend() {
  local backend=$1 db
  bench_scratch
  if [[ $backend == postgres ]]; then
    psql "$postgres/postgres" -Xq -c 'SET client_min_messages = warning' \
      -c 'DROP DATABASE IF EXISTS albumen_bench' \
      -c 'CREATE DATABASE albumen_bench'
    db="$postgres/albumen_bench"
    export ALBUMEN__DATABASE__URL=$db
  else
    unset ALBUMEN__DATABASE__URL
    db="$BENCH_SCRATCH/data/albumen.db"
  fi
  echo "== 4. list and search at $items items on $backend"
  bench_start_server
  bench_stop_server
  local started=$SECONDS
  if [[ $backend == postgres ]]; then
    fill_sql postgres | psql "$db" -Xq -v ON_ERROR_STOP=1 >/dev/null
  else
    fill_sql sqlite | sqlite3 -bail "$db" >/dev/null
  fi
  echo "   filled in $((SECONDS - started)) s ($(du -sh "$BENCH_SCRATCH/data" | cut -f1) data dir)"
  bench_start_server
  local token
  token=$(bench_token "$SCOPE_READ_APP")
  python3 "$BENCH_DIR/listing.py" "$BENCH_URL" "$token" "$album_id" "$depth" "$repeats" \
    "$db" "$BENCH_USER_ID" "$BENCH_CLIENT"
  bench_stop_server
  rm -rf "$BENCH_SCRATCH"
  if [[ $backend == postgres ]]; then
    psql "$postgres/postgres" -Xqc 'DROP DATABASE albumen_bench'
  fi
}

bench_require_binary
for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
  run_backend "$backend"
done
