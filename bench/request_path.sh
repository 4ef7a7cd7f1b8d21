#!/usr/bin/env bash
# The fixed cost of an authenticated call (docs/BENCHMARKS.md, benchmark 7): wrk against
# `GET /healthz`, an authenticated `mediaItems.list` of 25 items and a `mediaItems.get`, at
# 64 connections and on one connection, in one run, on a library of 10,000 items filled by
# SQL. Figures are throughput ratios to /healthz measured in the same run.
# Usage: bash bench/request_path.sh [--quick]   (BENCH_BACKENDS="sqlite" by default; add
# postgres for PostgreSQL at BENCH_POSTGRES)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ((QUICK)); then seconds=3; else seconds=15; fi
items=10000

ensure_wrk() {
  command -v wrk >/dev/null && return
  echo "installing wrk (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
}

# wrk_run NAME CONNECTIONS PATH [TOKEN]: one wrk run; prints "NAME rps p50_ms p99_ms errors".
wrk_run() {
  local name=$1 connections=$2 path=$3 token=${4:-} threads=2
  ((connections == 1)) && threads=1
  local args=(-t"$threads" -c"$connections" -d"${seconds}s" --latency)
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  wrk "${args[@]}" "$BENCH_URL$path" >"$BENCH_SCRATCH/wrk.out"
  awk -v name="$name" '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
      return v
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx or 3xx responses/ { errors += $5 }
    /Socket errors/ { errors += $4 + $6 + $8 + $10 }
    END { printf "%s %.0f %.3f %.3f %d\n", name, rps, p50, p99, errors + 0 }
  ' "$BENCH_SCRATCH/wrk.out"
}

run_backend() {
  local backend=$1
  echo "== 7. the authenticated request path on $backend ($items items, ${seconds} s per run)"
  bench_start_filled "$backend" "$items" 0
  local token list get item
  token=$(bench_token "$SCOPE_READ_APP")
  list="/v1/mediaItems?pageSize=25"
  item=$(curl -sf -H "Authorization: Bearer $token" "$BENCH_URL$list" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["mediaItems"][0]["id"])')
  get="/v1/mediaItems/$item"
  # Warm the caches and the pool.
  wrk -t1 -c8 -d1s -H "Authorization: Bearer $token" "$BENCH_URL$list" >/dev/null
  {
    wrk_run "healthz@64" 64 /healthz
    wrk_run "list25@64" 64 "$list" "$token"
    wrk_run "get@64" 64 "$get" "$token"
    wrk_run "healthz@1" 1 /healthz
    wrk_run "list25@1" 1 "$list" "$token"
    wrk_run "get@1" 1 "$get" "$token"
  } >"$BENCH_SCRATCH/results"
  awk '
    { rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5; order[NR] = $1 }
    END {
      printf "   %-12s %10s %8s %9s %9s %7s\n", "run", "req/s", "ratio", "p50 ms", "p99 ms", "errors"
      for (i = 1; i <= NR; i++) {
        n = order[i]; base = (n ~ /@64$/) ? "healthz@64" : "healthz@1"
        printf "   %-12s %10d %7.3fx %9.3f %9.3f %7d\n", n, rps[n], rps[n] / rps[base], p50[n], p99[n], err[n]
      }
    }
  ' "$BENCH_SCRATCH/results"
  bench_stop_filled "$backend"
}

bench_require_binary
ensure_wrk
for backend in ${BENCH_BACKENDS:-sqlite}; do
  run_backend "$backend"
done
