#!/usr/bin/env bash
# Benchmark 8: renditions (docs/BENCHMARKS.md §8). On real camera JPEGs from Debian's wallpaper
# packages, resized to 12 and 24 MP baseline copies and a progressive one:
#   a. an uncached `=w512-h512` request from the original (previews off, cache off) against
#      `vipsthumbnail --size 512x512` of the same file to the same size and quality, whole
#      request against whole process, as a ratio of medians;
#   b. the same request served from the preview built at ingest;
#   c. a cached rendition at 64 connections (wrk: p99);
#   d. peak server memory above idle during 100 concurrent uncached 24 MP renditions;
#   e. the API's `list` p99 at 8 connections while renditions are computed, against idle;
#   f. peak server memory above idle during 16 concurrent batchCreate calls of ~180 MB photos.
# Needs libvips-tools and wrk (installed from Debian when missing) and the release binary.
# Usage: bench/renditions.sh [--quick]
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_require_binary
for tool in vipsthumbnail:libvips-tools wrk:wrk curl:curl; do
  command -v "${tool%%:*}" >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool#*:}" >/dev/null
done

RUNS=15
((QUICK)) && RUNS=5
PHOTOS="${BENCH_PHOTOS:-$HOME/.cache/albumen/photos}"
bench_wallpapers "$PHOTOS"
source_jpeg=$(find "$PHOTOS/x" -name 'Elephants_5640x3172.jpg' | head -1)
[[ -n $source_jpeg ]] || { echo "the Elephants wallpaper is missing" >&2; exit 1; }
# Derived once: 12 and 24 MP baseline copies (Q90, metadata kept) and a progressive 24 MP.
if [[ ! -f "$PHOTOS/24mp.jpg" ]]; then
  vips resize "$source_jpeg" "$PHOTOS/12mp.jpg[Q=90]" 0.8225
  vips resize "$source_jpeg" "$PHOTOS/24mp.jpg[Q=90]" 1.1632
  vips copy "$PHOTOS/24mp.jpg" "$PHOTOS/24mp-progressive.jpg[Q=90,interlace]"
fi

bench_scratch
export ALBUMEN__RENDITIONS__CACHE_MAX_MIB=0
export ALBUMEN__RENDITIONS__BUILD_PREVIEWS=false
bench_start_server
token=$(bench_token "$SCOPE_APPEND $SCOPE_READ_APP")

# create FILE: uploads FILE, creates an item and prints its baseUrl.
create() {
  local upload_token
  upload_token=$(curl -sf -X POST "$BENCH_URL/v1/uploads" -H "Authorization: Bearer $token" \
    -H 'X-Goog-Upload-Protocol: raw' -H "X-Goog-Upload-File-Name: $(basename "$1")" \
    --data-binary "@$1")
  curl -sf -X POST "$BENCH_URL/v1/mediaItems:batchCreate" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"newMediaItems\":[{\"simpleMediaItem\":{\"uploadToken\":\"$upload_token\"}}]}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["newMediaItemResults"][0]["mediaItem"]["baseUrl"])'
}

# request_ms URL: one whole request's time in milliseconds (curl's own clock).
request_ms() {
  curl -sf -o /dev/null -w '%{time_total}\n' "$1" | awk '{ printf "%.2f\n", $1 * 1000 }'
}

# peak_rss_while PID...: sets PEAK to the server's highest resident memory (KiB) seen until
# every PID has exited, sampled every 20 ms (in this shell, which reaps its children).
peak_rss_while() {
  local rss pid running=1
  PEAK=$(bench_rss VmRSS)
  while ((running)); do
    running=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && running=1; done
    rss=$(bench_rss VmRSS)
    ((rss > PEAK)) && PEAK=$rss
    sleep 0.02
  done
  wait "$@" 2>/dev/null || true
}

# vips_ms FILE: one whole vipsthumbnail process in milliseconds.
vips_ms() {
  local started
  started=$(now)
  vipsthumbnail --size 512x512 "$1" -o "$BENCH_SCRATCH/vips.jpg[Q=85,strip]"
  awk -v s="$(since "$started")" 'BEGIN { printf "%.2f\n", s * 1000 }'
}

echo "== a. uncached =w512-h512 from the original vs vipsthumbnail (median of $RUNS)"
printf '%-26s %10s %10s %8s\n' file albumen_ms vips_ms ratio
for name in 12mp 24mp 24mp-progressive; do
  file="$PHOTOS/$name.jpg"
  url=$(create "$file")
  request_ms "$url=w512-h512" >/dev/null # warm the page cache and the connection pool
  vips_ms "$file" >/dev/null
  ours=$(for _ in $(seq "$RUNS"); do request_ms "$url=w512-h512"; done | median)
  theirs=$(for _ in $(seq "$RUNS"); do vips_ms "$file"; done | median)
  printf '%-26s %10.1f %10.1f %8.2f\n' "$name" "$ours" "$theirs" \
    "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print a / b }')"
  [[ $name == 24mp ]] && url_24mp=$url
