#!/usr/bin/env bash
# Real camera photos through the renderer: a 5 MP Konica Minolta JPEG and a Canon one from
# Debian's `mate-backgrounds` (GPL-2+, fetched with `apt-get download` into
# $HOME/.cache/albumen/camera-photos, never committed), the first also converted by ffmpeg to
# PNG, WebP, TIFF, BMP and GIF, then `cargo test -p albumen-render --test camera_photos`.
# Needs apt-get, dpkg-deb and ffmpeg (.ci/run installs ffmpeg first).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir="${ALBUMEN_TEST_PHOTOS:-$HOME/.cache/albumen/camera-photos}"
mkdir -p "$dir"
if [[ ! -f "$dir/wood.jpg" ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  (cd "$scratch" && apt-get download -q mate-backgrounds >/dev/null 2>&1) ||
    (apt-get update -qq && cd "$scratch" && apt-get download -q mate-backgrounds >/dev/null)
  dpkg-deb -x "$scratch"/mate-backgrounds_*.deb "$scratch/x"
  cp "$scratch/x/usr/share/backgrounds/mate/nature/Wood.jpg" "$dir/wood.jpg"
  cp "$scratch/x/usr/share/backgrounds/mate/nature/Storm.jpg" "$dir/storm.jpg"
fi
for format in png webp tiff bmp gif; do
  # RGB: ffmpeg would keep the JPEG's YCbCr 4:2:0 in a TIFF, which few readers take.
  [[ -f "$dir/wood.$format" ]] || ffmpeg -v error -y -i "$dir/wood.jpg" -pix_fmt rgb24 "$dir/wood.$format"
done
cd "$repo"
ALBUMEN_TEST_PHOTOS="$dir" cargo test --locked -p albumen-render --test camera_photos -- --include-ignored
