#!/usr/bin/env bash
# The load test (docs/BENCHMARKS.md, benchmark 5): 64 connections for 60 s of a mixed Library
# API workload (list, search, get, raw upload + batchCreate, `=d` downloads whole and by
# Range) against the release binary, on SQLite + disk and on PostgreSQL + S3 (moto, started
# through .ci/services.sh). Every answer is checked (0 errors required: the project's quotas
# are raised first, so a 429 is an error too), then every item created reads back and serves
# its bytes. Before each mix, `GET /healthz` at the same concurrency for the baseline ratio.
#
# Usage: bash bench/load.sh [--quick]          (--quick: 10 s of mix, 5 s of /healthz)
# Environment: LOAD_BACKENDS (default "sqlite postgres"), LOAD_CONNECTIONS (64),
# LOAD_SECONDS (60), LOAD_HEALTHZ_SECONDS (10), BENCH_PHOTOS (the wallpaper cache, as in
# batch_create.sh), BENCH_POSTGRES (postgres://postgres@127.0.0.1:5432), ALBUMEN_BIN and
# LOAD_DRIVER (use these binaries instead of building them).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# shellcheck source=.ci/services.sh
source "$REPO/.ci/services.sh"

backends="${LOAD_BACKENDS:-sqlite postgres}"
connections="${LOAD_CONNECTIONS:-64}"
if ((QUICK)); then seconds=10 healthz_seconds=5; else seconds=60 healthz_seconds=10; fi
seconds="${LOAD_SECONDS:-$seconds}"
healthz_seconds="${LOAD_HEALTHZ_SECONDS:-$healthz_seconds}"
photos="${BENCH_PHOTOS:-/tmp/albumen-bench-photos}"
postgres="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
driver="${LOAD_DRIVER:-$CARGO_TARGET_DIR/release/examples/load}"
load_user=load@albumen.test
load_project=load-test

# The servers read only what this script gives them.
unset ALBUMEN_CONFIG
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ALBUMEN__' || true)

load_cleanup() {
  bench_cleanup
  stop_services
  if [[ "${LOAD_DB:-}" ]]; then
    psql "$postgres/postgres" -qc "drop database if exists $LOAD_DB" >/dev/null 2>&1 || true
  fi
}
trap load_cleanup EXIT

if [[ -z "${ALBUMEN_BIN:-}" ]]; then
  (cd "$REPO" && cargo build --release -q -p albumen --bin albumen)
fi
if [[ -z "${LOAD_DRIVER:-}" ]]; then
  (cd "$REPO" && cargo build --release -q -p albumen-testkit --example load)
fi
bench_require_binary

# Up to 24 distinct real JPEGs of 100 KB to 1.2 MB from Debian's wallpaper packages.
fetch_photos() {
  bench_wallpapers "$photos"
  find "$photos/x" -type f -iname '*.jpg' -size +100k -size -1200k -exec sha256sum {} + | sort |
    awk '!seen[$1]++ { print $2 }' | head -n 24
}

# Metadata and blobs for one run: nothing for SQLite + disk (the data directory holds both);
# a fresh database and a fresh bucket on moto for PostgreSQL + S3.
use_backend() {
  case $1 in
    sqlite) ;;
    postgres)
      LOAD_DB=albumen_load
      psql "$postgres/postgres" -qc "drop database if exists $LOAD_DB" -c "create database $LOAD_DB" >/dev/null
      export ALBUMEN__DATABASE__URL="$postgres/$LOAD_DB"
      [[ -n "$S3_PID" ]] || ensure_s3 >/dev/null
      curl -sf -X PUT "$ALBUMEN_TEST_S3_ENDPOINT/albumen-load" >/dev/null
      export ALBUMEN__BLOB__BACKEND=s3 ALBUMEN__BLOB__S3__BUCKET=albumen-load \
        ALBUMEN__BLOB__S3__ENDPOINT="$ALBUMEN_TEST_S3_ENDPOINT" ALBUMEN__BLOB__S3__PATH_STYLE=true \
        ALBUMEN__BLOB__S3__ACCESS_KEY_ID=load ALBUMEN__BLOB__S3__SECRET_ACCESS_KEY=load-secret
      ;;
    *) echo "unknown backend $1 (sqlite or postgres)" >&2; exit 2 ;;
  esac
}

# The console through the CLI, as an operator would: a user, a project with the Library API
# and quotas no run reaches, a Desktop client, and a token with the three current scopes.
seed_with_cli() {
  printf 'load-test-password\n' | bench_cli users add "$load_user" --admin --password-stdin >/dev/null
  bench_cli projects create "$load_project" >/dev/null
  bench_cli projects enable-api "$load_project" library >/dev/null
  bench_cli projects quota "$load_project" --requests-per-day 1000000000 \
    --media-bytes-per-day 1000000000 --writes-per-minute 1000000000 >/dev/null
  local client
  client=$(bench_cli clients create --project "$load_project" --type desktop --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["installed"]["client_id"])')
  LOAD_TOKEN=$(bench_cli tokens mint --user "$load_user" --client "$client" \
    --scope "$SCOPE_APPEND $SCOPE_READ_APP $SCOPE_EDIT_APP" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
}


mapfile -t jpegs < <(fetch_photos)
((${#jpegs[@]} > 0)) || { echo "no photos found under $photos/x" >&2; exit 1; }
echo "== 5. load: $connections connections, ${seconds} s of mix, ${healthz_seconds} s of /healthz;" \
  "${#jpegs[@]} photos; commit $(git -C "$REPO" rev-parse --short HEAD); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $backends; do
  bench_scratch
  mkdir -p "$BENCH_SCRATCH/data" "$BENCH_SCRATCH/photos"
  for i in "${!jpegs[@]}"; do cp "${jpegs[$i]}" "$BENCH_SCRATCH/photos/photo$i.jpg"; done
  use_backend "$backend"
  seed_with_cli
  bench_launch 'Albumen is listening on' serve
  echo "-- $backend: GET /healthz (baseline)"
  "$driver" --url "$BENCH_URL" --healthz --connections "$connections" --seconds "$healthz_seconds"
  echo "-- $backend: the mix"
  "$driver" --url "$BENCH_URL" --token "$LOAD_TOKEN" --photos "$BENCH_SCRATCH/photos" \
    --connections "$connections" --seconds "$seconds"
  if grep -Eq ' (ERROR|WARN) ' "$BENCH_SCRATCH/server.err"; then
    echo "the server logged warnings or errors:"
    grep -E ' (ERROR|WARN) ' "$BENCH_SCRATCH/server.err" | head -20
  fi
  bench_stop_server
  rm -rf "$BENCH_SCRATCH"
  unset ALBUMEN__DATABASE__URL ALBUMEN__BLOB__BACKEND
done
