#!/usr/bin/env bash
# The equal-time comparison of training-data recipes (issue 16, docs/RESULTS.md "Training data"): each variant
# trains the cpu-small model from a random initialisation with the same recipe (configs/cpu-small-default-leg1.json:
# 16x64x64 clips, batch 6, Adam 1e-3) on one libtorch thread for the same CPU time (--max-cpu-minutes, validation
# included; on one thread CPU time is wall time on an idle machine, and neighbours cannot eat into it), and is scored
# on the same fixed pairs: 100 blends of the validation videos (unseen) and 100 of the training videos, beside the
# trainer's usual validation; then each best.ckpt is scored with the model card's measure (evaluate, 100 pairs of the
# validation videos, seed 1, 16x64x64) into RUN/evaluate.json. Resumable: run it again and finished variants are kept;
# a higher MINUTES continues finished runs only after their .done file is removed.
#   scripts/compare-data.sh                        # every variant below, MINUTES CPU minutes each (default 10)
#   scripts/compare-data.sh composite-50 real-only # just these
#   PARALLEL=2 scripts/compare-data.sh             # two variants at a time (one thread each, 2 cores)
# Run folders go to ${CENTRIFUGE_RUNS:-~/centrifuge-runs}/data/NAME; TRAIN_FLAGS adds `centrifuge train` flags;
# CENTRIFUGE names the CLI to run (a frozen copy lets runs go on while the tree is edited and rebuilt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${CENTRIFUGE_RUNS:-$HOME/centrifuge-runs}/data"
minutes="${MINUTES:-10}"
parallel="${PARALLEL:-1}"
read -r -a cli <<< "${CENTRIFUGE:-./centrifuge}"

# name -> the flags that make the variant (everything else is the base config).
declare -A variants=(
  [current]="--photo 0.25 --composite 0"          # the shipped model's recipe: camera-motion photos for 1 layer in 4
  [real-only]="--photo 0 --composite 0"
  [composite-25]="--photo 0 --composite 0.25"
  [composite-50]="--photo 0 --composite 0.5"
  [composite-75]="--photo 0 --composite 0.75"
  [composite-50-objects-2]="--photo 0 --composite 0.5 --objects 2"
  [composite-50-objects-6]="--photo 0 --composite 0.5 --objects 6"
  [real-only-reflection-50]="--photo 0 --composite 0 --reflection 0.5"   # issue 17: half the blends mixed like reflections
  [real-only-frame2d]="--photo 0 --composite 0 --encoder frame2d"         # issue 17: the per-frame 2D encoder
  [composite-25-mixture]="--photo 0 --composite 0.25 --mixture-consistency"  # issue 17: outputs projected to average to the input
  [composite-25-layers4]="--photo 0 --composite 0.25 --layers 4"           # issue 17: n = 4 hypotheses (the paper's Table 2)
  [composite-25-frame2d]="--photo 0 --composite 0.25 --encoder frame2d"
  [composite-25-mixture-seed2]="--photo 0 --composite 0.25 --mixture-consistency --seed 2"
  [composite-25-mixture-clip112]="--photo 0 --composite 0.25 --mixture-consistency --clip 16,112,112"  # train at the scale of use
  [composite-25-mixture-corrector]="--photo 0 --composite 0.25 --mixture-consistency --config configs/variants/corrector.json"
  # issue 28: augmentation on the shipped recipe. Scale: random resized crops (25-100 % of the short side, aspect
  # 3:4-4:3) from a cache at short side 192 (data/cache/cpu-small-short-side-192, built on first use); appearance:
  # per-layer time reversal, channel permutation, hue, contrast, saturation, gamma, grayscale and strides 1-4.
  [composite-25-mixture-augment-scale]="--photo 0 --composite 0.25 --mixture-consistency --config configs/variants/augment-scale.json"
  [composite-25-mixture-augment-appearance]="--photo 0 --composite 0.25 --mixture-consistency --config configs/variants/augment-appearance.json"
  [composite-25-mixture-augment-all]="--photo 0 --composite 0.25 --mixture-consistency --config configs/variants/augment-all.json"
  [composite-25-mixture-augment-all-seed2]="--photo 0 --composite 0.25 --mixture-consistency --config configs/variants/augment-all.json --seed 2"
  # issue 28: the stills corpus version 3 added (opencv-doc, scikit-image, stellarium-data) as a lever of their own:
  # the same recipe on the corpus without them (version 2's photos; `--data` names the folder of links built below).
  [composite-25-mixture-stills-v2]="--photo 0 --composite 0.25 --mixture-consistency --data $runs/corpus-v2"
  [composite-25-mixture-stills-v2-seed2]="--photo 0 --composite 0.25 --mixture-consistency --data $runs/corpus-v2 --seed 2"
  [real-only-frame2d-seed2]="--photo 0 --composite 0 --encoder frame2d --seed 2"
  [shipped-composite-50]="--init models/centrifuge-cpu-small.ckpt --photo 0 --composite 0.5"  # fine-tune the shipped model
  [real-only-seed2]="--photo 0 --composite 0 --seed 2"
  [composite-25-seed2]="--photo 0 --composite 0.25 --seed 2"
  [composite-50-seed2]="--photo 0 --composite 0.5 --seed 2"
  [composite-50-objects-6-seed2]="--photo 0 --composite 0.5 --objects 6 --seed 2"
)
order=(current real-only composite-25 composite-50 composite-75 composite-50-objects-2 composite-50-objects-6)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${order[@]}")
for name in "${names[@]}"; do [[ -n "${variants[$name]:-}" ]] || { echo "compare-data: no variant $name" >&2; exit 2; }; done
read -r -a flags <<< "${TRAIN_FLAGS:-}"

