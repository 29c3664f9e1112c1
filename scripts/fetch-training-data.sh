#!/usr/bin/env bash
# Builds the training corpus the shipped model is trained on, from Debian packages only, in data/corpus/:
#   data/corpus/{train,val}/videos/     the real sample videos (links into data/samples, split as in its manifest)
#                                       plus the grayscale real image sequences, encoded losslessly (FFV1 .mkv)
#   data/corpus/{train,val}/photos/     still photos for camera-motion and composited pseudo-videos (downscaled to
#                                       <= 1280 px): plasma and mate photos, plus the wallpapers of gnome-, ukui-,
#                                       lomiri- and sway-backgrounds (corpus version 2), and the photographs of
#                                       opencv-doc's sample data, scikit-image's data (python3-skimage) and
#                                       stellarium-data's landscapes (version 3)
# Split by whole video / sequence / photo, fixed here. Idempotent: a finished corpus of this version (data/corpus/.done
# holding the version) is reused; an older one is topped up (files already there are kept).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
samples="${CENTRIFUGE_SAMPLES:-$root/data/samples}"
dest="${CENTRIFUGE_CORPUS:-$root/data/corpus}"
work="$dest/.packages"

if [ "${1:-}" = "--force" ]; then rm -rf "$dest"; fi
version=3
if [ -f "$dest/.done" ] && [ "$(cat "$dest/.done")" = "$version" ]; then echo "corpus: $dest present" >&2; exit 0; fi

"$root/scripts/fetch-samples.sh"
mkdir -p "$work" "$dest"/{train,val}/{videos,photos}

extract_packages "$work" plasma-workspace-wallpapers mate-backgrounds visp-images-data libdlib19.1 \
  gnome-backgrounds ukui-wallpapers lomiri-wallpapers sway-backgrounds opencv-doc python3-skimage stellarium-data

# Real videos: split as recorded in the sample manifest.
grep -o '"file": "[^"]*", "package": "[^"]*", "group": "[^"]*", "split": "[^"]*"' "$samples/manifest.json" |
while IFS='"' read -r _ _ _ file _ _ _ _ _ _ _ _ _ _ _ split _; do
  name="$(echo "$file" | tr '/' '_')"
  ln -sfn "$samples/$file" "$dest/$split/videos/$name"
done

# Grayscale real sequences -> lossless videos (25 fps). One sequence = one video = one split.
encode_sequence() { # split name pattern-dir glob-pattern
  local split="$1" name="$2" dir="$3" pattern="$4" out="$dest/$1/videos/$2.mkv"
  [ -f "$out" ] && return 0
  ffmpeg -nostdin -v error -y -framerate 25 -pattern_type glob -i "$dir/$pattern" -c:v ffv1 -pix_fmt gray "$out.tmp.mkv"
  mv "$out.tmp.mkv" "$out"
}
visp="$work/visp-images-data/usr/share/visp-images-data/ViSP-images"
encode_sequence train visp-mire-2 "$visp/mire-2" 'image.*.pgm'
encode_sequence train visp-mbt-cube "$visp/mbt/cube" 'image*.pgm'
encode_sequence val visp-cube "$visp/cube" 'image.*.pgm'
encode_sequence train dlib-video-frames "$work/libdlib19.1/usr/share/doc/libdlib19.1/examples/video_frames" 'frame_*.jpg'

# add_photos PREFIX: converts the sorted "name|file" lines on stdin to DEST/SPLIT/photos/[PREFIX-]name.jpg, every
# 5th to val (a counter of its own per call, so adding a package never moves another package's photos).
add_photos() {
  local prefix="${1:+$1-}" i=0 name file split out
  while IFS='|' read -r name file; do
    split=train; [ $((i % 5)) = 4 ] && split=val; i=$((i + 1))
    out="$dest/$split/photos/$prefix$name.jpg"
    [ -f "$out" ] && continue
    ffmpeg -nostdin -v error -y -i "$file" -vf "scale='min(1280,iw)':-2" -q:v 2 -frames:v 1 "$out.tmp.jpg"
    mv "$out.tmp.jpg" "$out"
  done
}

