# Shared helpers of the benchmark scripts (sourced, not run): the release binary, a server on
# a temporary data directory seeded by `albumen serve --dev`, raised quotas, minted tokens,
# and small statistics. Every process started here is stopped by its id on exit.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/albumen/target}"
ALBUMEN="${ALBUMEN_BIN:-$CARGO_TARGET_DIR/release/albumen}"

SCOPE_APPEND=https://www.googleapis.com/auth/photoslibrary.appendonly
SCOPE_READ_APP=https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata
SCOPE_EDIT_APP=https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata
DEV_USER=dev@albumen.test
DEV_PROJECT=albumen-dev

QUICK=0
for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
  esac
done

# The release binary (`cargo build --release -p albumen`, or ALBUMEN_BIN); not built here so
# that a smoke run never waits for a compile.
bench_require_binary() {
  [[ -x "$ALBUMEN" ]] && return
  echo "no albumen binary at $ALBUMEN: run cargo build --release -p albumen first" >&2
  exit 1
}

# A scratch directory under /tmp (or $BENCH_TMP), removed on exit.
bench_scratch() {
  BENCH_SCRATCH=$(mktemp -d "${BENCH_TMP:-/tmp}/albumen-bench.XXXXXX")
}

bench_cleanup() {
  if [[ -n "${BENCH_PID:-}" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null
    wait "$BENCH_PID" 2>/dev/null
  fi
  [[ -n "${BENCH_SCRATCH:-}" ]] && rm -rf "$BENCH_SCRATCH"
}
trap bench_cleanup EXIT

# `albumen` against the benchmark's data directory (and database, when
# ALBUMEN__DATABASE__URL is exported).
bench_cli() {
  "$ALBUMEN" --data-dir "$BENCH_SCRATCH/data" "$@"
}

# bench_launch PATTERN ARGS...: starts `albumen --data-dir … --listen 127.0.0.1:0 ARGS...`
# and waits until its output shows PATTERN; sets BENCH_PID and BENCH_URL.
bench_launch() {
  local pattern=$1 out="$BENCH_SCRATCH/server.out"
  shift
  mkdir -p "$BENCH_SCRATCH/data"
  # Removed here, not truncated by the child's redirection: a restarted server's old output
  # must not satisfy the wait below before the new process has written anything.
  rm -f "$out"
  ALBUMEN__LOG__LEVEL="${ALBUMEN__LOG__LEVEL:-warn}" \
    "$ALBUMEN" --data-dir "$BENCH_SCRATCH/data" --listen 127.0.0.1:0 "$@" \
    >"$out" 2>"$BENCH_SCRATCH/server.err" &
  BENCH_PID=$!
  local tries=0
  until grep -q "$pattern" "$out" 2>/dev/null; do
    if ! kill -0 "$BENCH_PID" 2>/dev/null || ((tries++ > 600)); then
      echo "the server did not start:" >&2
      cat "$BENCH_SCRATCH/server.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  BENCH_URL=$(sed -n 's/^Albumen is listening on //p' "$out" | head -1)
}

# Starts `albumen serve --dev` on a free port; sets BENCH_URL, BENCH_PID, BENCH_CLIENT (the
# Desktop client) and BENCH_USER_ID, and lifts the dev project's quotas so that thousands of
# calls are not refused mid-run.
bench_start_server() {
  bench_launch 'client_secret_tv.json' serve --dev
  BENCH_CLIENT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["installed"]["client_id"])' \
    "$BENCH_SCRATCH/data/dev/client_secret_desktop.json")
  BENCH_USER_ID=$(bench_cli users list --json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("users", d) if isinstance(d, dict) else d; print(next(u["id"] for u in d if u["email"]==sys.argv[1]))' "$DEV_USER")
  bench_cli projects quota "$DEV_PROJECT" --requests-per-day 1000000000 \
    --media-bytes-per-day 1000000000 --writes-per-minute 1000000000 >/dev/null
}

# bench_wallpapers DIR: Debian's wallpaper packages (real camera photos) unpacked under
# DIR/x, fetched with `apt-get download` once and kept there, never in the repository.
bench_wallpapers() {
  local dir=$1
  [[ -d "$dir/x" ]] && return
  mkdir -p "$dir/deb"
  (cd "$dir/deb" && apt-get download -q mate-backgrounds plasma-workspace-wallpapers) >/dev/null 2>&1 ||
    { echo "apt-get download of the wallpaper packages failed" >&2; exit 1; }
  for deb in "$dir"/deb/*.deb; do dpkg-deb -x "$deb" "$dir/x"; done
}

# An access token of the dev user for the Desktop client with the given scopes.
bench_token() {
  bench_cli tokens mint --user "$DEV_USER" --client "$BENCH_CLIENT" --scope "$@" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# The album the fill scripts create, and the span of capture times they spread items over.
BENCH_ALBUM_ID=ABenchAlbum0000000000000000000000000000000000000000000000000000000000000000
BENCH_TEN_YEARS=$((3653 * 86400 * 1000000))

# fill_sql BACKEND ITEMS ALBUM_ITEMS: the fill script (bench/sql/fill_BACKEND.sql) for the
# running server's dev user and Desktop client, its placeholders replaced: ITEMS items over
# the last ten years, ALBUM_ITEMS of them in the album BENCH_ALBUM_ID.
fill_sql() {
  sed -e "s/@N@/$2/g" -e "s/@ALBUM_N@/$3/g" -e "s/@END@/$(date +%s)000000/g" \
    -e "s/@SPAN@/$BENCH_TEN_YEARS/g" -e "s/@USER@/$BENCH_USER_ID/g" \
    -e "s/@CLIENT@/$BENCH_CLIENT/g" -e "s/@ALBUM@/$BENCH_ALBUM_ID/g" "$BENCH_DIR/sql/fill_$1.sql"
}

bench_stop_server() {
  kill -TERM "$BENCH_PID"
  wait "$BENCH_PID" || true
  BENCH_PID=
}

BENCH_POSTGRES="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"

# bench_start_filled BACKEND ITEMS ALBUM_ITEMS: a server on BACKEND (sqlite, or postgres at
# BENCH_POSTGRES in a database albumen_bench made anew) whose dev user's library was filled by
# SQL while it was stopped; sets BENCH_DB (the database's path or URL) and what
# bench_start_server sets.
bench_start_filled() {
  local backend=$1 items=$2 album_items=$3
  bench_scratch
  if [[ $backend == postgres ]]; then
    psql "$BENCH_POSTGRES/postgres" -Xq -c 'SET client_min_messages = warning' \
      -c 'DROP DATABASE IF EXISTS albumen_bench' \
      -c 'CREATE DATABASE albumen_bench'
    BENCH_DB="$BENCH_POSTGRES/albumen_bench"
    export ALBUMEN__DATABASE__URL=$BENCH_DB
  else
    unset ALBUMEN__DATABASE__URL
    BENCH_DB="$BENCH_SCRATCH/data/albumen.db"
  fi
  bench_start_server
  bench_stop_server
  local started=$SECONDS
  if [[ $backend == postgres ]]; then
    fill_sql postgres "$items" "$album_items" | psql "$BENCH_DB" -Xq -v ON_ERROR_STOP=1 >/dev/null
  else
    fill_sql sqlite "$items" "$album_items" | sqlite3 -bail "$BENCH_DB" >/dev/null
  fi
  echo "   filled in $((SECONDS - started)) s ($(du -sh "$BENCH_SCRATCH/data" | cut -f1) data dir)"
  bench_start_server
}

# bench_stop_filled BACKEND: stops the server and removes its data (and database).
bench_stop_filled() {
  bench_stop_server
  rm -rf "$BENCH_SCRATCH"
  if [[ $1 == postgres ]]; then
    psql "$BENCH_POSTGRES/postgres" -Xqc 'DROP DATABASE albumen_bench'
  fi
}

# The server's resident memory in KiB: `bench_rss VmRSS` or `bench_rss VmHWM`.
bench_rss() {
  awk -v key="$1:" '$1 == key { print $2 }' "/proc/$BENCH_PID/status"
}

# The median of numbers on stdin, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Seconds since the epoch with nanoseconds, and the seconds elapsed since such a reading.
now() { date +%s.%N; }
since() { awk -v from="$1" -v to="$(now)" 'BEGIN { printf "%.3f", to - from }'; }
