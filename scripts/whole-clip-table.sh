#!/usr/bin/env bash
# The whole-clip table of the model card (issue 28): `centrifuge separate --blend A B` at its defaults (alpha 0.5, the
# model's own processing scale, windows of 32 frames) on every unordered pair of the validation videos, each over the
# two videos' common length; writes a Markdown table of each pair's PSNRi (the layers against A and B, from the
# separation's summary.json), then the median (the mean of the middle two for an even count) and the win rate (the
# share of pairs with PSNRi > 0), as `evaluate` defines them (src/Centrifuge/Losses/PairDistribution.cs).
#   scripts/whole-clip-table.sh                         # data/corpus/val/videos, the shipped model, table on stdout
#   scripts/whole-clip-table.sh DIR -o table.md         # other videos; the table into a file (not overwritten)
#   MODEL=run/best.ckpt scripts/whole-clip-table.sh -- --tta flip   # flags after -- go to every `separate`
# The separations go to a temporary folder, removed at the end. CENTRIFUGE names the CLI to run (default ./centrifuge).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a cli <<< "${CENTRIFUGE:-$root/centrifuge}"
videos="$root/data/corpus/val/videos" out="" extra=()
while (($#)); do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) videos="$1"; shift ;;
  esac
done
[ -d "$videos" ] || { echo "whole-clip-table: $videos: no such folder (scripts/fetch-training-data.sh builds data/corpus)" >&2; exit 3; }
[ -z "$out" ] || [ ! -e "$out" ] || { echo "whole-clip-table: $out: already exists" >&2; exit 4; }
model=()
[ -z "${MODEL:-}" ] || model=(--model "$MODEL")

mapfile -t files < <(find -L "$videos" -maxdepth 1 -type f | sort)
((${#files[@]} >= 2)) || { echo "whole-clip-table: $videos: fewer than two videos" >&2; exit 3; }
work="$(mktemp -d "${TMPDIR:-/tmp}/whole-clip-table.XXXXXX")"
trap 'rm -rf "$work"' EXIT

rows="" values="" failed=0
for ((i = 0; i < ${#files[@]}; i++)); do
  for ((j = i + 1; j < ${#files[@]}; j++)); do
    a="${files[i]}" b="${files[j]}"
    name="$(basename "${a%.*}")+$(basename "${b%.*}")"
    echo "whole-clip-table: $name" >&2
    # A pair that fails (a bad file, or NaN layers) is a row of its own and left out of the median and win rate.
    if ! "${cli[@]}" separate --blend "$a" "$b" -o "$work" "${model[@]}" "${extra[@]}" >/dev/null 2>"$work/error.txt"; then
      why=$(grep -v NNPACK "$work/error.txt" | tail -1)
      echo "whole-clip-table: $name failed: $why" >&2
      rows+="| $(basename "$a") + $(basename "$b") | - | failed: ${why//|/\\|} | - |"$'\n'
      failed=$((failed + 1))
      rm -rf "${work:?}/$name"
      continue
    fi
    summary="$work/$name/summary.json"
    psnri=$(grep -o '"psnri": [-+0-9.eE]*' "$summary" | head -1 | awk '{print $2}')
    frames=$(grep -o '"frames": [0-9]*' "$summary" | head -1 | awk '{print $2}')
    fps=$(grep -o '"frames_per_second": [0-9.]*' "$summary" | head -1 | awk '{print $2}')
    rows+="| $(basename "$a") + $(basename "$b") | $frames | $(printf '%+.2f' "$psnri") | $fps |"$'\n'
    values+="$psnri"$'\n'
    rm -rf "${work:?}/$name"
  done
done

summary=$(printf "%s" "$values" | { grep . || true; } | sort -g | awk '
  { v[NR] = $1; if ($1 > 0) wins++ }
  END { if (NR == 0) { printf "no pair separated"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d pairs: median PSNRi %+.2f dB, win rate %.0f %% (%d of %d)", NR, m, 100 * wins / NR, wins, NR }')
((failed == 0)) || summary+="; $failed failed (not counted)"
table="| pair (A + B, alpha 0.5) | frames | PSNRi (dB) | frames/s |"$'\n'"|---|---|---|---|"$'\n'"$rows"$'\n'"$summary."
if [ -n "$out" ]; then printf '%s\n' "$table" > "$out.tmp" && mv "$out.tmp" "$out"; echo "whole-clip-table: wrote $out" >&2
else printf '%s\n' "$table"; fi
((failed == 0)) || exit 5   # the table is written, but not every pair is in it
