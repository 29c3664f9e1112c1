#!/usr/bin/env bash
# Issue 28's capacity lever: the cpu-small recipe at width 0.5 instead of 0.375 (about 1.8x the multiply-adds), from a
# random initialisation, with the full augmentation and decoder dropout from the start, the best checkpoint chosen on
# 100 spread pairs of unseen videos, 6,000 steps with the paper's step-downs scaled to them. Resumable: run it again
# after any interruption (it continues from the last intact checkpoint). A run over several sessions: the run folder
# is outside the checkout so a new work tree keeps it. Extra arguments go to train (e.g. --threads 1; the default is a thread per core).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${RUN:-$HOME/centrifuge-runs/long/wide-0.5}"
scripts/fetch-training-data.sh
resume=(); [ -d "$out" ] && resume=(--resume)
exec ./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --config configs/variants/augment-all.json --config configs/variants/decoder-dropout.json \
  --config configs/variants/validate-spread.json --config configs/variants/wide.json \
  --photo 0 --composite 0.25 --mixture-consistency --iterations 6000 --val-every 250 --checkpoint-every 50 --out "$out" "${resume[@]}" "$@"
