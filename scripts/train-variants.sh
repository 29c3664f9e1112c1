#!/usr/bin/env bash
# Trains the recipe variants of the shipped model's ablation (models/README.md, "Variants tried"), resumably, one
# after another, then prints each one's validation ratios. Every variant is configs/variants/NAME.json, a patch naming
# its one change on top of configs/variants/baseline.json (itself a patch on the shipped recipe,
# configs/cpu-small-default.json: 600 steps at a constant learning rate; sgd-paper: 400; batch12: 300 steps, the same
# clips seen), validated on the shipped run's 100 fixed pairs. The three files are passed as layered --config options.
#   scripts/train-variants.sh                      # every variant, in the order below
#   scripts/train-variants.sh corrector layers4    # just these
#   scripts/train-variants.sh frame2d              # the per-frame 2D encoder (not in the default order)
# TRAIN_FLAGS adds `centrifuge train` flags (e.g. TRAIN_FLAGS="--threads 1"); CENTRIFUGE names the CLI to run (a
# frozen copy lets a long run go on while the tree is edited and rebuilt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

order=(baseline-seed2 corrector layers4 batch12 real-only photo-half sgd-paper alpha-fixed no-jitter baseline)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${order[@]}")
read -r -a flags <<< "${TRAIN_FLAGS:-}"
for name in "${names[@]}"; do
  [[ -f "configs/variants/$name.json" ]] || { echo "train-variants: no configs/variants/$name.json" >&2; exit 2; }
done

read -r -a cli <<< "${CENTRIFUGE:-./centrifuge}"
scripts/fetch-training-data.sh
for name in "${names[@]}"; do
  echo "== variant $name"
  "${cli[@]}" train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
    --config configs/variants/baseline.json --config "configs/variants/$name.json" \
    --out "runs/variants/$name" --resume "${flags[@]}" || echo "train-variants: $name failed (exit $?); going on" >&2
done

echo
printf '%-16s %s\n' variant "validation ratio by iteration"
for name in "${names[@]}"; do
  metrics="runs/variants/$name/metrics.jsonl"
  [[ -f "$metrics" ]] || continue
  printf '%-16s %s\n' "$name" "$(jq -r 'select(.kind == "validation") | "\(.iteration):\(.ratio * 1000 | round / 1000)"' "$metrics" | paste -sd' ')"
done
