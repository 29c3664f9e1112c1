#!/usr/bin/env bash
# The whole-clip table of the model card (issue 28): `centrifuge separate --blend A B` at its defaults (alpha 0.5, the
# model's own processing scale, windows of 32 frames) on every unordered pair of the validation videos, each over the
# two videos' common length; writes a Markdown table of each pair's PSNRi (the layers against A and B, from the
# separation's summary.json), then the median (the mean of the middle two for an even count) and the win rate (the
# share of pairs with PSNRi > 0), as `evaluate` defines them (src/Centrifuge/Losses/PairDistribution.cs).
#   scripts/whole-clip-table.sh                         # data/corpus/val/videos, the shipped model, table on stdout
#   scripts/whole-clip-table.sh DIR -o table.md         # other videos; the table into a file (not overwritten)
#   MODEL=run/best.ckpt scripts/whole-clip-table.sh -- --tta flip   # flags after -- go to every `separate`
#   MODEL=new.ckpt scripts/whole-clip-table.sh --against old.ckpt    # a second model on the same pairs, pair by pair
#   STRENGTH=0.75 scripts/whole-clip-table.sh --against models/centrifuge-cpu-small.ckpt   # the model's layers at
#                                                  # `separate --strength 0.75`, against the shipped model at the strength
#                                                  # its file records (`centrifuge strength`; without STRENGTH, the model too)
# With --against, each pair is separated by both models (the flags after -- go to both); the table gains the
# reference's PSNRi and the difference, and a last line counts the pairs the model is better / worse / level on (level:
# within 0.005 dB, as printed) with a two-sided exact sign test over the pairs that differ, as `evaluate --against`.
# The separations go to a temporary folder, removed at the end. CENTRIFUGE names the CLI to run (default ./centrifuge).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a cli <<< "${CENTRIFUGE:-$root/centrifuge}"
videos="$root/data/corpus/val/videos" out="" against="" extra=()
while (($#)); do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    --against) against="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) videos="$1"; shift ;;
  esac
done
[ -d "$videos" ] || { echo "whole-clip-table: $videos: no such folder (scripts/fetch-training-data.sh builds data/corpus)" >&2; exit 3; }
[ -z "$out" ] || [ ! -e "$out" ] || { echo "whole-clip-table: $out: already exists" >&2; exit 4; }
model=()
[ -z "${MODEL:-}" ] || model=(--model "$MODEL")
[ -z "${STRENGTH:-}" ] || model+=(--strength "$STRENGTH")
[ -z "$against" ] || [ -f "$against" ] || { echo "whole-clip-table: $against: no such file (--against takes a model checkpoint)" >&2; exit 3; }

mapfile -t files < <(find -L "$videos" -maxdepth 1 -type f | sort)
((${#files[@]} >= 2)) || { echo "whole-clip-table: $videos: fewer than two videos" >&2; exit 3; }
work="$(mktemp -d "${TMPDIR:-/tmp}/whole-clip-table.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# separate MODEL-ARGS... -- A B NAME: one `separate --blend` into $work; prints the pair's PSNRi, frames and frames/s, or
# fails with the error's last line on stderr.
separate() {
  local args=() a b name
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  a="$2" b="$3" name="$4"
  if ! "${cli[@]}" separate --blend "$a" "$b" -o "$work" "${args[@]}" "${extra[@]}" >/dev/null 2>"$work/error.txt"; then
    grep -v NNPACK "$work/error.txt" | tail -1 >&2
    rm -rf "${work:?}/$name"
    return 1
  fi
  local summary="$work/$name/summary.json"
  printf '%s %s %s\n' "$(grep -o '"psnri": [-+0-9.eE]*' "$summary" | head -1 | awk '{print $2}')" \
    "$(grep -o '"frames": [0-9]*' "$summary" | head -1 | awk '{print $2}')" \
    "$(grep -o '"frames_per_second": [0-9.]*' "$summary" | head -1 | awk '{print $2}')"
  rm -rf "${work:?}/$name"
}

rows="" values="" differences="" failed=0
for ((i = 0; i < ${#files[@]}; i++)); do
  for ((j = i + 1; j < ${#files[@]}; j++)); do
    a="${files[i]}" b="${files[j]}"
    name="$(basename "${a%.*}")+$(basename "${b%.*}")"
    label="$(basename "$a") + $(basename "$b")"
    echo "whole-clip-table: $name" >&2
    # A pair that fails (a bad file, or NaN layers) is a row of its own and left out of the median, the win rate and
    # the comparison.
    if ! result=$(separate "${model[@]}" -- "$a" "$b" "$name" 2>"$work/why.txt") \
       || { [ -n "$against" ] && ! reference=$(separate --model "$against" -- "$a" "$b" "$name" 2>"$work/why.txt"); }; then
      why=$(cat "$work/why.txt")
      echo "whole-clip-table: $name failed: $why" >&2
      if [ -n "$against" ]; then rows+="| $label | - | failed: ${why//|/\\|} | - | - | - |"$'\n'
      else rows+="| $label | - | failed: ${why//|/\\|} | - |"$'\n'; fi
      failed=$((failed + 1))
      continue
    fi
    read -r psnri frames fps <<< "$result"
    values+="$psnri"$'\n'
    if [ -n "$against" ]; then
      read -r psnri_ref _ _ <<< "$reference"
      difference=$(awk -v x="$psnri" -v y="$psnri_ref" 'BEGIN { printf "%+.2f", x - y }')
      differences+="$difference"$'\n'
      rows+="| $label | $frames | $(printf '%+.2f' "$psnri") | $(printf '%+.2f' "$psnri_ref") | $difference | $fps |"$'\n'
    else
      rows+="| $label | $frames | $(printf '%+.2f' "$psnri") | $fps |"$'\n'
    fi
  done
done

summary=$(printf "%s" "$values" | { grep . || true; } | sort -g | awk '
  { v[NR] = $1; if ($1 > 0) wins++ }
  END { if (NR == 0) { printf "no pair separated"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d pairs: median PSNRi %+.2f dB, win rate %.0f %% (%d of %d)", NR, m, 100 * wins / NR, wins, NR }')
((failed == 0)) || summary+="; $failed failed (not counted)"
if [ -n "$against" ]; then
  # Better / worse / level by the printed difference; the sign test's p is twice the smaller tail of Binomial(n, 1/2)
  # over the n pairs that differ (capped at 1), summed exactly.
  comparison=$(printf "%s" "$differences" | { grep . || true; } | awk -v reference="$(basename "$against")" '
    { if ($1 > 0) better++; else if ($1 < 0) worse++; else level++; sum += $1 }
    END { if (NR == 0) exit
          n = better + worse; k = (better < worse) ? better : worse; tail = 0; c = 1
          for (i = 0; i <= k; i++) { tail += c; c = c * (n - i) / (i + 1) }
          p = (n == 0) ? 1 : 2 * tail / 2 ^ n; if (p > 1) p = 1
          printf "Against %s: better on %d, worse on %d, level on %d of %d pairs; mean difference %+.2f dB; sign test p = %.3g",
                 reference, better, worse, level, NR, sum / NR, p }')
  table="| pair (A + B, alpha 0.5) | frames | PSNRi (dB) | $(basename "$against") | difference | frames/s |"$'\n'"|---|---|---|---|---|---|"$'\n'"$rows"$'\n'"$summary."
  [ -z "$comparison" ] || table+=$'\n'"$comparison."
else
  table="| pair (A + B, alpha 0.5) | frames | PSNRi (dB) | frames/s |"$'\n'"|---|---|---|---|"$'\n'"$rows"$'\n'"$summary."
fi
if [ -n "$out" ]; then printf '%s\n' "$table" > "$out.tmp" && mv "$out.tmp" "$out"; echo "whole-clip-table: wrote $out" >&2
else printf '%s\n' "$table"; fi
((failed == 0)) || exit 5   # the table is written, but not every pair is in it