# Photos: one image per plasma wallpaper (its largest), every mate background; every 5th (sorted) goes to val.
photos="$(mktemp)"
for wallpaper in "$work"/plasma-workspace-wallpapers/usr/share/wallpapers/*/; do
  largest="$(ls -S "$wallpaper"contents/images/* 2>/dev/null | head -1)"
  [ -n "$largest" ] && echo "plasma-$(basename "$wallpaper")|$largest" >> "$photos"
done
# (mate ships some photos at several sizes, e.g. Elephants.jpg and Elephants_3840x2160.jpg: keep one of each.)
find "$work/mate-backgrounds/usr/share/backgrounds" -type f \( -name '*.jpg' -o -name '*.png' \) | sort |
  while read -r f; do b="$(basename "${f%.*}")"; echo "mate-${b%_[0-9]*x[0-9]*}|$f"; done | sort -t'|' -k1,1 -u >> "$photos"
sort "$photos" | add_photos ""
rm -f "$photos"

# Version 2: the wallpaper packages, each with its own counter so that version 1's split is unchanged.
# One image per artwork: gnome's light/dark pairs (-l/-d) and sway's sizes of one wallpaper count once; gnome's vnc
# placeholders (a few bytes) are left out.
bg="$work/gnome-backgrounds/usr/share/backgrounds/gnome"
find "$bg" -name '*-l.webp' -size +10k | sort | while read -r f; do b="$(basename "$f" -l.webp)"; echo "$b|$f"; done | sort -t'|' -k1,1 -u | add_photos gnome
find "$work/ukui-wallpapers/usr/share/backgrounds" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' \) | sort |
  while read -r f; do b="$(basename "${f%.*}")"; echo "$b|$f"; done | sort -t'|' -k1,1 -u | add_photos ukui
find "$work/lomiri-wallpapers/usr/share/backgrounds" -type f -name '*.png' | sort |
  while read -r f; do b="$(basename "${f%.*}")"; echo "$b|$f"; done | sort -t'|' -k1,1 -u | add_photos lomiri
largest="$(ls -S "$work"/sway-backgrounds/usr/share/backgrounds/sway/*.png | head -1)"
echo "wallpaper-blue|$largest" | add_photos sway

# Version 3 (issue 28): more stills, each package with its own counter. Photographs only: no calibration
# boards, text, logos or synthetic test patterns, and one image of each stereo or before/after pair.
cv="$work/opencv-doc/usr/share/doc/opencv-doc/examples/data"
for b in aero1 aloeL apple baboon basketball1 Blender_Suzanne1 board box_in_scene building butterfly cards chicky_512 \
    ela_original fruits graf1 HappyFish home left leuvenA licenseplate_motion messi5 orange pca_test1 rubberwhale1 \
    smarties squirrel_cls starry_night stuff; do
  f="$(ls "$cv/$b".* | head -1)"; echo "$b|$f"
done | sort -t'|' -k1,1 | add_photos opencv
sk="$work/python3-skimage/usr/lib/python3/dist-packages/skimage/data"
for b in astronaut brick camera chelsea coffee coins grass gravel hubble_deep_field ihc moon motorcycle_left retina rocket; do
  f="$(ls "$sk/$b".* | head -1)"; echo "$b|$f"
done | sort -t'|' -k1,1 | add_photos skimage

# Stellarium's landscapes are panoramas of photographs with the sky cut out (transparent): each panel is cropped to
# the rows below its last transparent one (panels with less than 128 opaque rows are left out), and each landscape
# goes whole to one split (every 5th, sorted, to val), as its panels show one place.
opaque_from() { # FILE: the first row from which every row down is opaque (mean alpha >= 250)
  local i=0 first=0 a
  for a in $(ffmpeg -nostdin -v error -i "$1" -vf "format=rgba,alphaextract,scale=1:ih:flags=area" -f rawvideo -pix_fmt gray - | od -An -v -tu1); do
    [ "$a" -lt 250 ] && first=$((i + 1))
    i=$((i + 1))
  done
  echo "$first $i"
}
landscapes="$work/stellarium-data/usr/share/stellarium/landscapes"
i=0
for land in garching grossmugl guereins hurricane mars ocean; do   # (moon: half of it is flat grey padding)
  split=train; [ $((i % 5)) = 4 ] && split=val; i=$((i + 1))
  find "$landscapes/$land" -name '*.png' ! -name '*fog*' ! -name '*illum*' ! -name '*-lgt*' ! -name '*ground*' ! -name '*b.png' | sort |
  while read -r f; do
    out="$dest/$split/photos/stellarium-$land-$(basename "${f%.*}").jpg"
    [ -f "$out" ] && continue
    read -r top height < <(opaque_from "$f")
    (( height - top >= 128 )) || continue
    ffmpeg -nostdin -v error -y -i "$f" -vf "crop=iw:$((height - top)):0:$top,scale='min(1280,iw)':-2" -q:v 2 -frames:v 1 "$out.tmp.jpg"
    mv "$out.tmp.jpg" "$out"
  done
done

rm -rf "$work"
echo "$version" > "$dest/.done"
for split in train val; do
  echo "corpus: $split: $(ls "$dest/$split/videos" | wc -l) videos, $(ls "$dest/$split/photos" | wc -l) photos" >&2
done