done

echo
echo "== d. peak memory during 100 concurrent uncached 24 MP renditions"
idle=$(bench_rss VmRSS)
clients=()
for i in $(seq 100); do
  curl -sf -o /dev/null "$url_24mp=w$((400 + i))-h$((400 + i))" &
  clients+=($!)
done
peak_rss_while "${clients[@]}"
peak=$PEAK
echo "idle ${idle} KiB, peak ${peak} KiB, above idle $(((peak - idle) / 1024)) MiB"

echo
echo "== e. list p99 at 8 connections, idle and while renditions are computed"
for _ in $(seq 20); do create "$PHOTOS/12mp.jpg" >/dev/null; done
list_p99() {
  wrk -t2 -c8 -d"$1"s --latency -H "Authorization: Bearer $token" \
    "$BENCH_URL/v1/mediaItems?pageSize=25" | awk '$1 == "99%" { print $2 }'
}
duration=10
((QUICK)) && duration=4
echo "idle:            $(list_p99 "$duration")"
# One curl process with four connections asking for uncached 24 MP renditions keeps the image
# pool full (one process, so that starting clients does not itself take the CPU).
render_load=()
for i in $(seq 800); do render_load+=(-o /dev/null "$url_24mp=w$((600 + i))"); done
curl -sfZ --parallel-max 4 "${render_load[@]}" 2>/dev/null &
busy=($!)
echo "while rendering: $(list_p99 "$duration")"
kill "${busy[@]}" 2>/dev/null || true
wait "${busy[@]}" 2>/dev/null || true

echo
echo "== f. peak memory during 16 concurrent batchCreate calls of a photo near 200 MiB"
# 85 MP of colour noise at quality 100 without chroma subsampling: a JPEG of about 180 MB.
big="$BENCH_SCRATCH/big.jpg"
for seed in 1 2 3; do vips gaussnoise "$BENCH_SCRATCH/g$seed.v" 9200 9200 --sigma 60 --seed "$seed"; done
vips bandjoin "$BENCH_SCRATCH/g1.v $BENCH_SCRATCH/g2.v $BENCH_SCRATCH/g3.v" "$BENCH_SCRATCH/rgb.v"
vips copy "$BENCH_SCRATCH/rgb.v" "$big[Q=100,subsample-mode=off]"
rm -f "$BENCH_SCRATCH"/*.v
echo "photo: $(stat -c %s "$big") bytes"
upload_tokens=()
for _ in $(seq 16); do
  upload_tokens+=("$(curl -sf -X POST "$BENCH_URL/v1/uploads" -H "Authorization: Bearer $token" \
    -H 'X-Goog-Upload-Protocol: raw' -H 'X-Goog-Upload-File-Name: big.jpg' --data-binary "@$big")")
done
idle=$(bench_rss VmRSS)
clients=()
for upload_token in "${upload_tokens[@]}"; do
  curl -sf -o /dev/null -X POST "$BENCH_URL/v1/mediaItems:batchCreate" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"newMediaItems\":[{\"simpleMediaItem\":{\"uploadToken\":\"$upload_token\"}}]}" &
  clients+=($!)
done
peak_rss_while "${clients[@]}"
peak=$PEAK
echo "idle ${idle} KiB, peak ${peak} KiB, above idle $(((peak - idle) / 1024)) MiB"
rm -f "$big"
bench_stop_server

echo
echo "== b, c. from the preview (built at ingest), and cached at 64 connections"
export ALBUMEN__RENDITIONS__BUILD_PREVIEWS=true
bench_launch 'Albumen is listening' serve --dev
url=$(create "$PHOTOS/24mp.jpg")
sleep 3 # the builder is woken by batchCreate; a 24 MP preview takes well under a second
from_preview=$(for i in $(seq "$RUNS"); do request_ms "$url=w$((500 + i))-h$((500 + i))"; done | median)
echo "from the preview, uncached: median ${from_preview} ms"
bench_stop_server
export ALBUMEN__RENDITIONS__CACHE_MAX_MIB=256
previous=$BENCH_URL
bench_launch 'Albumen is listening' serve --dev
url=${url/$previous/$BENCH_URL} # the same signed URL on the restarted server's port
request_ms "$url=w512-h512" >/dev/null
wrk -t2 -c64 -d"$duration"s --latency "$url=w512-h512" | grep -E 'Requests/sec|99%'
echo "healthz at 64 connections, same run:"
wrk -t2 -c64 -d"$duration"s --latency "$BENCH_URL/healthz" | grep -E 'Requests/sec|99%'
