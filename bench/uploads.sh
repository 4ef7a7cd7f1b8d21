#!/usr/bin/env bash
# Raw uploads (docs/BENCHMARKS.md, benchmarks 1 and 2):
#  1. the throughput of one large `POST /v1/uploads` against `dd ... conv=fsync` of the same
#     bytes to the same disk, alternated run by run so both see the same noise;
#  2. the server's peak resident memory above idle during 16 concurrent uploads.
# Usage: bash bench/uploads.sh [--quick]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ((QUICK)); then
  big_mib=64 runs=1 each_mib=16
else
  big_mib=1024 runs=3 each_mib=200
fi
concurrent=16

bench_require_binary
bench_scratch
bench_start_server
token=$(bench_token "$SCOPE_APPEND")
src="$BENCH_SCRATCH/src"
mkdir -p "$src"

# An MP4 `ftyp` box first (so the video limit applies), `tag` as its minor version so that
# every file has its own content and its own blob; then `mib` MiB of random bytes.
make_video() {
  local path=$1 mib=$2 tag=$3
  {
    printf '\x00\x00\x00\x18ftypisom'
    printf '%08x' "$tag" | xxd -r -p
    printf 'isommp42'
    head -c $((mib * 1024 * 1024 - 24)) "$src/random"
  } >"$path"
}

# One raw upload of `path`; prints the seconds it took. Expect: is dropped so that curl
# sends the body at once instead of waiting for `100 Continue`.
upload() {
  local path=$1 out
  out=$(curl -sS -o "$path.token" -w '%{http_code} %{time_total}' -X POST \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
    -H 'X-Goog-Upload-Content-Type: video/mp4' -H 'X-Goog-Upload-Protocol: raw' \
    -H "X-Goog-Upload-File-Name: $(basename "$path").mp4" -H 'Expect:' \
    --upload-file "$path" "$BENCH_URL/v1/uploads")
  if [[ ${out% *} != 200 ]]; then
    echo "upload of $path failed: $out $(cat "$path.token")" >&2
    exit 1
  fi
  echo "${out#* }"
}

head -c $((big_mib * 1024 * 1024)) /dev/urandom >"$src/random"

echo "== 1. raw upload of ${big_mib} MiB vs dd conv=fsync (${runs} runs each, alternated)"
dd_times=() up_times=()
for ((run = 1; run <= runs; run++)); do
  make_video "$src/big" "$big_mib" "$run"
  cat "$src/big" >/dev/null # both read from the page cache
  started=$(now)
  dd if="$src/big" of="$BENCH_SCRATCH/data/dd.out" bs=1M conv=fsync status=none
  dd_times+=("$(since "$started")")
  rm -f "$BENCH_SCRATCH/data/dd.out"
  up_times+=("$(upload "$src/big")")
  echo "   run $run: dd ${dd_times[-1]} s, upload ${up_times[-1]} s"
done
rm -f "$src/big"
dd_s=$(printf '%s\n' "${dd_times[@]}" | median)
up_s=$(printf '%s\n' "${up_times[@]}" | median)
awk -v mib="$big_mib" -v dd="$dd_s" -v up="$up_s" 'BEGIN {
  printf "   median: dd %.2f s (%.0f MiB/s), upload %.2f s (%.0f MiB/s)\n", dd, mib / dd, up, mib / up
  printf "RESULT upload_throughput_ratio %.2f  (upload MiB/s / dd MiB/s; 1.00 = disk speed)\n", dd / up
}'

echo "== 2. peak RSS during ${concurrent} concurrent uploads of ${each_mib} MiB"
for ((i = 1; i <= concurrent; i++)); do
  make_video "$src/part$i" "$each_mib" $((1000 + i))
  cat "$src/part$i" >/dev/null
done
# Forget the high-water mark of the earlier runs (Linux: writing 5 to clear_refs resets
# VmHWM), settle, then read the idle size.
echo 5 >"/proc/$BENCH_PID/clear_refs"
sleep 2
idle_kib=$(bench_rss VmRSS)
peak_sampled=$idle_kib
pids=()
started=$(now)
for ((i = 1; i <= concurrent; i++)); do
  upload "$src/part$i" >/dev/null &
  pids+=($!)
done
while :; do
  rss=$(bench_rss VmRSS)
  ((rss > peak_sampled)) && peak_sampled=$rss
  running=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
  ((running)) || break
  sleep 0.05
done
for pid in "${pids[@]}"; do wait "$pid"; done
elapsed=$(since "$started")
hwm_kib=$(bench_rss VmHWM)
awk -v idle="$idle_kib" -v hwm="$hwm_kib" -v sampled="$peak_sampled" -v n="$concurrent" \
  -v mib="$each_mib" -v s="$elapsed" 'BEGIN {
  printf "   idle VmRSS %.1f MiB, VmHWM %.1f MiB (highest sample %.1f MiB); %d x %d MiB in %.2f s (%.0f MiB/s)\n",
    idle / 1024, hwm / 1024, sampled / 1024, n, mib, s, n * mib / s
  printf "RESULT concurrent_upload_peak_above_idle_mib %.1f  (goal < 100: %s)\n",
    (hwm - idle) / 1024, ((hwm - idle) / 1024 < 100) ? "met" : "MISSED"
}'
