#!/usr/bin/env bash
# Fetches the real sample videos from their Debian packages into data/samples/ (git-ignored) and writes
# data/samples/manifest.json: file, package, group, split, frames (decoded and counted), width, height, fps.
# Idempotent: packages already extracted and a manifest already written are reused. --force refetches.
# The split is fixed by whole video (files of one group, e.g. one movie in four containers, share a split).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${CENTRIFUGE_SAMPLES:-$root/data/samples}"
work="$dest/.packages"
manifest="$dest/manifest.json"

if [ "${1:-}" = "--force" ]; then rm -rf "$dest"; fi
if [ -f "$manifest" ]; then
  missing=$(grep -o '"file": "[^"]*"' "$manifest" | cut -d'"' -f4 | while read -r f; do [ -f "$dest/$f" ] || echo "$f"; done)
  if [ -z "$missing" ]; then echo "samples: $manifest present ($(grep -c '"file"' "$manifest") videos)" >&2; exit 0; fi
  echo "samples: refetching, missing: $missing" >&2
  rm -f "$manifest"
fi

# package | path inside the package | group (same content = same group) | split
table='
opencv-doc|usr/share/doc/opencv-doc/examples/data/vtest.avi|vtest|train
opencv-doc|usr/share/doc/opencv-doc/examples/data/tree.avi|tree|val
opencv-doc|usr/share/doc/opencv-doc/examples/data/Megamind.avi|megamind|train
opencv-doc|usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz|cup|train
python3-imageio|usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4|cockatoo|val
python3-imageio|usr/lib/python3/dist-packages/imageio/resources/images/realshort.mp4|realshort|train
forensics-samples-files|usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4|movie1|val
forensics-samples-files|usr/share/forensics-samples/original-files/movie2/movie-hello.mp4|movie-hello|train
forensics-samples-files|usr/share/forensics-samples/original-files/movie2/movie-hello.avi|movie-hello|train
forensics-samples-files|usr/share/forensics-samples/original-files/movie2/movie-hello.mpeg|movie-hello|train
forensics-samples-files|usr/share/forensics-samples/original-files/movie2/movie-hello.ogg|movie-hello|train
python3-hug-doc|usr/share/doc/python3-hug/examples/streaming_movie_server/movie.mp4|hug-movie|train
python3-mecavideo|usr/share/pymecavideo/data/video/Effet_force_magnetique.ogv|meca-magnet|train
python3-mecavideo|usr/share/pymecavideo/data/video/Force_constante.avi|meca-force|val
python3-mecavideo|usr/share/pymecavideo/data/video/Principe_inertie.avi|meca-inertia|train
python3-mecavideo|usr/share/pymecavideo/data/video/balle-jbart.mp4|meca-balle-jbart|train
python3-mecavideo|usr/share/pymecavideo/data/video/balle1-vp9.avi|meca-balle1|val
python3-mecavideo|usr/share/pymecavideo/data/video/g1.avi|meca-g|train
python3-mecavideo|usr/share/pymecavideo/data/video/g2.avi|meca-g|train
python3-mecavideo|usr/share/pymecavideo/data/video/retroMars2018.avi|meca-mars|train
'

command -v ffprobe >/dev/null || { echo "samples: ffprobe missing (run scripts/ensure-tools.sh)" >&2; exit 3; }
mkdir -p "$work"
packages=$(echo "$table" | awk -F'|' 'NF==4 {print $1}' | sort -u)
extract_packages "$work" $packages

tmp="$manifest.tmp"
echo "[" > "$tmp"
first=1
while IFS='|' read -r package path group split; do
  [ -n "$package" ] || continue
  src="$work/$package/$path"
  name=$(basename "$path" .gz)
  out="$dest/$package/$name"
  mkdir -p "$dest/$package"
  if [ ! -f "$out" ]; then
    case "$path" in
      *.gz) gunzip -c "$src" > "$out.part" ;;
      *) cp "$src" "$out.part" ;;
    esac
    mv "$out.part" "$out"
  fi
  IFS=, read -r width height rate frames < <(ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=width,height,avg_frame_rate,nb_read_frames -of csv=p=0 "$out" | head -1)
  if [ "$rate" = "0/0" ]; then
    rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$out" | head -1)
  fi
  fps=$(awk -F/ '{ printf "%.4f", ($2 > 0 ? $1 / $2 : $1) }' <<<"$rate")
  [ $first = 1 ] || echo "," >> "$tmp"
  first=0
  printf '  {"file": "%s/%s", "package": "%s", "group": "%s", "split": "%s", "frames": %d, "width": %d, "height": %d, "fps": %s, "bytes": %d}' \
    "$package" "$name" "$package" "$group" "$split" "$frames" "$width" "$height" "$fps" "$(stat -c %s "$out")" >> "$tmp"
done <<<"$table"
printf '\n]\n' >> "$tmp"
mv "$tmp" "$manifest"
rm -rf "$work"
echo "samples: wrote $manifest ($(grep -c '"file"' "$manifest") videos)" >&2