scripts/fetch-training-data.sh
# Corpus version 2 as links into data/corpus: every video, and every photo but those of the three packages version 3
# added, in both splits (the card's validation videos are the same).
make_corpus_v2() {
  local dir="$runs/corpus-v2" split kind f
  [[ -f "$dir/.done" ]] && return 0   # never rebuilt under a run that reads it
  rm -rf "$dir"
  for split in train val; do
    for kind in videos sequences photos; do
      [[ -d "data/corpus/$split/$kind" ]] || continue
      mkdir -p "$dir/$split/$kind"
      for f in "$root/data/corpus/$split/$kind"/*; do
        case "$kind/$(basename "$f")" in photos/opencv-*|photos/skimage-*|photos/stellarium-*) continue ;; esac
        ln -s "$f" "$dir/$split/$kind/"
      done
    done
  done
  touch "$dir/.done"
}
run_variant() {
  local name="$1" out="$runs/$1" variant
  if [[ -f "$out/.done" ]]; then echo "== $name: done"; return 0; fi
  echo "== $name starts ($(uptime | sed 's/.*load average/load average/'))"
  read -r -a variant <<< "${variants[$name]}"
  # A variant may name its own corpus (`--data DIR`); the others train on data/corpus.
  local data=data/corpus
  if [[ " ${variants[$name]} " =~ \ --data\ ([^ ]+) ]]; then
    data="${BASH_REMATCH[1]}"
    read -r -a variant <<< "${variants[$name]/--data $data/}"
  fi
  # Another clip size caches its clips at another scale: a cache per size, so the shared one is not rebuilt under the others.
  local cache=data/cache/cpu-small
  [[ " ${variants[$name]} " =~ \ --clip\ ([^ ]+) ]] && cache="data/cache/cpu-small-${BASH_REMATCH[1]//,/x}"
  # 100,000 iterations at a constant rate: the time budget, not the step count, ends each run. --verbose: a crash
  # leaves its stack trace in the log.
  if "${cli[@]}" train --data "$data" --cache "$cache" --config configs/cpu-small-default-leg1.json \
      --iterations 100000 --val-every 300 --checkpoint-every 100 --max-cpu-minutes "$minutes" --threads 1 \
      --out "$out" --resume --verbose "${variant[@]}" "${flags[@]}" > "$out.log" 2>&1; then
    # The model card's measure, on the same 100 pairs for every variant: real validation videos only, seed 1.
    "${cli[@]}" evaluate --model "$out/best.ckpt" --data data/corpus/val --pairs 100 --seed 1 --clip 16,64,64 \
      --threads 1 --json > "$out/evaluate.json" 2> "$out/evaluate.log" || echo "compare-data: $name: evaluate failed (see $out/evaluate.log)" >&2
    uptime > "$out/.done"
    echo "== $name done ($(uptime | sed 's/.*load average/load average/'))"
  else
    echo "compare-data: $name failed (exit $?, log $out.log); going on" >&2
  fi
}
mkdir -p "$runs"
for name in "${names[@]}"; do [[ " ${variants[$name]} " == *" --data $runs/corpus-v2 "* ]] && { make_corpus_v2; break; }; done
for name in "${names[@]}"; do
  run_variant "$name" &
  sleep 30   # let its cache check finish before the next one opens the cache
  while (( $(jobs -rp | wc -l) >= parallel )); do wait -n || true; done
done
wait

echo
printf '%-40s %6s %9s %9s %9s  %-12s %s\n' variant steps "val-vid" "train-vid" "gap" "best" "evaluate (card)"
for name in "${names[@]}"; do
  metrics="$runs/$name/metrics.jsonl"
  [[ -f "$metrics" ]] || continue
  card="-"
  [[ -s "$runs/$name/evaluate.json" ]] && card="$(jq -r '"\(.ratio_to_identity*1000|round/1000) (PSNRi \(.model.psnri*100|round/100))"' "$runs/$name/evaluate.json")"
  jq -rs --arg n "$name" '[.[] | select(.kind == "validation")] as $v | ($v | last) as $l | ($v | min_by(.validation_videos_ratio)) as $b
    | "\($n) \($l.iteration) \($l.validation_videos_ratio*1000|round/1000) \($l.training_videos_ratio*1000|round/1000) \(($l.validation_videos_ratio-$l.training_videos_ratio)*1000|round/1000) \($b.validation_videos_ratio*1000|round/1000)@\($b.iteration)"' "$metrics" |
    awk -v card="$card" '{ printf "%-40s %6s %9s %9s %9s  %-12s %s\n", $1, $2, $3, $4, $5, $6, card }'
done
